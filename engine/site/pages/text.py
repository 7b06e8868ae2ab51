"""Text helpers of the site's pages: patterns that turn ids and paths into Chinese,
search tags, anchors, months and CSV."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date

from engine import records as records_mod
from engine.labels import (
    EVENT_TYPE,
    article_zh,
)
from engine.textsafe import clean_lines

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# A Latin word that may be an id or an enum value: letters, digits, - and _.
_WORD = re.compile(r"(?<![A-Za-z0-9_./-])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?![A-Za-z0-9_/-])")
# A record path or file name in prose ("records/units/<单位>/evidence/", "account.toml").
_PATH = re.compile(
    r"(?<![A-Za-z0-9_/:.])(?:[A-Za-z0-9_<>\u4e00-\u9fff.-]+/)+[A-Za-z0-9_<>\u4e00-\u9fff.-]*"
    r"|(?<![A-Za-z0-9_/])[A-Za-z0-9_-]+\.toml\b"
)
# An aside in brackets that holds only a Latin name: "(collects)", "(personal_data = true)".
_DOTTED = re.compile(r"(?<![A-Za-z0-9_])([a-z_]+)\.([a-z_]+)(?![A-Za-z0-9_])")
# A check named by id (art-12/unapproved-platform) or an article (art-12): 第十二条.
_CHECK_REF = re.compile(r"(?<![A-Za-z0-9_/-])art-(\d{1,2})(?:/[a-z0-9#-]+)?(?![A-Za-z0-9_-])")
# A developer document of this project (docs/decisions/0005-yuanzeshang.md).
_DOC = re.compile(r"(?<![A-Za-z0-9_/])docs/(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md")
_LATIN_ASIDE = re.compile(r"[((]\s*([^()()\u4e00-\u9fff]*[A-Za-z][^()()\u4e00-\u9fff]*)[))]")


def article_aliases(n: int) -> list[str]:
    """How people type article ``n`` besides 第十三条: 十三条, 第13条, 13条."""
    full = article_zh(n)
    return [full[1:], f"第{n}条", f"{n}条"]


def front_matter(tags: Iterable[str]) -> str:
    """Page metadata: ``tags`` only feed the search index (no tags plugin shows them).

    The theme's search matches tags whole, with a very high weight, and splits a typed
    Chinese query into the longest words the index knows (never the whole query): the
    tags 第十三 and 十三 make 第十三条 and 十三条 find article 13, and 13条 is a tag word.
    Values are JSON strings (valid YAML) so that no record text can break the header.
    """
    unique = list(dict.fromkeys(t for t in tags if t))
    if not unique:
        return ""
    return (
        "---\ntags:\n"
        + "".join(f"  - {json.dumps(t, ensure_ascii=False)}\n" for t in unique)
        + "---\n\n"
    )


def event_labels() -> dict[str, str]:
    labels = dict(EVENT_TYPE)
    for branch in records_mod.schema("event").get("allOf", []):
        kind = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        title = branch.get("then", {}).get("title")
        if kind and title and kind not in labels:
            labels[kind] = title
    return labels


def rule_src(rule_id: str) -> str:
    return f"rules/{rule_id}.md"


def anchor(path: str) -> str:
    """The id of a record's entry on its account or unit page."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".toml")
    kind = records_mod.kind_of(path) if path.startswith("records/") else None
    prefix = kind[0] if kind else "r"
    return "r-" + re.sub(r"[^a-z0-9-]+", "-", f"{prefix}-{stem}".lower()).strip("-")


def month_end(month: str) -> date:
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def months_between(first: str, last: str) -> list[str]:
    year, mon = (int(x) for x in first.split("-"))
    out = []
    while f"{year:04d}-{mon:02d}" <= last:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a UTF-8 BOM (Excel opens it as UTF-8); cells that a spreadsheet would take
    for a formula are prefixed with an apostrophe."""
    lines = CsvLines()
    return csv_join(lines.header(headers), (lines.line(row) for row in rows))


def csv_join(header: str, lines: Iterable[str]) -> str:
    """A CSV file from its header line and its rows' lines (``CsvLines``)."""
    return "\ufeff" + header + "".join(lines)


class CsvLines:
    """CSV lines one row at a time, the same as one writer writing them all: a row's line
    can be made once and stand in several files."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\r\n")

    def header(self, headers: Sequence[str]) -> str:
        return self._written(headers)

    def line(self, row: Sequence[object]) -> str:
        cells = []
        for cell in row:
            text = clean_lines("" if cell is None else str(cell))  # a unit's name, too
            if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
                text = "'" + text
            cells.append(text)
        return self._written(cells)

    def _written(self, cells: Sequence[object]) -> str:
        self._buf.seek(0)
        self._buf.truncate()
        self._writer.writerow(cells)
        return self._buf.getvalue()
