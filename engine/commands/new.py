"""``govmedia new KIND``: write one new, valid record in its standard place.

Values come from ``--set key=value`` and are typed by the record's JSON Schema
(dates, date-times, booleans, integers, comma-separated lists; ``[...]`` or
``{...}`` is read as a TOML inline value, ``a.b=v`` sets a field of a table).
Missing required fields are asked for when stdin is a terminal; otherwise the
command stops and lists them. The record is validated before anything is
written, written atomically, and never over an existing file: a clerk's file
is never rewritten (for posts: a month file that exists is edited by hand).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import rtoml
import tomli_w

from engine import records
from engine.errors import InputError, InputErrors
from engine.fsutil import write_atomic
from engine.lines import LineIndex


def event_types() -> list[str]:
    """Event types as the event schema lists them (opening, closure-decision, filing, …)."""
    return [str(t) for t in records.schema("event")["properties"]["type"]["enum"]]


def kinds() -> list[str]:
    return ["unit", "account", *event_types(), "post", "waiver"]


# The field whose date names an event's file: events/<date>-<type>.toml.
EVENT_DATE = {"notice": "start", "contract": "start", "responsible": "from"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

LABELS = {
    "id": "目录名(小写字母、数字和连字符)",
    "account": "账号 id(records/accounts/ 下的目录名)",
    "name": "名称",
    "unit": "主办单位 id(records/units/ 下的目录名)",
    "platform": "平台 id(如 wechat-official、weibo、douyin)",
    "opened": "开设日期",
    "supervising_office": "主管办公室",
    "date": "日期",
    "basis": "决策方式",
    "with": "备案的主管单位 id",
    "start": "开始日期",
    "end": "结束日期",
    "from": "起始日期",
    "person": "负责人姓名(不公开)",
    "contractor": "承办单位",
    "published": "发布时间",
    "title": "标题",
    "category": "信息类别",
    "rule": "规则(如 art-15 或 art-15/weekly-update)",
    "target": "被豁免的记录文件(records/ 开头)",
    "reason": "豁免理由",
    "approved_by": "批准单位 id",
    "approver": "批准人(不公开)",
    "approved": "批准日期",
    "expires": "有效期至",
    "type": "类型",
}


@dataclass
class Spec:
    """What one KIND needs: its schema part, the record kind and the extra location keys."""

    kind: str  # the command's KIND
    record_kind: str  # records.KINDS entry
    properties: dict[str, Any]
    required: list[str]
    location_keys: list[str] = field(default_factory=list)  # not in the record: id / account
    fixed: dict[str, Any] = field(default_factory=dict)


def spec_for(kind: str) -> Spec:
    if kind in ("unit", "account", "waiver"):
        schema = records.schema(kind)
        keys = ["id"] if kind != "waiver" else []
        return Spec(kind, kind, dict(schema["properties"]), list(schema.get("required", [])), keys)
    if kind in event_types():
        for part in records.schema("event").get("allOf", []):
            if part.get("if", {}).get("properties", {}).get("type", {}).get("const") == kind:
                then = part["then"]
                props = dict(then["properties"])
                required = [r for r in then["required"] if r != "type"]
                return Spec(kind, "event", props, required, ["account"], {"type": kind})
    if kind == "post":
        item = records.schema("posts")["properties"]["post"]["items"]
        return Spec(kind, "posts", dict(item["properties"]), list(item["required"]), ["account"])
    raise InputError(
        f"不认识的记录种类「{kind}」",
        hint="可以新建: "
        + "、".join(kinds())
        + "。例如 govmedia new responsible --set account=wx-xxx。",
    )


# ---------------------------------------------------------------- values


def _bad(name: str, raw: str, what: str, hint: str) -> InputError:
    return InputError(f"--set {name}={raw}: {what}", hint=hint)


def convert(name: str, raw: str, prop: dict[str, Any]) -> Any:
    """A command-line string as the value the schema wants."""
    kind = prop.get("type")
    if kind in ("array", "object") and raw.strip()[:1] in ("[", "{"):
        try:
            value = rtoml.loads(f"v = {raw}")["v"]
        except Exception:
            raise _bad(
                name,
                raw,
                "不是合法的 TOML 值",
                "数组写成 [1, 2] 或 [{level = 1, at = 2024-03-05T09:00:00}],表写成 {a = 1}。",
            ) from None
        return value
    if kind == "array":
        items = prop.get("items", {})
        parts = [p.strip() for p in re.split(r"[,,、]", raw) if p.strip()]
        return [convert(name, p, items) for p in parts]
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "y", "1", "是"):
            return True
        if lowered in ("false", "no", "n", "0", "否"):
            return False
        raise _bad(
            name, raw, "应为 true 或 false", f"写成 --set {name}=true 或 --set {name}=false。"
        )
    if kind == "integer":
        try:
            return int(raw.strip())
        except ValueError:
            raise _bad(name, raw, "应为整数", f"写成 --set {name}=1 这样的整数。") from None
    if kind == "number":
        try:
            number = float(raw.strip())
        except ValueError:
            raise _bad(name, raw, "应为数字", f"写成 --set {name}=12000 这样的数字。") from None
        return int(number) if number.is_integer() else number
    if prop.get("format") == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
                raise ValueError(raw)
            return date.fromisoformat(raw.strip())
        except ValueError:
            raise _bad(
                name,
                raw,
                "不是日历上存在的日期",
                f"日期写成 YYYY-MM-DD,例如 --set {name}=2024-03-05。",
            ) from None
    if prop.get("format") == "datetime-cn":
        text = raw.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise _bad(
                name,
                raw,
                "不是有效的日期时间",
                f"写成 YYYY-MM-DDTHH:MM(中国时间),例如 --set {name}=2024-03-05T10:00。",
            ) from None
    return raw


def parse_values(spec: Spec, pairs: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    allowed = [*spec.location_keys, *spec.properties]
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(
                f"--set {pair}: 缺少等号", hint="写成 --set 字段=值,例如 --set name=某某镇发布。"
            )
        top, _, sub = name.partition(".")
        if top in spec.fixed:
            raise InputError(
                f"--set {name}: 这个字段由种类 {spec.kind} 决定,不能设置",
                hint=f"去掉 --set {name}。",
            )
        if top not in allowed:
            raise InputError(
                f"--set {name}: {spec.kind} 记录没有字段「{top}」",
                hint="可用的字段: " + "、".join(allowed) + "。",
            )
        if top in spec.location_keys:
            if sub:
                raise InputError(f"--set {name}: {top} 不是表", hint=f"写成 --set {top}=值。")
            values[top] = raw.strip()
            continue
        prop = spec.properties[top]
        if sub:
            sub_props = prop.get("properties", {})
            if prop.get("type") != "object" or sub not in sub_props:
                raise InputError(
                    f"--set {name}: 「{top}」没有子字段「{sub}」",
                    hint="可用的子字段: " + "、".join(sub_props) + "。" if sub_props else "",
                )
            values.setdefault(top, {})[sub] = convert(name, raw, sub_props[sub])
        else:
            if top in values:
                raise InputError(f"--set {name} 写了两次", hint="每个字段只写一次。")
            values[top] = convert(name, raw, prop)
    return values


def _prompt_text(name: str, prop: dict[str, Any]) -> str:
    text = f"{LABELS.get(name, name)} [{name}]"
    if "enum" in prop:
        text += "(可选: " + "、".join(str(x) for x in prop["enum"]) + ")"
    elif prop.get("format") == "date":
        text += "(YYYY-MM-DD)"
    elif prop.get("format") == "datetime-cn":
        text += "(YYYY-MM-DDTHH:MM)"
    if prop.get("description"):
        text += f" — {prop['description']}"
    return text


def fill_missing(spec: Spec, values: dict[str, Any], ask: bool) -> None:
    missing = [k for k in [*spec.location_keys, *spec.required] if k not in values]
    if not missing:
        return
    if not ask:
        raise InputError(
            f"缺少必填字段: {'、'.join(missing)}",
            hint="用 --set 给出它们,例如 "
            + " ".join(f"--set {k}=…" for k in missing)
            + ";在终端中运行时会逐项询问。",
        )
    for name in missing:
        prop = spec.properties.get(name, {"type": "string"})
        while True:
            raw = str(click.prompt(_prompt_text(name, prop), err=True))
            try:
                values[name] = (
                    raw.strip() if name in spec.location_keys else convert(name, raw, prop)
                )
            except InputError as exc:
                click.echo(exc.render(), err=True)
                continue
            break


# ---------------------------------------------------------------- locations


def _check_id(name: str, value: str) -> str:
    if not _ID.match(value):
        raise InputError(
            f"--set {name}={value}: id 只能用小写字母、数字和连字符,且以字母或数字开头",
            hint=f"例如 --set {name}=wx-alatan。",
        )
    return value


def _exists(root: Path, rel: str, what: str, hint: str) -> None:
    if not (root / rel).is_file():
        raise InputError(f"{what}不存在: {rel}", hint=hint)


def default_path(spec: Spec, values: dict[str, Any], root: Path) -> tuple[str, bool]:
    """Where the record goes, and whether a -2, -3 … suffix may be added when the name is taken."""
    if spec.kind == "unit":
        return f"records/units/{_check_id('id', values['id'])}/unit.toml", False
    if spec.kind == "account":
        return f"records/accounts/{_check_id('id', values['id'])}/account.toml", False
    if spec.kind == "waiver":
        rule = str(values["rule"]).replace("/", "-")
        return f"records/waivers/{values['approved'].isoformat()}-{rule}.toml", True
    account = _check_id("account", values["account"])
    _exists(
        root,
        f"records/accounts/{account}/account.toml",
        "账号",
        f"先用 govmedia new account --set id={account} … 登记账号,或改正账号 id。",
    )
    if spec.kind == "post":
        return f"records/accounts/{account}/posts/{_day(values['published'])[:7]}.toml", False
    day = _day(values[_event_date_field(spec)])
    return f"records/accounts/{account}/events/{day}-{spec.kind}.toml", True


def _event_date_field(spec: Spec) -> str:
    if spec.kind in EVENT_DATE:
        return EVENT_DATE[spec.kind]
    if "date" in spec.properties:
        return "date"
    dated = [k for k in spec.required if spec.properties.get(k, {}).get("format") == "date"]
    if not dated:
        raise InputError(
            f"{spec.kind} 记录没有日期字段,无法决定文件名", hint="用 --path 指定文件。"
        )
    return dated[0]


def _day(value: Any) -> str:
    return value.isoformat()[:10] if isinstance(value, date | datetime) else str(value)[:10]


def _free(root: Path, rel: str) -> str:
    if not (root / rel).exists():
        return rel
    stem = rel[: -len(".toml")]
    n = 2
    while (root / f"{stem}-{n}.toml").exists():
        n += 1
    return f"{stem}-{n}.toml"


def _relative(root: Path, target: str) -> str:
    full = (
        (Path.cwd() / target).resolve()
        if not Path(target).is_absolute()
        else Path(target).resolve()
    )
    try:
        return full.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise InputError(
            f"--path {target} 不在记录仓库 {root} 之内", hint="写到仓库的 records/ 目录下。"
        ) from None


# ---------------------------------------------------------------- references


def _references(spec: Spec, data: dict[str, Any], root: Path) -> None:
    def unit(key: str) -> None:
        if key in data:
            _exists(
                root,
                f"records/units/{data[key]}/unit.toml",
                f"{key} 指向的单位",
                f"{key} 写 records/units/ 下已有的目录名;新单位先用 govmedia new unit 登记。",
            )

    if spec.kind == "account":
        unit("unit")
    elif spec.kind == "unit":
        unit("superior")
    elif spec.kind == "filing":
        unit("with")
    elif spec.kind == "waiver":
        unit("approved_by")
        _exists(
            root,
            str(data["target"]),
            "被豁免的记录文件",
            "target 写记录文件的路径,如 records/accounts/wx-xxx/posts/2024-03.toml。",
        )


# ---------------------------------------------------------------- run


def _ordered(spec: Spec, values: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(spec.fixed)
    for name in spec.properties:
        if name in values and name not in data:
            data[name] = values[name]
    return data


def interactive() -> bool:
    """Ask for missing fields only when a person is at the terminal."""
    return sys.stdin.isatty()


def run(repo_root: Path, kind: str, pairs: list[str], target: str | None) -> int:
    spec = spec_for(kind)
    values = parse_values(spec, pairs)
    if target is not None:
        rel = _relative(repo_root, target)
        located = records.kind_of(rel) if rel.endswith(".toml") else None
        if located is None or located[0] != spec.record_kind:
            raise InputError(
                f"--path {target} 不是存放 {kind} 记录的位置",
                hint="按 docs/records.md 的目录结构选择路径,或去掉 --path 使用标准位置。",
            )
        ids = located[1]
        for key in spec.location_keys:
            from_path = ids.get("unit") if kind == "unit" else ids.get("account")
            if from_path is not None:
                if key in values and values[key] != from_path:
                    raise InputError(
                        f"--set {key}={values[key]} 与 --path 中的「{from_path}」不一致",
                        hint=f"去掉 --set {key},或改正 --path。",
                    )
                values[key] = from_path
    fill_missing(spec, values, ask=interactive())
    data = _ordered(spec, values)
    standard, numbered = default_path(spec, values, repo_root)  # also checks ids and the account
    if target is None:
        rel = _free(repo_root, standard) if numbered else standard
    document = {"post": [data]} if spec.kind == "post" else data
    payload = tomli_w.dumps(document).encode("utf-8")
    # Validate exactly what will be written, the way `govmedia check` will read it.
    parsed = records.parse_toml(rel, payload)
    index = LineIndex(payload.decode("utf-8"))
    try:
        records.validate(spec.record_kind, rel, parsed, index.line)
    except InputErrors as exc:
        # The file does not exist yet: point at the --set values, not at its lines.
        raise InputErrors(
            [
                InputError(
                    f"新记录 {rel} 未写入: {e.message}",
                    hint="改正对应的 --set 值;字段定义见 "
                    f"engine/schemas/{spec.record_kind}.schema.json 和 docs/records.md。",
                )
                for e in exc.errors
            ]
        ) from None
    if spec.kind == "post":
        month = rel.rsplit("/", 1)[-1][: len("YYYY-MM")]
        if not _day(data["published"]).startswith(month):
            raise InputError(
                f"发布时间 {_day(data['published'])} 不在文件 {rel} 的月份内",
                hint=f"写到 posts/{_day(data['published'])[:7]}.toml,或去掉 --path。",
            )
    _references(spec, data, repo_root)
    path = repo_root / rel
    if path.exists():
        hint = (
            "这个月的发布记录文件已经存在:请直接编辑它,在末尾追加一个 [[post]] 段,govmedia 不会改写已有的文件。"
            if spec.kind == "post"
            else "已有同名记录;先检查它是不是你要新建的记录,或换一个 id / --path。"
        )
        raise InputError("文件已存在,不会覆盖", path=rel, hint=hint)
    write_atomic(path, payload)
    click.echo(f"已写入 {rel}")
    return 0
