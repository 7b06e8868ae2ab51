"""Ledger workbooks the tool writes: the import template and a month's ledger exported.

Both use the template's columns (engine/labels.py), so that an exported ledger imports
again as it is (and adds nothing). Dates are real date cells: a review known to the day
is a date, a time known to the minute a date-time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine import labels
from engine.fsutil import write_atomic
from engine.ledger.values import Moment

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

EXAMPLES: dict[str, dict[str, Any]] = {
    "posts": {
        "account": "wx-example",
        "published": datetime(2026, 3, 5, 9, 30),
        "title": "关于春季森林草原防火的通告",
        "category": labels.CATEGORY["policy"],
        "review1_by": "张某某",
        "review1_at": datetime(2026, 3, 4, 16, 20),
        "review2_by": "李某某",
        "review2_at": date(2026, 3, 4),
        "url": "https://mp.weixin.qq.com/s/example",
    },
    "messages": {
        "account": "wx-example",
        "received": datetime(2026, 3, 5, 16, 32),
        "channel": "留言评论",
        "topic": "咨询春季防火期进山手续",
        "answered": datetime(2026, 3, 6, 10, 5),
        "answerer": "张某某",
        "answer": "您好,防火期进山须到所在苏木镇登记,详见本号3月5日发布的通告。",
    },
}


def columns(kind: str) -> Mapping[str, str]:
    return labels.POST_LEDGER_COLUMNS if kind == "posts" else labels.MESSAGE_LEDGER_COLUMNS


def _cell_value(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, Moment):
        if value.clock is None:
            return value.day, DATE_FORMAT
        return datetime.combine(value.day, value.clock), DATETIME_FORMAT
    if isinstance(value, datetime):
        return value, DATETIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    return value, None


def build(kind: str, rows: Iterable[Mapping[str, Any]], sheet: str) -> bytes:
    """An .xlsx with the template's header row and ``rows`` (field id -> value)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    cols = columns(kind)
    for i, header in enumerate(cols.values()):
        letter = openpyxl.utils.get_column_letter(i + 1)
        ws.column_dimensions[letter].width = max(12, 2 * len(header) + 4)
    bold = Font(bold=True)
    header_cells = []
    for header in cols.values():
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        cells = []
        for name in cols:
            value, fmt = _cell_value(row.get(name))
            cell = WriteOnlyCell(ws, value=value)
            if fmt:
                cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(path: Path, data: bytes) -> None:
    """Write a new workbook; an existing file is never overwritten."""
    write_atomic(path, data)


def post_rows(account: str, posts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Posts of a month file as template rows."""
    from engine.ledger.values import moment

    out = []
    for post in posts:
        row: dict[str, Any] = {
            "account": account,
            "published": moment(str(post["published"]).replace("T", " ")),
            "title": post["title"],
            "category": labels.label(labels.CATEGORY, str(post["category"])),
            "url": post.get("url"),
        }
        repost = post.get("repost") or {}
        row["repost_source"] = repost.get("source_unit")
        row["repost_url"] = repost.get("source_url")
        row["repost_title"] = repost.get("original_title")
        if "source_named" in repost:
            row["repost_named"] = "是" if repost["source_named"] else "否"
        for review in post.get("review", []):
            level = int(review["level"])
            if level > 3:
                continue
            when = review.get("at", review.get("day"))
            row[f"review{level}_at"] = moment(str(when).replace("T", " "))
            row[f"review{level}_by"] = review.get("reviewer")
        out.append(row)
    return out


def message_rows(account: str, messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    from engine.ledger.values import moment

    out = []
    for message in messages:
        row: dict[str, Any] = {"account": account, **message}
        for name in ("received", "answered"):
            if name in message:
                row[name] = moment(str(message[name]).replace("T", " "))
        out.append(row)
    return out
