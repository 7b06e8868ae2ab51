"""Output formats, one module each behind one registry.

A formatter turns a ``Report`` into text; it never decides the exit code.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator
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


# A formatter yields the report's text in pieces, written out as they come: the JSON
# report of 200,000 violations is 150 MB, and never needs to be in memory whole.
Formatter = Callable[[Report], Iterator[str]]
FORMATS: dict[str, Formatter] = {}


def register(name: str) -> Callable[[Formatter], Formatter]:
    def wrap(fn: Formatter) -> Formatter:
        FORMATS[name] = fn
        return fn

    return wrap


def render_text(name: str, report: Report) -> str:
    """The whole text of ``report`` in format ``name``."""
    return "".join(FORMATS[name](report))


class Stream:
    """A list in a JSON document that ``json_chunks`` writes item by item, making each
    item only when it is written: ``items`` (an iterable) is read once."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)


def json_chunks(doc: Any) -> Iterator[str]:
    """``json.dumps(doc, ensure_ascii=False, indent=2) + "\\n"`` in pieces, with every
    ``Stream`` in ``doc`` written as the list of its items, one item at a time (an item
    is dumped whole: it holds no stream of its own).

    The document is dumped with a placeholder string for each stream (a NUL byte and a
    random token: no text of the report can spell it); a placeholder is then replaced by
    its items, each dumped alone and indented to the depth of the placeholder's line:
    the same text, byte for byte, as one dump of the whole document.
    """
    token = secrets.token_hex(8)
    streams: list[Stream] = []

    def mark(node: Any) -> Any:
        if isinstance(node, Stream):
            streams.append(node)
            return f"\0{token}:{len(streams) - 1}"
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        return node

    text = _ENCODER.encode(mark(doc))
    start = 0
    for n, stream in enumerate(streams):
        placeholder = f'"\\u0000{token}:{n}"'
        at = text.index(placeholder, start)
        line = text[text.rfind("\n", 0, at) + 1 : at]
        yield text[start:at]
        yield from _list_chunks(stream.items, line[: len(line) - len(line.lstrip(" "))])
        start = at + len(placeholder)
    yield text[start:] + "\n"


def _list_chunks(items: Iterable[Any], indent: str) -> Iterator[str]:
    """A JSON list whose opening bracket is on a line indented by ``indent``."""
    inner = "\n" + indent + "  "
    first = True
    for item in items:
        yield ("[" if first else ",") + inner + _ENCODER.encode(item).replace("\n", inner)
        first = False
    yield "[]" if first else "\n" + indent + "]"


def message(v: Violation | Reminder, lang: str) -> str:
    return v.message_en if lang == "en" and v.message_en else v.message


def reminders(report: Report) -> list[Reminder]:
    """The run's reminders, in the order every format lists them. Never violations: no
    format may let them fail a run."""
    return sorted(report.result.reminders, key=Reminder.sort_key)


def _clean_any(value: Any) -> Any:
    """``value`` with every string (and nested string) cleaned: the very same object
    when nothing needed it, so a report of 200,000 clean violations is not copied."""
    if isinstance(value, str):
        return clean(value)  # the same string when it has nothing to escape
    if isinstance(value, dict):
        items = [(_clean_any(k), _clean_any(v)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True)):
            return value
        return dict(items)
    if isinstance(value, list | tuple):
        cleaned = [_clean_any(v) for v in value]
        if all(c is v for c, v in zip(cleaned, value, strict=True)):
            return value
        return type(value)(cleaned)
    return value


def _clean_fields(item: Any) -> Any:
    """A dataclass instance with every string (and nested string) field cleaned; the
    instance itself when none needed it."""
    changes = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str | dict | list):
            cleaned = _clean_any(value)
            if cleaned is not value:
                changes[f.name] = cleaned
    return replace(item, **changes) if changes else item


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
