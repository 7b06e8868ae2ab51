"""Writing what a ledger adds: appended to month files, atomically, all or nothing.

Existing entries are never rewritten: new entries are appended as text in the
canonical ``[[post]]`` / ``[[post.review]]`` (or ``[[message]]``) form. Every file's
new text is parsed and validated before any file is replaced. An entry already
recorded (same account, time and title or topic) is not added again.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import records
from engine.errors import InputError, InputErrors
from engine.fsutil import write_atomic
from engine.ledger.mapping import Entry
from engine.ledger.values import Moment
from engine.lines import LineIndex
from engine.timeutil import iso_local, parse_datetime

TABLE = {"posts": "post", "messages": "message"}
WHEN = {"posts": "published", "messages": "received"}
NAME = {"posts": "title", "messages": "topic"}


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that TOML has no ``\\/``)."""
    return json.dumps(text, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, Moment):
        return value.iso().replace("T", " ")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return toml_string(str(value))


def render(kind: str, data: dict[str, Any]) -> str:
    """One entry as TOML text: ``[[post]]`` with its fields, then each ``[[post.review]]``."""
    table = TABLE[kind]
    lines = [f"[[{table}]]"]
    lines += [f"{k} = {_value(v)}" for k, v in data.items() if k != "review"]
    for review in data.get("review", []):
        lines += ["", f"[[{table}.review]]"]
        lines += [f"{k} = {_value(v)}" for k, v in review.items()]
    return "\n".join(lines) + "\n"


def _existing_key(kind: str, account: str, item: dict[str, Any]) -> tuple[str, str, str]:
    when = str(item.get(WHEN[kind], ""))
    stamp = iso_local(parse_datetime(when)) if len(when) > 10 else when
    return (account, stamp, str(item.get(NAME[kind], "")).strip())


def _entry_key(entry: Entry) -> tuple[str, str, str]:
    account, when, name = entry.key
    if len(when) > 10:  # a time: compared as the records compare it, in China time
        when = iso_local(parse_datetime(when))
    return (account, when, name)


@dataclass
class FilePlan:
    path: Path  # absolute
    rel: str  # relative to the repository root
    existing: int = 0  # entries the file already has
    new: list[Entry] = field(default_factory=list)
    already: int = 0  # rows already recorded (in the file, or earlier in the ledger)
    old_text: str | None = None  # None: a new file
    text: str = ""  # what the file will hold
    bom: bool = False  # the existing file starts with a byte order mark (kept)

    @property
    def appended(self) -> str:
        return self.text[len(self.old_text or "") :]


def plan(root: Path, kind: str, entries: list[Entry]) -> list[FilePlan]:
    """What importing ``entries`` changes, file by file (nothing is written)."""
    by_file: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        month = entry.when.day.strftime("%Y-%m")
        by_file[f"records/accounts/{entry.account}/{kind}/{month}.toml"].append(entry)
    plans = []
    errors: list[InputError] = []
    for rel in sorted(by_file):
        path = root / rel
        item = FilePlan(path, rel)
        seen: set[tuple[str, str, str]] = set()
        if path.exists():
            raw = path.read_bytes()
            data = records.parse_toml(rel, raw)
            item.old_text = raw.decode("utf-8-sig")
            item.bom = raw.startswith(b"\xef\xbb\xbf")
            account = rel.split("/")[2]
            for old in data.get(TABLE[kind], []):
                if isinstance(old, dict):
                    seen.add(_existing_key(kind, account, old))
                    item.existing += 1
            if item.existing and not re.search(
                rf"^\s*\[\[\s*{TABLE[kind]}\s*\]\]", item.old_text, re.MULTILINE
            ):
                errors.append(_inline_array(rel, TABLE[kind]))
                plans.append(item)
                continue
        for entry in by_file[rel]:
            key = _entry_key(entry)
            if key in seen:
                item.already += 1
                continue
            seen.add(key)
            item.new.append(entry)
        if item.new:
            blocks = [render(kind, e.data) for e in item.new]
            old = item.old_text or ""
            if old and not old.endswith("\n"):
                old += "\n"
            item.text = old + ("\n" if old.strip() else "") + "\n".join(blocks)
            try:
                _verify(kind, rel, item.text)
            except InputError as exc:
                errors.append(_cannot_append(rel, exc, item.old_text is not None))
        plans.append(item)
    if errors:
        raise InputErrors(errors)
    return plans


def _verify(kind: str, rel: str, text: str) -> None:
    data = records.parse_toml(rel, text.encode("utf-8"))
    # Lines are only looked up for errors: the index is built then.
    records.validate(kind, rel, data, lambda keys: LineIndex(text).line(keys))


def _inline_array(rel: str, table: str) -> InputError:
    return InputError(
        f"这个文件用 {table} = [...](内嵌数组)的写法记录,无法在末尾追加 [[{table}]] 段",
        path=rel,
        hint=f"把已有的每一条改写成一段 [[{table}]](写法见 docs/records.md),再导入;"
        "什么都没有写入。",
    )


def _cannot_append(rel: str, exc: InputError, existed: bool) -> InputError:
    if not existed:
        return exc
    return InputError(
        f"无法在已有文件末尾追加记录: {exc.message}",
        path=rel,
        line=exc.line,
        hint="先用 govmedia check 确认这个文件本身没有错误;若文件用 post = [...] 这种"
        "内嵌数组写法,改成每条一段 [[post]] 后再导入。什么都没有写入。",
    )


def apply(plans: list[FilePlan]) -> None:
    """Write every planned file (each atomically; an existing file is replaced only by a
    text that starts with its old text, checked again just before)."""
    for item in plans:
        if not item.new:
            continue
        if item.old_text is None:
            write_atomic(item.path, item.text.encode("utf-8"))
            continue
        now = item.path.read_bytes().decode("utf-8-sig")
        if now != item.old_text:
            raise InputError(
                "文件在导入期间被修改了",
                path=item.rel,
                hint="关闭正在编辑它的程序,再导入一次(已导入的行不会重复)。",
            )
        data = item.text.encode("utf-8")
        write_atomic(item.path, b"\xef\xbb\xbf" + data if item.bom else data, overwrite=True)
