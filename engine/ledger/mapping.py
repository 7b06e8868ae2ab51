"""Rows of a ledger to records: which column is which field, and every bad row reported.

A sheet's header is the row (or pair of rows, as in 「初审」 over 「审核人 | 时间」) among
its first rows that names the most known columns. Rows above it (a title), headings
between months, blank rows and repeated headers are skipped. Each bad cell gives one
error naming the sheet, the row and the column; nothing is imported if any row is bad.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import labels
from engine.errors import InputError
from engine.ledger.read import Cell, Row, Sheet
from engine.ledger.values import Moment, ValueProblem, moment, text_of

HEADER_SCAN = 15  # a header lies within the first rows of a sheet
MAX_ERRORS = 200  # bad cells listed before giving up on a file

_PERSON = {"人", "审核人", "签字", "签名", "姓名", "审核人签字", "签字人"}
_WHEN = {"时间", "日期", "审核时间", "审核日期", "签字时间", "签字日期", "时间日期"}
_NOT_REPOST = {"原创", "本单位", "自采", "自撰", "本站", "本号", "无", "-", "—", "/", "否"}
_YES = {"是", "已注明", "有", "√", "✓", "y", "yes", "true", "1"}
_NO = {"否", "未注明", "无", "×", "n", "no", "false", "0"}


def normal_header(text: str) -> str:
    """A header as looked up: full-width folded, no spaces, nothing in brackets, no colon."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>", "", text)
    return re.sub(r"[\s::*]", "", text).lower()


@dataclass(frozen=True)
class Spec:
    kind: str  # "posts" | "messages"
    columns: Mapping[str, str]  # field id -> template header
    headers: Mapping[str, str]  # normalised header -> field id ("" known, not imported)
    key_field: str  # the column a header must name


POSTS = Spec("posts", labels.POST_LEDGER_COLUMNS, labels.POST_LEDGER_HEADERS, "title")
MESSAGES = Spec("messages", labels.MESSAGE_LEDGER_COLUMNS, labels.MESSAGE_LEDGER_HEADERS, "topic")
SPECS = {"posts": POSTS, "messages": MESSAGES}


@dataclass
class Entry:
    """One row to record: its account, the month file it goes to, its record data."""

    sheet: str
    row: int
    account: str
    when: Moment  # published (posts) or received (messages)
    data: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str]:
        title = self.data.get("title", self.data.get("topic", ""))
        return (self.account, self.when.iso(), str(title).strip())


@dataclass
class Mapped:
    entries: list[Entry] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # sheets imported
    skipped_sheets: list[str] = field(default_factory=list)  # sheets without a header
    unused_columns: list[str] = field(default_factory=list)  # headers not imported


# ---------------------------------------------------------------- headers


def _lookup(spec: Spec, text: str) -> str | None:
    return spec.headers.get(normal_header(text)) if text else None


def _combine(spec: Spec, top: str, bottom: str) -> str | None:
    """The field of a column headed by ``top`` over ``bottom`` (a two-row header)."""
    if not bottom:
        return _lookup(spec, top)
    joined = _lookup(spec, top + bottom)
    if joined is not None:
        return joined
    upper = _lookup(spec, top)
    if upper is not None and re.fullmatch(r"review\d", upper):
        sub = normal_header(bottom)
        if sub in _PERSON:
            return f"{upper}_by"
        if sub in _WHEN:
            return f"{upper}_at"
    return _lookup(spec, bottom) or upper


def _texts(row: Row, width: int) -> list[str]:
    return [text_of(row.cells[i][0]) if i < len(row.cells) else "" for i in range(width)]


def _filled_across(sheet: Sheet, row: Row, texts: list[str]) -> list[str]:
    """Header texts with horizontally merged headers repeated over the merge."""
    out = list(texts)
    for r1, c1, r2, c2 in sheet.merges:
        if r1 <= row.number <= r2 and c2 > c1:
            for i in range(c1, min(c2, len(out))):
                if not out[i]:
                    out[i] = out[c1 - 1]
    return out


@dataclass
class Header:
    last_row: int  # number of the header's (last) row
    fields: list[str | None]  # per column: field id, "" known and not imported, None unknown
    names: list[str]  # per column: the header as written


def find_header(spec: Spec, sheet: Sheet) -> Header | None:
    rows = [r for r in sheet.rows[:HEADER_SCAN] if any(c[0] is not None for c in r.cells)]
    width = max((len(r.cells) for r in sheet.rows[: HEADER_SCAN + 1]), default=0)
    best: tuple[int, Header] | None = None
    for index, row in enumerate(rows):
        top = _filled_across(sheet, row, _texts(row, width))
        candidates = [(row, [_lookup(spec, t) for t in top], top)]
        below = rows[index + 1] if index + 1 < len(rows) else None
        if below is not None and below.number == row.number + 1:
            bottom = _texts(below, width)
            fields = [_combine(spec, t, b) for t, b in zip(top, bottom, strict=True)]
            names = [f"{t}{b}" if b and b != t else t for t, b in zip(top, bottom, strict=True)]
            candidates.append((below, fields, names))
        for last, fields, names in candidates:
            known = {f for f in fields if f}
            if spec.key_field not in known or len(known) < 2:
                continue
            if best is None or len(known) > best[0]:
                best = (len(known), Header(last.number, fields, names))
    return best[1] if best else None


# ---------------------------------------------------------------- rows


class Accounts:
    """The accounts of a records repository, found by id, 平台·名称 or a unique name."""

    def __init__(self, accounts: Mapping[str, tuple[str, str]]) -> None:
        self.by_id = dict(accounts)  # id -> (platform, name)
        self.by_label: dict[str, list[str]] = {}
        for account_id, (platform, name) in self.by_id.items():
            for label in (name, f"{labels.platform_zh(platform)}·{name}"):
                self.by_label.setdefault(normal_header(label), []).append(account_id)

    def resolve(self, text: str) -> str:
        if text in self.by_id:
            return text
        m = re.search(r"[((]([a-z0-9][a-z0-9-]*)[))]\s*$", text)
        if m and m[1] in self.by_id:
            return m[1]
        found = self.by_label.get(normal_header(text.replace(".", "·")), [])
        if len(found) == 1:
            return found[0]
        if found:
            named = "、".join(labels.account_zh(*self.by_id[a], a) for a in sorted(found))
            raise ValueProblem(
                f"「{text}」同名的账号有 {len(found)} 个({named}),请写账号 id 或「平台·名称」"
            )
        raise ValueProblem(
            f"账号「{text}」没有登记(records/accounts/ 下没有这个账号);"
            "写账号 id、账号名称或「平台·名称」,或先登记该账号"
        )


class _Row:
    """One data row being mapped, collecting its errors."""

    def __init__(self, file: str, sheet: Sheet, row: Row, header: Header) -> None:
        self.file, self.sheet, self.row, self.header = file, sheet, row, header
        self.values: dict[str, tuple[Cell, str]] = {}  # field -> (cell, header as written)
        own = False  # a value typed in this row, not only filled down from a merge
        for i, name in enumerate(header.fields):
            if name and i < len(row.cells) and text_of(row.cells[i][0]):
                self.values.setdefault(name, (row.cells[i], header.names[i]))
                own = own or i not in row.filled
        if not own:
            self.values = {}  # a blank row inside a merged range: nothing to import
        self.errors: list[InputError] = []

    def column(self, name: str, spec: Spec) -> str:
        if name in self.values:
            return self.values[name][1]
        return spec.columns.get(name, name)

    def error(self, column: str, problem: str, hint: str) -> None:
        where = f"工作表「{self.sheet.name}」" if self.sheet.name else ""
        self.errors.append(
            InputError(
                f"{where}第 {self.row.number} 行「{column}」列: {problem}",
                path=self.file,
                hint=hint,
            )
        )

    def text(self, name: str) -> str:
        return text_of(self.values[name][0][0]) if name in self.values else ""

    def moment(self, name: str, spec: Spec) -> Moment | None:
        if name not in self.values:
            return None
        (value, shows), header = self.values[name]
        try:
            return moment(value, shows)
        except ValueProblem as exc:
            self.error(
                header,
                str(exc),
                "按 2026-03-05 09:30、2026/3/5 或 2026年3月5日 9:30 的写法填写(或用 Excel 的日期单元格)。",
            )
            return None


def _is_repeated_header(row: _Row, header: Header) -> bool:
    return all(normal_header(row.text(f)) == normal_header(row.values[f][1]) for f in row.values)


def map_rows(
    spec: Spec, sheets: list[Sheet], file: str, accounts: Accounts, account: str | None
) -> Mapped:
    """Every data row of every sheet that has a header, as entries or errors."""
    out = Mapped()
    for sheet in sheets:
        header = find_header(spec, sheet)
        if header is None:
            if any(r.cells for r in sheet.rows):
                out.skipped_sheets.append(sheet.name)
            continue
        out.sheets.append(sheet.name)
        for name, written in zip(header.fields, header.names, strict=True):
            if not name and written and written not in out.unused_columns:
                out.unused_columns.append(written)
        build = _post if spec.kind == "posts" else _message
        for row in sheet.rows:
            if row.number <= header.last_row or row.heading:
                continue
            mapped = _Row(file, sheet, row, header)
            if not mapped.values or _is_repeated_header(mapped, header):
                continue  # a blank line, a heading in an unmapped column, a repeated header
            entry = build(spec, mapped, accounts, account)
            if mapped.errors:
                out.errors.extend(mapped.errors)
                if len(out.errors) >= MAX_ERRORS:
                    return out
            elif entry is not None:
                out.entries.append(entry)
    if not out.sheets:
        kind = labels.LEDGER_KIND[spec.kind]
        wanted = "、".join(spec.columns.values())
        out.errors.append(
            InputError(
                f"没有找到{kind}的表头:前 {HEADER_SCAN} 行中没有一行同时有「"
                f"{spec.columns[spec.key_field]}」和其他认识的列名",
                path=file,
                hint=f"表头应有这些列(可用常见的别名): {wanted}。"
                f"用 govmedia import --template {spec.kind} 模板.xlsx 生成一份模板对照。",
            )
        )
    return out


def _account(spec: Spec, row: _Row, accounts: Accounts, account: str | None) -> str:
    text = row.text("account")
    if not text:
        if account is None:
            row.error(
                spec.columns["account"],
                "没有填账号",
                "填上账号(id、名称或「平台·名称」),或导入时用 --account 指定整个台账的账号。",
            )
            return ""
        return account
    try:
        found = accounts.resolve(text)
    except ValueProblem as exc:
        row.error(
            row.column("account", spec), str(exc), "账号 id 是 records/accounts/ 下的目录名。"
        )
        return ""
    if account is not None and found != account:
        row.error(
            row.column("account", spec),
            f"这一行的账号「{text}」与 --account {account} 不一致",
            "去掉 --account,或改正这一行的账号。",
        )
    return found


def _required(spec: Spec, row: _Row, name: str, what: str) -> str:
    text = row.text(name)
    if not text:
        row.error(row.column(name, spec), f"没有填{what}", f"每一行都要有{what}。")
    return text


def _post(spec: Spec, row: _Row, accounts: Accounts, account: str | None) -> Entry | None:
    account_id = _account(spec, row, accounts, account)
    published = row.moment("published", spec)
    if published is None and "published" not in row.values:
        row.error(
            spec.columns["published"],
            "没有填发布时间",
            "填上发布的日期和时刻,例如 2026-03-05 09:30。",
        )
    elif published is not None and published.clock is None:
        row.error(
            row.column("published", spec),
            f"发布时间只有日期 {published.day.isoformat()},没有时刻",
            "第十四条「先审后发」要比较审核与发布的先后,发布时间须写到分钟,"
            f"例如 {published.day.isoformat()} 09:30(可从平台后台的发布记录查到)。",
        )
    title = _required(spec, row, "title", "标题")
    category = _category(spec, row)
    data: dict[str, Any] = {"title": title, "category": category}
    if published is not None:
        data = {"published": published, **data}
    if row.text("url"):
        data["url"] = row.text("url")
    repost = _repost(spec, row)
    if repost:
        data["repost"] = repost
    reviews = [r for level in (1, 2, 3) if (r := _review(spec, row, level))]
    if reviews:
        data["review"] = reviews
    if row.errors or published is None:
        return None
    return Entry(row.sheet.name, row.row.number, account_id, published, data)


def _category(spec: Spec, row: _Row) -> str:
    text = row.text("category")
    if not text:
        row.error(
            spec.columns["category"],
            "没有填类别",
            "类别决定审核级数,填日常信息、政策文件及解读、重要信息或突发事件信息之一。",
        )
        return ""
    found = labels.CATEGORY_ALIASES.get(normal_header(text))
    if found is None:
        row.error(
            row.column("category", spec),
            f"不认识的类别「{text}」",
            "填日常信息、政策文件及解读(政策解读)、重要信息或突发事件信息(突发事件)之一。",
        )
        return ""
    return found


def _repost(spec: Spec, row: _Row) -> dict[str, Any]:
    source = row.text("repost_source")
    if normal_header(source) in _NOT_REPOST:
        source = ""
    out: dict[str, Any] = {}
    if source:
        out["source_unit"] = source
    if row.text("repost_url"):
        out["source_url"] = row.text("repost_url")
    if row.text("repost_title"):
        out["original_title"] = row.text("repost_title")
    named = normal_header(row.text("repost_named"))
    if named:
        if named in _YES:
            out["source_named"] = True
        elif named in _NO:
            out["source_named"] = False
        else:
            row.error(
                row.column("repost_named", spec),
                f"「{row.text('repost_named')}」应为是或否",
                "填「是」或「否」。",
            )
    if out and "source_unit" not in out:
        row.error(
            row.column("repost_source", spec),
            "填了转载的原文链接或原标题,却没有填转载来源",
            "填上转载来源单位(原创信息则清空转载的各列)。",
        )
    return out


def _review(spec: Spec, row: _Row, level: int) -> dict[str, Any] | None:
    name = labels.REVIEW_LEVEL.get(level, f"第 {level} 级审核")
    by, when = row.text(f"review{level}_by"), row.moment(f"review{level}_at", spec)
    either = f"review{level}"
    if either in row.values:
        try:
            found = moment(*row.values[either][0])
        except ValueProblem:
            found = None
        if found is not None and when is None:
            when = found
        elif found is None and not by:
            by = row.text(either)
    if not by and when is None:
        return None
    if when is None:
        if f"review{level}_at" in row.values:
            return None  # the time was bad: already reported
        row.error(
            spec.columns.get(f"review{level}_at", f"{name}时间"),
            f"有{name}人「{by}」,但没有{name}时间",
            f"填上{name}的日期(知道时刻就写到分钟);不知道日期的审核不能证明先审后发。",
        )
        return None
    review: dict[str, Any] = {"level": level}
    review["at" if when.clock is not None else "day"] = when
    if by:
        review["reviewer"] = by
    return review


def _message(spec: Spec, row: _Row, accounts: Accounts, account: str | None) -> Entry | None:
    account_id = _account(spec, row, accounts, account)
    received = row.moment("received", spec)
    if received is None and "received" not in row.values:
        row.error(
            spec.columns["received"], "没有填收到时间", "填上收到留言的日期(知道时刻就写到分钟)。"
        )
    topic = _required(spec, row, "topic", "内容摘要")
    data: dict[str, Any] = {"received": received, "topic": topic}
    for name in ("channel",):
        if row.text(name):
            data[name] = row.text(name)
    answered = row.moment("answered", spec)
    if answered is not None:
        data["answered"] = answered
        if received is not None and _before(answered, received):
            row.error(
                row.column("answered", spec),
                f"答复时间 {answered.iso().replace('T', ' ')} 早于收到时间",
                "检查两个日期是否填反或写错。",
            )
    for name in ("answer", "answerer", "asker", "contact"):
        if row.text(name):
            data[name] = row.text(name)
    if row.errors or received is None:
        return None
    return Entry(row.sheet.name, row.row.number, account_id, received, data)


def _before(a: Moment, b: Moment) -> bool:
    """``a`` is surely before ``b`` (to the day when either lacks a time)."""
    if a.clock is None or b.clock is None:
        return a.day < b.day
    return (a.day, a.clock) < (b.day, b.clock)


def load_accounts(root: Path) -> Accounts:
    """The accounts registered under ``root/records/accounts/``."""
    from engine import records

    found: dict[str, tuple[str, str]] = {}
    for path in sorted((root / "records" / "accounts").glob("*/account.toml")):
        data = records.parse_toml(str(path.relative_to(root)), path.read_bytes())
        found[path.parent.name] = (str(data.get("platform", "")), str(data.get("name", "")))
    return Accounts(found)
