"""``govmedia new KIND``: write one new, valid record in its standard place.

What each KIND asks for and where it goes is the table in ``engine/scaffold/table.py``.
Values come from ``--set key=value``; at a terminal every field not given is asked for
in Chinese, one at a time: choices are numbered (``1 微信公众号 2 微信视频号 …``) and
take the number, the Chinese label or the id; every answer is checked when it is given
(its JSON schema, the records it names) and a bad one is asked again with the reason,
keeping every answer already given. A post asks for exactly the review levels its
category needs under the rule version of ``policy/art-14.toml`` in force on the day
of publication.

Ctrl-C or Ctrl-D at a prompt prints 「已取消,未写入任何文件」 and exits 130 (Ctrl-C)
or 1 (Ctrl-D); nothing is written. Bad ``--set`` values exit 2, naming the field.
A record that already exists is refused with its path. Nothing is ever written over
a clerk's file; appending and answering are described in ``engine/scaffold/place.py``.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from engine import labels
from engine import policy as policy_mod
from engine.errors import InputError, InputErrors
from engine.scaffold import place, table
from engine.scaffold.ask import Cancelled, ask_field
from engine.scaffold.fields import BadValue, Field, check, field_of, known, label, parse, shown
from engine.scaffold.table import TITLE, Kind, record_name
from engine.timeutil import CHINA_TZ

EXIT_CANCELLED_EOF = 1  # Ctrl-D: the input ended
EXIT_CANCELLED_INTERRUPT = 130  # Ctrl-C, as shells report it
CANCELLED = "已取消,未写入任何文件"


def kinds() -> list[str]:
    return list(table.KINDS)


def interactive() -> bool:
    """Ask for missing fields only when a person is at the terminal."""
    return sys.stdin.isatty()


# ---------------------------------------------------------------- --set values


def _set_error(kind: Kind, name: str, raw: str, reason: str, hint: str = "") -> InputError:
    return InputError(f"{field_of(kind, name).label}(--set {name}={raw}): {reason}", hint=hint)


def parse_pairs(kind: Kind, pairs: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(
                f"--set {pair}: 缺少等号", hint="写成 --set 字段=值,例如 --set name=某某镇发布。"
            )
        if name == "type" and (kind.variant is not None):
            raise InputError(
                f"--set {name}: 类型由种类「{kind.name}」({TITLE[kind.name]})决定,不能设置",
                hint=f"去掉 --set {name}。",
            )
        if not known(kind, name):
            props, _ = table.properties(kind)
            names = [*kind.location, *props]
            raise InputError(
                f"--set {name}: {record_name(kind.name)}没有字段「{name}」",
                hint="可用的字段: " + "、".join(f"{n}({label(n)})" for n in names) + "。",
            )
        if name in values:
            raise InputError(f"--set {name} 写了两次", hint="每个字段只写一次。")
        f = field_of(kind, name)
        try:
            value = parse(f, raw)
            check(f, value)
        except BadValue as exc:
            raise _set_error(kind, name, raw, exc.reason, exc.hint) from None
        values[name] = value
    return values


# ---------------------------------------------------------------- facts of other records


class Facts:
    """Checks of an answer against the records already in the repository."""

    def __init__(self, root: Path, kind: Kind) -> None:
        self.root = root
        self.kind = kind

    def _file(self, rel: str, what: str, hint: str) -> None:
        if not (self.root / rel).is_file():
            raise BadValue(f"{what}不存在({rel})", hint)

    def check(self, name: str, value: Any, values: dict[str, Any]) -> None:
        kind = self.kind
        ref = kind.refs.get(name)
        if ref == "unit" or (name == "unit" and name in kind.location):
            self._file(
                f"records/units/{value}/unit.toml",
                "单位",
                "写 records/units/ 下已有的目录名;新单位先用 govmedia new unit 登记。",
            )
        if name == "account" and (kind.location == ("account",) or ref == "account"):
            self._file(
                f"records/accounts/{value}/account.toml",
                "账号",
                f"先用 govmedia new account 登记账号 {value},或改正账号 id。",
            )
        if ref == "file":
            self._file(
                str(value),
                "记录文件",
                "写记录文件的路径,如 records/accounts/wx-xxx/posts/2024-03.toml。",
            )
        if name == "id" and kind.name in ("unit", "account"):
            rel = place.standard_path(kind, {**values, "id": value})
            if (self.root / rel).exists():
                raise BadValue(
                    f"已有这个{TITLE[kind.name]},不会覆盖({rel})",
                    "换一个 id,或直接编辑已有的文件。",
                )
        if name in ("published", "received", "answered") and _later_than_now(value):
            raise BadValue(
                "晚于现在",
                "只登记已经发生的事:检查年、月、日和时间是否写错(北京时间)。",
            )
        if name == "answered" and "received" in values and _before(value, values["received"]):
            raise BadValue(
                f"早于收到留言的时间 {shown_raw(values['received'])}", "答复时间写实际答复的时间。"
            )
        if kind.mode == "answer" and name == "received":
            rel = place.standard_path(kind, {**values, "received": value})
            found = place.find_message(self.root, rel, value)
            if found is None:
                raise BadValue(
                    f"{rel} 中没有这个时间收到的留言",
                    "收到时间与留言记录中的 received 完全一致(到分钟);新留言请用 govmedia new message 登记。",
                )
            if "answered" in found[1]:
                raise BadValue(
                    f"这条留言已有答复({rel}:{found[2]})", "已有答复不会被改写;答复错了请手工更正。"
                )


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())


def _later_than_now(value: Any) -> bool:
    if not isinstance(value, date):
        return False
    now = datetime.now(CHINA_TZ).replace(tzinfo=None)
    moment = _as_datetime(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA_TZ).replace(tzinfo=None)
    return moment > now


def _before(value: Any, other: Any) -> bool:
    if not isinstance(value, date) or not isinstance(other, date):
        return False
    a, b = _as_datetime(value), _as_datetime(other)
    if (a.tzinfo is None) != (b.tzinfo is None):
        return False
    return a < b


# ---------------------------------------------------------------- asking


def review_levels(root: Path, category: str, published: date | datetime) -> int:
    """How many review levels a post of ``category`` needs: art-14's version in force that day."""
    rules = policy_mod.load(policy_mod.default_policy_dir(root))
    rule = rules.get("art-14")
    day = published.date() if isinstance(published, datetime) else published
    version = rule.version_on(day)
    if version is None:
        return 0
    levels = version.parameters.get("levels") or rule.parameters.get("levels") or {}
    return int(levels.get(category, 0))


def _ask_reviews(root: Path, values: dict[str, Any]) -> list[dict[str, Any]]:
    category, published = values["category"], values["published"]
    needed = review_levels(root, category, published)
    click.echo(
        f"「{labels.CATEGORY.get(category, category)}」按 {shown_day(published)} 施行的第十四条"
        f"须经 {needed} 级审核;逐级输入审核时间(没有这一级审核就直接回车)。",
        err=True,
    )
    reviews: list[dict[str, Any]] = []
    at_prop = {"type": "string", "format": "datetime-cn"}
    for level in range(1, needed + 1):
        name = labels.REVIEW_LEVEL.get(level, f"第 {level} 级审核")
        at_field = Field(f"{name}时间", at_prop, False, None, False, False)
        at = ask_field(at_field, _not_in_future)
        if at is None:
            continue
        who = Field(
            f"{name}人(不公开)", {"type": "string", "minLength": 1}, False, None, False, False
        )
        reviewer = ask_field(who, lambda v: None)
        review: dict[str, Any] = {"level": level, "at": at}
        if reviewer:
            review["reviewer"] = reviewer
        reviews.append(review)
    return reviews


def _not_in_future(value: Any) -> None:
    if _later_than_now(value):
        raise BadValue("晚于现在", "审核时间写实际审核的时间(北京时间)。")


def _ask_days(values: dict[str, Any]) -> None:
    """The holidays and adjusted working days of a calendar year, one at a time."""
    if "day" in values:
        return
    item = table.properties(table.KINDS["calendar"])[0]["day"]["items"]["properties"]
    year = values.get("year")
    click.echo("逐个输入这一年的节假日和调休上班日;输完直接回车。", err=True)

    def in_year(value: Any) -> None:
        if year is not None and value.year != year:
            raise BadValue(f"不是 {year} 年的日期", "只登记本年的日期。")

    days: list[dict[str, Any]] = []
    while True:
        when = ask_field(Field("day.date", item["date"], False, None, False, False), in_year)
        if when is None:
            break
        sort = ask_field(
            Field("day.kind", item["kind"], True, labels.VALUE, False, False), lambda v: None
        )
        name = ask_field(Field("day.name", item["name"], True, None, False, False), lambda v: None)
        days.append({"date": when, "kind": sort, "name": name})
    if days:
        values["day"] = days


def shown_day(value: Any) -> str:
    return place.day_of(value)


def fill(kind: Kind, values: dict[str, Any], ask: bool, facts: Facts) -> None:
    names = table.asked(kind)
    if not ask:
        missing = [n for n in names if n not in values and field_of(kind, n).required]
        if missing:
            raise InputError(
                "缺少必填字段: " + "、".join(f"{label(n)}({n})" for n in missing),
                hint="用 --set 给出它们,例如 "
                + " ".join(f"--set {n}=…" for n in missing)
                + ";在终端中运行时会逐项询问。",
            )
        return
    click.echo(
        f"新建一条{record_name(kind.name)};必填项不能为空,可不填的项直接回车跳过。", err=True
    )
    for name in names:
        if name in values:
            continue
        if kind.name == "calendar" and name == "day":
            _ask_days(values)
            continue
        if name == "review" and kind.name == "post":
            reviews = _ask_reviews(facts.root, values)
            if reviews:
                values["review"] = reviews
            continue
        f = field_of(kind, name)

        def validate(value: Any, name: str = name) -> None:
            facts.check(name, value, values)

        value = ask_field(f, validate)
        if value is not None:
            values[name] = value


# ---------------------------------------------------------------- the record


def assemble(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """The record's data in schema order, dotted names as tables."""
    props, _ = table.properties(kind)
    data: dict[str, Any] = {"type": kind.variant} if kind.variant else {}
    for top in props:
        if top in values:
            data[top] = values[top]
        subs = {n.split(".", 1)[1]: v for n, v in values.items() if n.startswith(f"{top}.")}
        if subs:
            data[top] = {k: subs[k] for k in props[top].get("properties", {}) if k in subs}
    return data


def _relative(root: Path, target: str) -> str:
    full = Path(target) if Path(target).is_absolute() else Path.cwd() / target
    try:
        return full.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise InputError(
            f"--path {target} 不在记录仓库 {root} 之内", hint="写到仓库的 records/ 目录下。"
        ) from None


def _target(root: Path, kind: Kind, values: dict[str, Any], target: str | None) -> str:
    from engine import records

    standard = place.standard_path(kind, values)
    if target is None:
        return place.free_name(root, standard) if kind.numbered else standard
    rel = _relative(root, target)
    located = records.kind_of(rel) if rel.endswith(".toml") else None
    if kind.mode != "file" or located is None or located[0] != kind.record:
        raise InputError(
            f"--path {target} 不是存放{record_name(kind.name)}的位置",
            hint="按 docs/records.md 的目录结构选择路径,或去掉 --path 使用标准位置。",
        )
    for key in kind.location:
        if located[1].get(key, values[key]) != values[key]:
            raise InputError(
                f"--set {key}={values[key]} 与 --path 中的「{located[1][key]}」不一致",
                hint=f"去掉 --set {key},或改正 --path。",
            )
    return rel


def _location_from_path(root: Path, kind: Kind, values: dict[str, Any], target: str | None) -> None:
    from engine import records

    if target is None or not target.endswith(".toml"):
        return
    located = records.kind_of(_relative(root, target))
    if located is None:
        return
    for key in kind.location:
        from_path = located[1].get("unit" if kind.name == "unit" and key == "id" else key)
        if kind.name == "account" and key == "id":
            from_path = located[1].get("account")
        if from_path is not None:
            values.setdefault(key, from_path)


def _cross_check_given(kind: Kind, values: dict[str, Any], facts: Facts, pairs: list[str]) -> None:
    typed = {n.strip(): raw for n, _, raw in (p.partition("=") for p in pairs)}
    for name, value in values.items():
        try:
            facts.check(name, value, values)
        except BadValue as exc:
            raw = typed.get(name, shown(field_of(kind, name), value))
            raise _set_error(kind, name, raw, exc.reason, exc.hint) from None


def _which_kind() -> str:
    """The KIND, asked for with numbered Chinese choices when it was not given."""
    names = list(table.KINDS)
    if not interactive():
        raise InputError(
            "缺少要新建的记录种类",
            hint="写成 govmedia new 种类,种类可以是: "
            + "、".join(f"{k}({TITLE[k]})" for k in names)
            + "。",
        )
    f = Field("kind", {"enum": names}, True, TITLE, False, False, "要新建哪种记录")
    return str(ask_field(f, lambda v: None))


def run(repo_root: Path, kind_name: str | None, pairs: list[str], target: str | None) -> int:
    try:
        kind = table.get(kind_name if kind_name is not None else _which_kind())
    except Cancelled as stop:
        click.echo(f"\n{CANCELLED}", err=True)
        return EXIT_CANCELLED_INTERRUPT if stop.interrupt else EXIT_CANCELLED_EOF
    values = parse_pairs(kind, pairs)
    _location_from_path(repo_root, kind, values, target)
    facts = Facts(repo_root, kind)
    _cross_check_given(kind, values, facts, pairs)
    try:
        fill(kind, values, interactive(), facts)
    except Cancelled as stop:
        click.echo(f"\n{CANCELLED}", err=True)
        return EXIT_CANCELLED_INTERRUPT if stop.interrupt else EXIT_CANCELLED_EOF
    try:
        return _finish(repo_root, kind, values, target)
    except InputError:
        if interactive():  # what was typed is not lost: the same record as one command
            click.echo("你输入的内容(改正后可直接运行):\n  " + as_command(kind, values), err=True)
        raise


def as_command(kind: Kind, values: dict[str, Any]) -> str:
    """``govmedia new KIND --set …`` that gives the same values."""
    import shlex

    parts = ["govmedia", "new", kind.name]
    for name, value in values.items():
        text = place.value_text(value) if isinstance(value, list) else shown_raw(value)
        parts += ["--set", f"{name}={text}"]
    return shlex.join(parts)


def shown_raw(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _finish(repo_root: Path, kind: Kind, values: dict[str, Any], target: str | None) -> int:
    data = assemble(kind, values)
    rel = _target(repo_root, kind, values, target)
    try:
        line = _write(repo_root, kind, rel, values, data)
    except InputErrors as exc:
        raise InputErrors(
            [
                InputError(
                    f"新{record_name(kind.name)}未写入: {e.message}",
                    hint="改正对应的值;字段定义见 docs/records.md。",
                )
                for e in exc.errors
            ]
        ) from None
    click.echo(f"已写入 {rel}" + (f"(第 {line} 行起)" if line > 1 else ""))
    return 0


def _write(root: Path, kind: Kind, rel: str, values: dict[str, Any], data: dict[str, Any]) -> int:
    if kind.mode == "append":
        return place.append(root, kind, rel, data)
    if kind.mode == "answer":
        answer = {k: v for k, v in data.items() if k != "received"}
        return place.add_answer(root, kind, rel, values["received"], answer)
    place.find_duplicate_file(root, kind, rel, data)
    place.write_new(root, kind, rel, data)
    return 1
