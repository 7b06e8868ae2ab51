"""Reports written piece by piece (engine/report/__init__.py ``json_chunks``) are the
very text one ``json.dumps`` of the whole document gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.report import Stream, json_chunks

ITEMS: list[Any] = [
    {"rule": "art-15", "message": "一周没有更新", "evidence": {"posts": 0, "days": [1, 2]}},
    {"nested": {"deeper": [{"x": None}, []]}, "empty": {}, "flag": True},
    'a string with \x00 and \u202e and a quote "',
    3.5,
    [],
]


def _plain(doc: Any) -> Any:
    """``doc`` with its streams as the lists they stand for."""
    if isinstance(doc, Stream):
        return [_plain(x) for x in doc.items]
    if isinstance(doc, dict):
        return {k: _plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_plain(x) for x in doc]
    return doc


def _docs() -> list[Any]:
    return [
        {"violations": ITEMS, "waived": [], "summary": {"errors": 2}},
        {"runs": [{"tool": {"rules": ITEMS[:2]}, "results": ITEMS, "after": 1}]},
        ITEMS,
        {"only": "scalars", "n": 1},
    ]


def _streamed(doc: Any) -> Any:
    """``doc`` with every outermost list, at any depth, replaced by a stream of its items."""
    if isinstance(doc, dict):
        return {k: _streamed(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return Stream(iter(doc))
    return doc


@pytest.mark.parametrize("doc", _docs())
def test_streamed_json_is_the_text_of_one_dump(doc: Any) -> None:
    expected = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    for variant in (doc, _streamed(doc)):
        pieces = list(json_chunks(variant))
        assert "".join(pieces) == expected
    # Streams at the top level: items are made one at a time, as they are written.
    if isinstance(doc, dict) and any(isinstance(v, list) and v for v in doc.values()):
        assert len(list(json_chunks(_streamed(doc)))) > 2


def test_a_stream_deep_in_the_document() -> None:
    # SARIF's results: a stream in a dict in a list in a dict.
    doc = {"runs": [{"tool": {"rules": ITEMS[:2]}, "results": Stream(iter(ITEMS)), "n": 1}]}
    assert (
        "".join(json_chunks(doc))
        == json.dumps(
            _plain(doc | {"runs": [doc["runs"][0] | {"results": ITEMS}]}),
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def test_texts_with_nul_bytes_stay_text() -> None:
    # Placeholders start with a NUL byte; a text that has one is written as it is.
    doc = {"base": "\x00stream:0", "violations": Stream(iter(ITEMS)), "tail": "\x00"}
    assert (
        "".join(json_chunks(doc))
        == json.dumps(
            _plain({"base": "\x00stream:0", "violations": ITEMS, "tail": "\x00"}),
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def test_items_are_made_only_when_written() -> None:
    made: list[int] = []

    def items() -> Any:
        for n in range(3):
            made.append(n)
            yield {"n": n}

    pieces = json_chunks({"violations": Stream(items()), "summary": {"n": 3}})
    assert next(pieces).startswith("{") and made == []
    next(pieces)
    assert made == [0]  # the first item, not the others yet
    assert "".join(pieces).endswith("}\n") and made == [0, 1, 2]
