"""Where a new record goes and how it is written without rewriting a clerk's file.

- A record of its own: written atomically, never over an existing file; a record equal
  to an existing one in its ``same`` fields is refused with that file's path.
- Appended (posts, messages, signers): the new ``[[post]]`` (``[[message]]``,
  ``[[identity]]``) table is added after the last byte of the file. The result is parsed
  and must hold every table it held before, unchanged and in order, plus the new one,
  and nothing else; only then does it replace the file (a temporary file and a rename),
  and only if the file has not changed since it was read.
- An answer: the lines ``answered = …`` and ``answer = "…"`` are inserted right after the
  ``received`` line of that one message. The result is parsed and must differ from the
  file read only by these two fields of that message; then it replaces the file as above.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from engine import labels, records
from engine.errors import InputError
from engine.fsutil import write_atomic
from engine.lines import LineIndex
from engine.scaffold.table import Kind, record_name

_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


def day_of(value: Any) -> str:
    return value.isoformat()[:10] if isinstance(value, date | datetime) else str(value)[:10]


def standard_path(kind: Kind, values: dict[str, Any]) -> str:
    def fill(m: re.Match[str]) -> str:
        what, name = m.group(1), m.group(2)
        if what == "day":
            return day_of(values[name])
        if what == "month":
            return day_of(values[name])[:7]
        if what == "type":
            return str(kind.variant or values["type"])
        if what == "rule_name":
            return str(values["rule"]).replace("/", "-")
        return str(values[what])

    return _SLOT.sub(fill, kind.path)


# ---------------------------------------------------------------- TOML text


def value_text(value: Any) -> str:
    """One value as TOML, dates and times the way clerks write them (2024-03-05T10:00:00)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key_text(k)} = {value_text(v)}" for k, v in value.items()) + "}"
    return tomli_w.dumps({"v": value}).strip()[len("v = ") :]


def key_text(key: str) -> str:
    return tomli_w.dumps({key: 0}).split(" = ")[0]


def table_text(header: str | None, data: dict[str, Any], array: bool = False) -> str:
    """``data`` as a TOML table: plain keys, then sub-tables and arrays of tables."""
    lines: list[str] = []
    if header is not None:
        lines.append(f"[[{header}]]" if array else f"[{header}]")
    nested: list[str] = []
    for key, value in data.items():
        name = f"{header}.{key}" if header else key
        if isinstance(value, dict):
            nested.append(table_text(name, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            nested.extend(table_text(name, v, array=True) for v in value)
        else:
            lines.append(f"{key_text(key)} = {value_text(value)}")
    parts = ["\n".join(lines)] if lines else []
    parts += [n.rstrip("\n") for n in nested]
    return "\n\n".join(parts) + "\n" if parts else ""


# ---------------------------------------------------------------- duplicates


def _same(kind: Kind, old: dict[str, Any], new: dict[str, Any]) -> bool:
    if not kind.same:
        return False
    if kind.variant is not None and old.get("type") != kind.variant:
        return False
    return all(old.get(k) == new.get(k) for k in kind.same)


def _refuse_duplicate(kind: Kind, rel: str, line: int | None) -> InputError:
    return InputError(
        f"已有同一条{record_name(kind.name)},不会重复登记",
        path=rel,
        line=line,
        hint="先看这条已有的记录是不是你要登记的;已登记过的不必重复登记"
        + (
            f";确实是另一件事的,{'、'.join(labels.field_prompt(n) for n in kind.same)}"
            "至少有一项不同。"
            if len(kind.same) > 1
            else "。"
        ),
    )


def find_duplicate_file(root: Path, kind: Kind, rel: str, data: dict[str, Any]) -> None:
    """A record of its own that says the same as ``data`` in another file of its folder."""
    folder = (root / rel).parent
    if not folder.is_dir() or not kind.same:
        return
    normal = records.normalise(dict(data))
    for path in sorted(folder.glob("*.toml")):
        other = path.relative_to(root).as_posix()
        try:
            old = records.parse_toml(other, path.read_bytes())
        except InputError:
            continue  # a broken file is check's business, not a duplicate
        if _same(kind, old, normal):
            raise _refuse_duplicate(kind, other, None)


def free_name(root: Path, rel: str) -> str:
    if not (root / rel).exists():
        return rel
    stem = rel[: -len(".toml")]
    n = 2
    while (root / f"{stem}-{n}.toml").exists():
        n += 1
    return f"{stem}-{n}.toml"


# ---------------------------------------------------------------- writing


def write_new(root: Path, kind: Kind, rel: str, data: dict[str, Any]) -> bytes:
    payload = table_text(None, data).encode("utf-8")
    _validate(kind, rel, payload)
    if (root / rel).exists():
        raise InputError(
            f"{record_name(kind.name)}已存在,不会覆盖",
            path=rel,
            hint="先看这个文件是不是你要新建的记录;govmedia 不会改写已有的文件。",
        )
    write_atomic(root / rel, payload)
    return payload


def _validate(kind: Kind, rel: str, payload: bytes) -> dict[str, Any]:
    parsed = records.parse_toml(rel, payload)
    records.validate(kind.record, rel, parsed, LineIndex(payload.decode("utf-8")).line)
    return parsed


def _read(root: Path, rel: str) -> bytes:
    path = root / rel
    return path.read_bytes() if path.exists() else b""


def _cannot(rel: str, why: str) -> InputError:
    return InputError(
        f"无法自动写入: {why},文件没有改动",
        path=rel,
        hint="用文本编辑器打开这个文件,按 docs/records.md 的写法手工添加;"
        "govmedia 不会改写已有的内容。",
    )


def _replace(root: Path, rel: str, before: bytes, after: bytes) -> None:
    if _read(root, rel) != before:
        raise _cannot(rel, "文件在写入过程中被别的程序改动了")
    write_atomic(root / rel, after, overwrite=bool(before))


def append(root: Path, kind: Kind, rel: str, entry: dict[str, Any]) -> int:
    """Add ``entry`` as one more [[container]] table at the end of the file; its line."""
    assert kind.container is not None
    before = _read(root, rel)
    old = records.parse_toml(rel, before) if before else {}
    items = old.get(kind.container, [])
    normal = records.normalise(dict(entry))
    if isinstance(items, list):
        index = LineIndex(before.decode("utf-8", errors="replace"))
        for i, item in enumerate(items):
            if isinstance(item, dict) and _same(kind, item, normal):
                raise _refuse_duplicate(kind, rel, index.line((kind.container, i)))
    text = before.decode("utf-8") if before else ""
    gap = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    block = table_text(kind.container, entry, array=True)
    after = (text + gap + block).encode("utf-8")
    try:
        parsed = records.parse_toml(rel, after)
    except InputError:
        raise _cannot(
            rel, f"这个文件中的 {kind.container} 不是用 [[{kind.container}]] 段写的"
        ) from None
    new_items = parsed.get(kind.container)
    rest_same = {k: v for k, v in parsed.items() if k != kind.container} == {
        k: v for k, v in old.items() if k != kind.container
    }
    if (
        not rest_same
        or not isinstance(new_items, list)
        or new_items[:-1] != items
        or new_items[-1] != records.normalise(dict(entry))
    ):
        raise _cannot(rel, "追加后原有内容会被改变")
    records.validate(kind.record, rel, parsed, LineIndex(after.decode("utf-8")).line)
    _replace(root, rel, before, after)
    return len(text.splitlines()) + gap.count("\n") + 1


def find_message(root: Path, rel: str, received: Any) -> tuple[int, dict[str, Any], int] | None:
    """The message received at ``received`` in a month file: (index, data, line)."""
    before = _read(root, rel)
    if not before:
        return None
    data = records.parse_toml(rel, before)
    wanted = records.normalise(received)
    index = LineIndex(before.decode("utf-8"))
    for i, message in enumerate(data.get("message", [])):
        if message.get("received") == wanted:
            return i, message, index.line(("message", i))
    return None


def add_answer(root: Path, kind: Kind, rel: str, received: Any, answer: dict[str, Any]) -> int:
    """Insert the answer's fields after the message's ``received`` line; the line."""
    before = _read(root, rel)
    found = find_message(root, rel, received)
    if found is None:
        raise InputError(f"{rel} 中没有 {day_of(received)} 收到的这条留言", path=rel)
    i, message, _ = found
    if "answered" in message:
        raise InputError(
            "这条留言已有答复时间,不会改写",
            path=rel,
            line=LineIndex(before.decode("utf-8")).line(("message", i, "answered")),
            hint="答复时间写错了的话,请手工更正并在提交说明中写明原因。",
        )
    old = records.parse_toml(rel, before)
    text = before.decode("utf-8")
    lines = text.splitlines(keepends=True)
    at = LineIndex(text).line(("message", i, "received"))  # 1-based
    fields = {k: v for k, v in answer.items() if k not in message}
    inserted = table_text(None, fields)
    if not lines[at - 1].endswith("\n"):
        inserted = "\n" + inserted
    after = "".join([*lines[:at], inserted, *lines[at:]]).encode("utf-8")
    try:
        parsed = records.parse_toml(rel, after)
    except InputError:
        raise _cannot(rel, "这条留言不是用 [[message]] 段写的") from None
    expected = [dict(m) for m in old["message"]]
    expected[i] = {**expected[i], **records.normalise(dict(fields))}
    others = {k: v for k, v in parsed.items() if k != "message"}
    if others != {k: v for k, v in old.items() if k != "message"} or parsed["message"] != expected:
        raise _cannot(rel, "添加答复会改变这条留言以外的内容")
    records.validate(kind.record, rel, parsed, LineIndex(after.decode("utf-8")).line)
    _replace(root, rel, before, after)
    return at + 1
