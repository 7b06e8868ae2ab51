"""Every record example in docs/records.md is a valid record of the kind its path names.

An example is a ```toml block preceded by ``<!-- path: records/... -->``; it is
parsed and validated exactly as ``govmedia check`` would read that file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import records

DOC = Path(__file__).resolve().parent.parent / "docs" / "records.md"
EXAMPLE = re.compile(r"<!--\s*path:\s*(\S+)\s*-->\s*\n```toml\n(.*?)^```", re.S | re.M)


def examples() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in EXAMPLE.finditer(DOC.read_text("utf-8"))]


def load(path: str, text: str) -> records.Record | None:
    data = text.encode("utf-8")
    return records.load_record(path, "0" * 40, lambda: data)


def test_docs_have_examples() -> None:
    assert len(examples()) >= 10


@pytest.mark.parametrize(("path", "text"), examples(), ids=[p for p, _ in examples()])
def test_example_is_a_valid_record(path: str, text: str) -> None:
    assert load(path, text) is not None, f"{path} is not a record location"


def test_every_record_kind_and_event_type_has_an_example() -> None:
    kinds = set()
    event_types = set()
    for path, text in examples():
        record = load(path, text)
        assert record is not None
        kinds.add(record.kind)
        if record.kind == "event":
            event_types.add(record.data["type"])
    assert set(records.KINDS) - kinds == set()
    assert set(records.schema("event")["properties"]["type"]["enum"]) - event_types == set()


def test_private_fields_are_listed() -> None:
    text = DOC.read_text("utf-8")
    for kind in records.KINDS:
        for name in records.private_fields(kind):
            assert f"`{name}`" in text, (
                f"private field {kind}.{name} is not listed in docs/records.md"
            )
