"""docs/records.md names every field of every record kind and lists the allowed repost sources."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import rtoml
from conftest import ROOT

from engine import records

DOC = ROOT / "docs" / "records.md"


def fields(node: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for name, sub in node.get("properties", {}).items():
        yield prefix + name
        if sub.get("type") == "object":
            yield from fields(sub, f"{prefix}{name}.")
        items = sub.get("items")
        if sub.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object":
            yield from fields(items, f"{prefix}{name}.")


@pytest.mark.parametrize("kind", sorted(records.KINDS))
def test_every_field_is_named(kind: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [
        path
        for path in fields(records.schema(kind))
        if not re.search(rf"(?<![\w-]){re.escape(path.rsplit('.', 1)[-1])}(?![\w-])", text)
    ]
    assert missing == [], f"docs/records.md does not mention {kind} fields {missing}"


def test_allowed_sources_are_listed() -> None:
    text = DOC.read_text(encoding="utf-8")
    listed = re.search(r"<!-- approved-sources -->\n(.*?)<!-- /approved-sources -->", text, re.S)
    assert listed is not None, "docs/records.md has no list of 稿源单位"
    names = [n for n in re.split(r"[、\s]+", listed.group(1)) if n]
    rule = rtoml.load(ROOT / "policy" / "art-17.toml")
    assert names == rule["versions"][-1]["parameters"]["approved_sources"]
