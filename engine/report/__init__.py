"""Output formats, one module each behind one registry.

A formatter turns a ``Report`` into text; it never decides the exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.evaluate import Result
from engine.violations import Violation


@dataclass
class Report:
    result: Result
    shown: list[Violation]  # open violations to report (only new ones with --base)
    base: str | None = None
    base_known: int = 0  # open violations that already existed at the base, unchanged
    lang: str = "zh"
    # With --base: open violations whose judged thing was already a violation of the same
    # article at the base (with those base violations), and base violations now gone.
    changed: list[tuple[Violation, list[Violation]]] = field(default_factory=list)
    fixed: list[Violation] = field(default_factory=list)
    # With --base: new violations acknowledged (如实登记) by a record added since the base.
    # Still violations, listed and counted; they do not block a commit.
    accepted: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.shown if v.severity == "error"]


Formatter = Callable[[Report], str]
FORMATS: dict[str, Formatter] = {}


def register(name: str) -> Callable[[Formatter], Formatter]:
    def wrap(fn: Formatter) -> Formatter:
        FORMATS[name] = fn
        return fn

    return wrap


def message(v: Violation, lang: str) -> str:
    return v.message_en if lang == "en" and v.message_en else v.message


def load_formats() -> None:
    from engine.report import github, json_format, junit, sarif, text  # noqa: F401
