"""Reading a ledger file (.xlsx or .csv) as sheets of rows of cells.

Merged cells are taken as Excel shows them: a value merged down a column (the same
account or category for several rows) fills every row of the merge. A row that is
only a heading merged across the columns (「2026年3月」 between months) is marked so
that the mapping skips it. Workbooks are read with openpyxl in read-only mode.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError

# A cell: its value, and for a date cell whether its number format shows a time of day
# (None when that does not apply).
Cell = tuple[Any, bool | None]
EMPTY: Cell = (None, None)


@dataclass
class Row:
    number: int  # 1-based, as the spreadsheet shows it
    cells: list[Cell]
    heading: bool = False  # only a value merged across several columns
    filled: set[int] = field(default_factory=set)  # columns (0-based) filled from a merge above


@dataclass
class Sheet:
    name: str  # the sheet's name ("" for a CSV file)
    rows: list[Row] = field(default_factory=list)
    # Merged ranges: (first row, first column, last row, last column), 1-based.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def read(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx, or the one table of a .csv."""
    if not path.is_file():
        raise InputError(f"台账文件 {path} 不存在", hint="检查文件名和所在目录。")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return [Sheet("", list(_read_csv(path)))]
    if suffix in (".xls", ".et", ".wps"):
        raise InputError(
            f"{path.name} 是旧版 Excel(.xls)或 WPS 格式,无法直接读取",
            path=str(path),
            hint="在 Excel 或 WPS 中「另存为」Excel 工作簿(.xlsx)或 CSV(UTF-8)后再导入。",
        )
    raise InputError(
        f"不认识的台账文件类型「{path.suffix or '无扩展名'}」",
        path=str(path),
        hint="台账须是 Excel 工作簿(.xlsx)或 CSV 文件(.csv)。",
    )


# ---------------------------------------------------------------- CSV


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030 (what Excel in China writes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            f"{path.name} 的文字编码既不是 UTF-8 也不是 GB18030(GBK)",
            path=str(path),
            hint="用 Excel「另存为」CSV UTF-8(逗号分隔),或直接导入 .xlsx 文件。",
        ) from None


def _read_csv(path: Path) -> Iterator[Row]:
    text = _decode(path.read_bytes(), path)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield Row(number, [(v, None) for v in values])


# ---------------------------------------------------------------- xlsx

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merges(ws: Any) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of every merged range.

    A read-only worksheet does not parse them; they are read from the sheet's XML
    (a list at its end), with a plain search, which is fast.
    """
    archive, member = getattr(ws.parent, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or member is None:
        return []
    with archive.open(member) as fh:
        data = fh.read()
    at = data.rfind(b"<mergeCells")
    if at < 0:
        at = data.rfind(b":mergeCells")
    if at < 0:
        return []
    return [
        (int(r1), _column(c1), int(r2), _column(c2)) for c1, r1, c2, r2 in _MERGE.findall(data, at)
    ]


_TIME_TOKENS = re.compile(r"h|s|AM/PM|上午/下午", re.IGNORECASE)


def _shows_time(number_format: str) -> bool:
    """Whether a date number format shows a time of day (h, s, AM/PM outside quotes/brackets)."""
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format)
    return bool(_TIME_TOKENS.search(plain))


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"{path.name} 不是能读取的 Excel 工作簿({type(exc).__name__})",
            path=str(path),
            hint="用 Excel 或 WPS 打开后「另存为」Excel 工作簿(.xlsx)再导入。",
        ) from None
    try:
        return [_sheet(ws) for ws in book.worksheets]
    finally:
        book.close()


def _sheet(ws: Any) -> Sheet:
    sheet = Sheet(str(ws.title))
    formats: dict[str, bool] = {}
    for number, cells in enumerate(ws.iter_rows(), start=1):
        row: list[Cell] = []
        for cell in cells:
            value = getattr(cell, "value", None)
            shows: bool | None = None
            if value is not None and getattr(cell, "is_date", False):
                fmt = str(cell.number_format)
                shows = formats.get(fmt)
                if shows is None:
                    shows = formats[fmt] = _shows_time(fmt)
            row.append((value, shows))
        while row and row[-1][0] is None:
            row.pop()
        sheet.rows.append(Row(number, row))
    sheet.merges = _merges(ws)
    _apply_merges(sheet, sheet.merges)
    return sheet


def _apply_merges(sheet: Sheet, merges: list[tuple[int, int, int, int]]) -> None:
    by_number = {row.number: row for row in sheet.rows}
    for r1, c1, r2, c2 in merges:
        top = by_number.get(r1)
        if top is None:
            continue
        value = top.cells[c1 - 1] if c1 - 1 < len(top.cells) else EMPTY
        if r1 == r2:
            others = [
                c for i, c in enumerate(top.cells) if not c1 - 1 <= i < c2 and c[0] is not None
            ]
            if c2 > c1 and value[0] is not None and not others:
                top.heading = True
            continue
        for n in range(r1, r2 + 1):
            row = by_number.get(n)
            if row is None:
                continue
            while len(row.cells) < c2:
                row.cells.append(EMPTY)
            for i in range(c1 - 1, c2):
                if row.cells[i][0] is None and n > r1 and i == c1 - 1:
                    row.cells[i] = value
                    row.filled.add(i)
