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
from engine.textsafe import clean, needs_escape
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

    text = indented(mark(doc))
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
        yield ("[" if first else ",") + inner + indented(item, inner)
        first = False
    yield "[]" if first else "\n" + indent + "]"


class _Unusual(Exception):
    """A value ``indented`` leaves to the json module."""


def indented(value: Any, newline: str = "\n") -> str:
    """``_ENCODER.encode(value).replace("\\n", newline)``, made without json's generators
    (written in Python when it indents) for what reports hold: dicts with text keys,
    lists, text, numbers, booleans and None, of those exact types. Anything else (a
    subclass, a tuple, another key) is left to ``_ENCODER``."""
    try:
        return _indent(value, newline)
    except _Unusual:
        return _ENCODER.encode(value).replace("\n", newline)


def _indent(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            parts.append(_string(key) + ": " + _indent(item, inner))
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + inner + ("," + inner).join([_indent(v, inner) for v in value]) + newline + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and value == value and value not in (_INF, -_INF):
        return float.__repr__(value)
    raise _Unusual  # NaN and infinities (json writes NaN, Infinity), anything else


_INF = float("inf")
_string = json.encoder.encode_basestring  # what _ENCODER (ensure_ascii=False) writes text with


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


# Values ``_clean_any`` hands back as they are, whatever they hold.
_PLAIN = frozenset((int, float, bool, type(None)))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


def _nothing_to_clean(item: Any) -> bool:
    """Whether ``_clean_fields(item)`` is ``item`` itself, found with one search of its
    texts joined (a report has a few hundred thousand of them, and almost none with
    anything to escape): its string fields, and the strings in its flat dict and list
    fields. False (ask ``_clean_fields``) also when a field holds anything else that
    ``_clean_any`` would look into: a nested container, a subclass of str, dict or list."""
    texts: list[str] = []
    add = texts.append
    for name in _field_names(type(item)):
        value = getattr(item, name)
        kind = type(value)
        if kind is str:
            add(value)
        elif kind is dict:
            for key, inner in value.items():
                if type(key) is not str:
                    return False
                add(key)
                if type(inner) is str:
                    add(inner)
                elif type(inner) not in _PLAIN:
                    return False
        elif kind is list:
            for inner in value:
                if type(inner) is str:
                    add(inner)
                elif type(inner) not in _PLAIN:
                    return False
        elif isinstance(value, str | dict | list):
            return False
    # A space is safe: a joined text has an unsafe character only where one of them has.
    return not needs_escape(" ".join(texts))


def _clean_fields(item: Any) -> Any:
    """A dataclass instance with every string (and nested string) field cleaned; the
    instance itself when none needed it."""
    if _nothing_to_clean(item):
        return item
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
    # The same violation is in the result and in the report's lists: looked at once.
    seen: dict[int, tuple[Any, Any]] = {}

    def once(item: Any) -> Any:
        found = seen.get(id(item))
        if found is None:
            found = seen[id(item)] = (
                item,
                _clean_fields(item),
            )  # the item kept: its id stays its own
        return found[1]

    verdict = replace(result.authority, warnings=[once(w) for w in result.authority.warnings])
    result = replace(
        result,
        authority=verdict,
        reminders=[once(r) for r in result.reminders],
        violations=[once(v) for v in result.violations],
    )
    return replace(
        report,
        result=result,
        shown=[once(v) for v in report.shown],
        changed=[(once(v), [once(o) for o in olds]) for v, olds in report.changed],
        fixed=[once(v) for v in report.fixed],
        accepted=[once(v) for v in report.accepted],
    )


def load_formats() -> None:
    from engine.report import github, json_format, junit, sarif, text  # noqa: F401
