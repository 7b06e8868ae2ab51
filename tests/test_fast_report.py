"""The report's shortcuts give the same text as the plain ways they replace: ``safe``
looking at a violation's texts in one search, and JSON indented without the json
module's generators. The plain ways are kept here as they were in the engine."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import report as report_mod
from engine.report import _ENCODER, _clean_any, _list_chunks, indented
from engine.violations import Reminder, Violation

# ---------------------------------------------------------------- JSON


def _plain_list_chunks(items: list[Any], indent: str) -> str:
    inner = "\n" + indent + "  "
    out = []
    for n, item in enumerate(items):
        out.append(("[" if n == 0 else ",") + inner + _ENCODER.encode(item).replace("\n", inner))
    out.append("\n" + indent + "]" if items else "[]")
    return "".join(out)


class _Text(str):
    pass


_scalars = (
    st.text()
    | st.integers()
    | st.floats()  # NaN and infinities included: written as json writes them
    | st.booleans()
    | st.none()
    | st.builds(_Text, st.text(max_size=3))  # a subclass: left to json
)
_trees = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.tuples(inner)  # written as a list by json
        | st.dictionaries(
            st.integers() | st.booleans(), inner, max_size=2
        )  # keys json turns to text
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(_trees, st.sampled_from(["\n", "\n  ", "\n      "]))
def test_indented_json_is_the_json_modules(value: Any, newline: str) -> None:
    assert indented(value, newline) == _ENCODER.encode(value).replace("\n", newline)


@settings(max_examples=200)
@given(st.lists(_trees, max_size=20), st.sampled_from(["", "  ", "    "]))
def test_list_written_item_by_item_is_the_plain_list(items: list[Any], indent: str) -> None:
    assert "".join(_list_chunks(iter(items), indent)) == _plain_list_chunks(items, indent)


def test_indented_json_of_a_violation_and_of_the_unusual() -> None:
    item = {
        "rule": "art-14",
        "line": 3,
        "account": None,
        "message": '「标题」\u202e\n\t"',
        "n": 1.5,
    }
    assert indented(item, "\n    ") == _ENCODER.encode(item).replace("\n", "\n    ")
    for odd in (math.nan, math.inf, -math.inf, (1, "a"), {1: "a"}, {None: 1}, _Text("x")):
        assert indented({"v": [odd]}) == _ENCODER.encode({"v": [odd]})


# ---------------------------------------------------------------- safe


def _plain_clean_fields(item: Any) -> Any:
    """``_clean_fields`` as it was: every field looked into."""
    changes = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str | dict | list):
            cleaned = _clean_any(value)
            if cleaned is not value:
                changes[f.name] = cleaned
    return replace(item, **changes) if changes else item


_UNSAFE = ["\x00", "\x1b", "\n", "\x7f", "\x85", "\u061c", "\u200e", "\u2028", "\u202e", "\u2066",
           "\ud800", "\udfff"]  # fmt: skip
_texts = st.text(alphabet=st.sampled_from(["a", "违", " ", "[", '"', *_UNSAFE]), max_size=6)
_values = _texts | st.integers() | st.none() | st.booleans() | st.floats(allow_nan=False)
_nested = st.lists(_texts, max_size=2) | st.dictionaries(_texts, _texts, max_size=2)


def _violation(**changes: Any) -> Violation:
    base = Violation(
        rule="art-14", check="review-missing", article=14, version=1, severity="error",
        path="records/accounts/a/posts/2024-03.toml", line=3, unit="u", account="a",
        message="账号「甲」未审核", message_en="", hint="补齐审核", fingerprint="0123456789abcdef",
        fact_key="a/post/2024-03-05T10:00:00", day="2024-03-05",
    )  # fmt: skip
    return replace(base, **changes)


@settings(max_examples=500)
@given(
    message=_texts,
    account=_texts | st.none(),
    evidence=st.dictionaries(_texts, _values | _nested, max_size=4),
    keys=st.lists(_texts | st.integers(), max_size=3),
    read=st.lists(_texts, max_size=3),
)
def test_safe_violation_is_the_plain_way(
    message: str, account: str | None, evidence: dict[str, Any], keys: list[Any], read: list[str]
) -> None:
    item = _violation(
        message=message, account=account, evidence=evidence, fact_keys=keys, read=read
    )
    expected = _plain_clean_fields(item)
    found = report_mod._clean_fields(item)
    assert found == expected
    assert (found is item) == (expected is item)
    reminder = Reminder(kind="x", message=message, hint=read[0] if read else "", account=account)
    assert report_mod._clean_fields(reminder) == _plain_clean_fields(reminder)


def test_safe_report_escapes_each_violation_once_and_alike() -> None:
    clean, dirty = _violation(), _violation(message="一周\u202e没有更新", evidence={"t": "a\x1bb"})

    @dataclass
    class Verdict:  # what safe() reads of a Result, which replace() can copy
        warnings: list[Any] = field(default_factory=list)

    @dataclass
    class Result:
        authority: Verdict
        reminders: list[Reminder]
        violations: list[Violation]

    result = Result(Verdict(), [Reminder(kind="x", message="\u2028")], [clean, dirty])
    report = report_mod.Report(result, [clean, dirty], fixed=[dirty])  # type: ignore[arg-type]
    shown = report_mod.safe(report)
    assert shown.shown[0] is clean  # nothing to escape: the very same violation
    assert shown.shown[1] == _plain_clean_fields(dirty) != dirty
    assert shown.shown[1] is shown.result.violations[1] is shown.fixed[0]  # escaped once
    assert shown.result.reminders[0].message == "\\u2028"
    assert json.loads(indented({"m": shown.shown[1].message}))["m"] == "一周\\u202e没有更新"
