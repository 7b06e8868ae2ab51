"""Output formats, one module each behind one registry.

A formatter turns a ``Report`` into text; it never decides the exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from engine.evaluate import Result
from engine.textsafe import clean
from engine.violations import Reminder, Violation


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


def message(v: Violation | Reminder, lang: str) -> str:
    return v.message_en if lang == "en" and v.message_en else v.message


def reminders(report: Report) -> list[Reminder]:
    """The run's reminders, in the order every format lists them. Never violations: no
    format may let them fail a run."""
    return sorted(report.result.reminders, key=Reminder.sort_key)


def _clean_any(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {_clean_any(k): _clean_any(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean_any(v) for v in value)
    return value


def _clean_fields(item: Any) -> Any:
    """A dataclass instance with every string (and nested string) field cleaned."""
    changes = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str | dict | list):
            changes[f.name] = _clean_any(value)
    return replace(item, **changes)


def safe(report: Report) -> Report:
    """The report with every text taken from records escaped (see ``clean``)."""
    result = report.result
    verdict = replace(
        result.authority, warnings=[_clean_fields(w) for w in result.authority.warnings]
    )
    result = replace(
        result,
        authority=verdict,
        reminders=[_clean_fields(r) for r in result.reminders],
        violations=[_clean_fields(v) for v in result.violations],
    )
    return replace(
        report,
        result=result,
        shown=[_clean_fields(v) for v in report.shown],
        changed=[
            (_clean_fields(v), [_clean_fields(o) for o in olds]) for v, olds in report.changed
        ],
        fixed=[_clean_fields(v) for v in report.fixed],
        accepted=[_clean_fields(v) for v in report.accepted],
    )


def load_formats() -> None:
    from engine.report import github, json_format, junit, sarif, text  # noqa: F401
