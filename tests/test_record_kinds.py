"""One table of record kinds (engine/records.py RECORD_KINDS): layout, schemas, hints and
the banner's dispatch all follow it, and a kind unknown anywhere is an error.

``test_adding_a_record_kind`` follows CONTRIBUTING.md "Adding a record kind" step by step,
in a temporary copy of the schemas and the rulebook.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, base_records, write_records

from engine import banner, facts, policy, records, snapshot
from engine.cache import Cache
from engine.errors import InputError
from engine.evaluate import evaluate
from engine.facts import BANNER_BUILDERS, Context, Fact, banner_fact, declare
from engine.records import RECORD_KINDS, RecordKind
from engine.timeutil import parse_date

AS_OF = date(2021, 1, 17)


def _clear_schema_caches() -> None:
    for cached in (
        records.schema,
        records._validator,
        records._fast_validator,
        records.private_fields,
    ):
        cached.cache_clear()
    records._LOCATED.clear()


def test_every_kind_has_a_schema_a_holder_and_a_distinct_path() -> None:
    names = [k.name for k in RECORD_KINDS]
    assert len(names) == len(set(names))
    assert tuple(names) == records.KINDS
    for kind in RECORD_KINDS:
        assert kind.holder in banner.HOLDERS, kind
        assert records.schema(kind.name)["type"] == "object"
    schemas = {
        p.name.removesuffix(".schema.json") for p in (ROOT / "engine/schemas").glob("*.json")
    }
    assert schemas == {*names, "policy"}


def test_the_hint_lists_every_location() -> None:
    with pytest.raises(InputError) as caught:
        records.kind_of("records/units/zwfwj/notes.toml")
    for kind in RECORD_KINDS:
        assert kind.where in caught.value.hint


@pytest.mark.parametrize(
    ("path", "kind", "ids"),
    [
        ("records/units/zwfwj/unit.toml", "unit", {"unit": "zwfwj"}),
        ("records/units/zwfwj/evidence/plan.toml", "evidence", {"unit": "zwfwj"}),
        ("records/accounts/wx-1/account.toml", "account", {"account": "wx-1"}),
        ("records/accounts/wx-1/events/a.toml", "event", {"account": "wx-1"}),
        (
            "records/accounts/wx-1/posts/2021-01.toml",
            "posts",
            {"account": "wx-1", "month": "2021-01"},
        ),
        (
            "records/accounts/wx-1/messages/2021-02.toml",
            "messages",
            {"account": "wx-1", "month": "2021-02"},
        ),
        ("records/supervision/a.toml", "supervision", {}),
        ("records/calendar/2027.toml", "calendar", {}),
        ("records/waivers/w.toml", "waiver", {}),
        ("records/authority.toml", "authority", {}),
        ("records/acknowledgements/a.toml", "acknowledgement", {}),
    ],
)
def test_layout(path: str, kind: str, ids: dict[str, str]) -> None:
    assert records.kind_of(path) == (kind, ids)


@pytest.mark.parametrize(
    "path",
    [
        "records/accounts/wx-1/posts/2021-1.toml",
        "records/accounts/WX/account.toml",
        "records/units/a/evidence/sub/x.toml",
        "records/authorityXtoml",
        "records/waivers.toml",
    ],
)
def test_layout_refuses(path: str) -> None:
    if not path.endswith(".toml"):
        assert records.kind_of(path) is None
        return
    with pytest.raises(InputError):
        records.kind_of(path)


def _record(kind: str, path: str) -> records.Record:
    return records.Record(kind, path, "", {}, {"unit": "x"}, lambda: b"")


def test_banner_refuses_an_unknown_kind() -> None:
    with pytest.raises(KeyError, match="unknown record kind 'training'"):
        banner.build([_record("training", "records/units/x/training/a.toml")])


def test_banner_refuses_an_unknown_holder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        records, "RECORD_KINDS", (*RECORD_KINDS, RecordKind("training", "t/*.toml", "shelf"))
    )
    with pytest.raises(ValueError, match="holder 'shelf'"):
        banner.build([_record("training", "records/t/a.toml")])


# ---------------------------------------------------------------- the walkthrough

TRAINING_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "govmedia/training",
    "title": "培训记录",
    "type": "object",
    "additionalProperties": False,
    "required": ["held", "topic"],
    "properties": {
        "held": {"type": "string", "format": "date"},
        "topic": {"type": "string", "minLength": 1},
        "trainer": {"type": "string", "private": True},
    },
}

TRAINING_CHECK = """
[[versions.checks]]
id = "training-stale"
fact = "training-age"
when = { "$gt" = { age_days = 365 } }
message = "{unit_name}的最近一次培训已过去 {age_days} 天"
hint = "组织一次培训并登记。"
"""


@pytest.fixture
def training_kind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Steps 1-3 of "Adding a record kind", applied to temporary copies."""
    # 1. The table: one row.
    monkeypatch.setattr(
        records,
        "RECORD_KINDS",
        (*RECORD_KINDS, RecordKind("training", "units/<unit>/training/*.toml", "extra")),
    )
    # 2. The schema: engine/schemas/training.schema.json (here in a copy of the folder).
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "engine" / "schemas", schemas)
    (schemas / "training.schema.json").write_text(json.dumps(TRAINING_SCHEMA), "utf-8")
    monkeypatch.setattr(records, "SCHEMAS", schemas)
    _clear_schema_caches()
    # 3. The code that uses it: a declared fact kind and its builder.
    monkeypatch.setattr(facts, "FACT_KINDS", dict(facts.FACT_KINDS))
    declare("training-age", {"age_days": int})

    def training_age(ctx: Context) -> Iterator[Fact]:
        for record in ctx.banner.extra.get("training", []):
            held = parse_date(record.data["held"])
            yield Fact(
                kind="training-age",
                key=f"{record.ids['unit']}/training/{held.isoformat()}",
                day=ctx.as_of,
                record=record,
                where=("held",),
                unit=record.ids["unit"],
                account=None,
                fields={"age_days": (ctx.as_of - held).days},
            )

    monkeypatch.setitem(BANNER_BUILDERS, "training-age", training_age)  # removed afterwards
    banner_fact("training-age")(training_age)
    # 4. A check in the rulebook (a copy), on the new fact kind.
    rulebook = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", rulebook)
    with open(rulebook / "art-20.toml", "a", encoding="utf-8") as fh:
        fh.write(TRAINING_CHECK)
    yield rulebook
    monkeypatch.undo()
    _clear_schema_caches()


def _evaluate(root: Path, rulebook: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    write_records(root, {**base_records(), **files})
    result = evaluate(
        snapshot.from_worktree(root), policy.load(rulebook), AS_OF, Cache(None), trust_all=True
    )
    return [(v.check_id, v.path) for v in result.open]


STALE = 'held = 2019-06-01\ntopic = "政务新媒体安全"\ntrainer = "张三"\n'
FRESH = 'held = 2020-12-01\ntopic = "政务新媒体安全"\n'


def test_a_new_kind_is_refused_until_it_is_in_the_table(tmp_path: Path) -> None:
    write_records(tmp_path, {**base_records(), "units/xiaozhen/training/2019.toml": STALE})
    with pytest.raises(InputError) as caught:
        evaluate(
            snapshot.from_worktree(tmp_path), policy.load(ROOT / "policy"), AS_OF, Cache(None),
            trust_all=True,
        )  # fmt: skip
    assert "不在任何记录位置上" in caught.value.render()


def test_adding_a_record_kind(training_kind: Path, tmp_path: Path) -> None:
    path = "records/units/xiaozhen/training/2019.toml"
    found = _evaluate(tmp_path / "stale", training_kind, {path.removeprefix("records/"): STALE})
    assert ("art-20/training-stale", path) in found
    fresh = _evaluate(
        tmp_path / "fresh", training_kind, {"units/xiaozhen/training/2020.toml": FRESH}
    )
    assert not [f for f in fresh if f[0] == "art-20/training-stale"]
    # The schema is the new kind's: a record that breaks it is an input error with its line.
    with pytest.raises(InputError) as caught:
        _evaluate(tmp_path / "bad", training_kind, {"units/xiaozhen/training/x.toml": "held = 1\n"})
    assert "training/x.toml" in caught.value.render()
    # Its private fields are known like any kind's.
    assert records.private_fields("training") == frozenset({"trainer"})


def test_a_check_on_an_undeclared_kind_fails_to_load(tmp_path: Path) -> None:
    rulebook = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", rulebook)
    with open(rulebook / "art-20.toml", "a", encoding="utf-8") as fh:
        fh.write(TRAINING_CHECK)
    with pytest.raises(InputError) as caught:
        policy.load(rulebook)
    assert (
        "training-age" in caught.value.render() and "policy/art-20.toml:" in caught.value.render()
    )
