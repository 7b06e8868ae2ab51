"""engine/facts/__init__.py: declarations and the check of a built fact against them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from engine import records
from engine.facts import Doubt, Fact, FactKind, declare, declared_in, fact_kinds, undeclared

RECORD = records.Record("unit", "records/units/x/unit.toml", "", {}, {}, lambda: b"")


def _fact(kind: str, fields: Mapping[str, object], **more: object) -> Fact:
    return Fact(kind, "k", date(2021, 1, 1), RECORD, (), "x", None, dict(fields), **more)  # type: ignore[arg-type]


def test_declarations_name_their_module() -> None:
    kinds = fact_kinds()
    assert declared_in("closure") == "engine/facts/accounts.py"
    assert declared_in("account-scope") == "engine/facts/scope.py"
    assert declared_in("nope") == "engine/facts/"
    assert kinds["message"].fields == {
        "answered": bool,
        "needs_answer": bool,
        "elapsed_working_days": int,
    }
    assert kinds["repost"].optional == frozenset({"title_changed"})
    assert kinds["closure"].optional == frozenset()


def test_declare_refuses_undeclared_optional_fields_and_a_second_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engine import facts

    monkeypatch.setattr(facts, "FACT_KINDS", dict(facts.FACT_KINDS))
    with pytest.raises(AssertionError, match="optional fields must be declared"):
        declare("x-test", {"a": int}, optional={"b"})
    first = declare("x-test", {"a": int}, optional={"a"})
    assert first == FactKind("x-test", {"a": int}, frozenset({"a"}))
    assert facts.FACT_KINDS["x-test"] is first
    assert declare("x-test", {"a": int}, optional={"a"}) == first  # the same again is fine
    with pytest.raises(AssertionError, match="declared twice"):
        declare("x-test", {"a": str})


def test_undeclared_lists_each_departure() -> None:
    fact_kinds()
    problems = undeclared(_fact("message", {"answered": "yes", "needs_answer": True, "extra": 1}))
    assert problems == [
        "message: field 'elapsed_working_days' declared but not emitted",
        "message: field 'answered' is str, declared bool",
        "message: field 'extra' emitted but not declared",
    ]
    assert undeclared(_fact("nope", {})) == ["kind 'nope' is not declared"]
    fine = {"answered": True, "needs_answer": True, "elapsed_working_days": 1}
    assert undeclared(_fact("message", fine)) == []
    # The field's old name is no longer declared.
    assert undeclared(_fact("message", {**fine, "working_days": 1})) == [
        "message: field 'working_days' emitted but not declared"
    ]
    # An optional field may be absent; a bool is not an int.
    assert undeclared(_fact("repost", dict.fromkeys(
        ["source_named_like_organ", "has_source_url", "source_named", "has_original_title"], True
    ) | {"source_unit": "", "source_unit_type": ""})) == []  # fmt: skip
    assert undeclared(_fact("message", {**fine, "elapsed_working_days": True})) == [
        "message: field 'elapsed_working_days' is bool, declared int"
    ]
    uncounted = _fact("message", fine, uncounted={"days": 2031})
    assert undeclared(uncounted) == ["message: uncounted field 'days' not declared"]
    assert undeclared(_fact("message", fine, uncounted={"elapsed_working_days": 2031})) == []
    for fields, problems in (
        ({"elapsed_working_days": 2}, []),
        (
            {"elapsed_working_days": "2"},
            ["message: doubt field 'elapsed_working_days' does not match the declaration"],
        ),
        ({"days": 2}, ["message: doubt field 'days' does not match the declaration"]),
    ):
        doubt = Doubt(fields=fields, kind="x", message="m")  # type: ignore[arg-type]
        assert undeclared(_fact("message", fine, doubt=doubt)) == problems


def test_a_float_field_takes_an_int_but_not_the_reverse(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import facts

    monkeypatch.setattr(facts, "FACT_KINDS", dict(facts.FACT_KINDS))
    declare("x-float", {"share": float, "count": int})
    assert undeclared(_fact("x-float", {"share": 1, "count": 2})) == []
    assert undeclared(_fact("x-float", {"share": 0.5, "count": 2.0})) == [
        "x-float: field 'count' is float, declared int"
    ]
    assert undeclared(_fact("x-float", {"share": "1", "count": 2})) == [
        "x-float: field 'share' is str, declared float"
    ]
