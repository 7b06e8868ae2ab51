"""Records: TOML files parsed, checked against their JSON Schema, with positions.

The kind of a record follows from where it lives under ``records/`` (see
docs/records.md). Dates and date-times are normalised to zero-padded strings
before validation; values the schema marks ``private`` are listed per kind so
that public outputs can leave them out.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import rtoml

from engine.bounded import BoundedDict
from engine.errors import InputError, InputErrors
from engine.labels import field_path_zh, value_zh
from engine.lines import KeyPath, LineIndex
from engine.timeutil import CHINA_TZ, iso_local, parse_datetime

if TYPE_CHECKING:  # imported when first needed: it takes longer to import than a hook may
    from importlib.resources.abc import Traversable

    import jsonschema


@dataclass(frozen=True)
class RecordKind:
    """One kind of record file: where it lives, its schema, where the banner keeps it.

    ``path`` is relative to ``records/``; ``<unit>`` and ``<account>`` stand for an id
    (``[a-z0-9][a-z0-9-]*``), ``<month>`` for ``YYYY-MM``, ``*`` for any file name. The
    schema is ``engine/schemas/<name>.schema.json``. ``holder`` says where
    ``engine.banner.build`` puts a record of this kind (``engine.banner.HOLDERS``):
    a kind the banner has no dedicated place for uses ``"extra"``
    (``Banner.extra[kind]``); ``"none"`` is for the authority registry, read by
    engine/authority.py and not part of the banner.
    """

    name: str
    path: str
    holder: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.path)

    @property
    def where(self) -> str:
        """The path as a clerk reads it in a hint: accounts/<账号>/posts/YYYY-MM.toml."""
        return (
            self.path.replace("<unit>", "<单位>")
            .replace("<account>", "<账号>")
            .replace("<month>", "YYYY-MM")
        )


# The one table of record kinds: the layout, the schemas, the hints and the banner's
# dispatch are all derived from it. Paths are matched in this order.
RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind("unit", "units/<unit>/unit.toml", "unit"),
    RecordKind("account", "accounts/<account>/account.toml", "account"),
    RecordKind("event", "accounts/<account>/events/*.toml", "account.events"),
    RecordKind("posts", "accounts/<account>/posts/<month>.toml", "account.posts"),
    RecordKind("messages", "accounts/<account>/messages/<month>.toml", "account.messages"),
    RecordKind("evidence", "units/<unit>/evidence/*.toml", "unit.evidence"),
    RecordKind("supervision", "supervision/*.toml", "supervision"),
    RecordKind("calendar", "calendar/*.toml", "calendars"),
    RecordKind("waiver", "waivers/*.toml", "waivers"),
    RecordKind("acknowledgement", "acknowledgements/*.toml", "acknowledgements"),
    RecordKind("authority", "authority.toml", "none"),
)

_PLACEHOLDERS = {
    "<unit>": r"(?P<unit>[a-z0-9][a-z0-9-]*)",
    "<account>": r"(?P<account>[a-z0-9][a-z0-9-]*)",
    "<month>": r"(?P<month>\d{4}-\d{2})",
    "*": r"[^/]+",
}


@cache
def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(<unit>|<account>|<month>|\*)", path)
    body = "".join(_PLACEHOLDERS.get(part) or re.escape(part) for part in parts)
    return re.compile(rf"^records/{body}$")


def record_kind(name: str) -> RecordKind:
    """The table's entry for a kind; an unknown kind is a bug, never silently passed over."""
    for kind in RECORD_KINDS:
        if kind.name == name:
            return kind
    raise KeyError(f"unknown record kind {name!r}: add it to RECORD_KINDS in engine/records.py")


def directory(kind: str) -> str:
    """The folder that holds a kind's records, as a path prefix (``records/supervision/``,
    ``records/accounts/`` for every kind kept in an account's folder)."""
    fixed = re.split(r"<|\*", record_kind(kind).path, maxsplit=1)[0]
    return f"records/{fixed.rsplit('/', 1)[0]}/" if "/" in fixed else "records/"


def kinds() -> tuple[str, ...]:
    return tuple(k.name for k in RECORD_KINDS)


KINDS = kinds()


# Paths already located: a hook locates every path of two snapshots, twice each.
_LOCATED: BoundedDict[str, tuple[str, dict[str, str]]] = BoundedDict(100_000)


def kind_of(path: str) -> tuple[str, dict[str, str]] | None:
    """The record kind of a path and the ids its location names; None for non-records."""
    known = _LOCATED.get(path)
    if known is not None:
        return known[0], dict(known[1])
    if not path.endswith(".toml"):
        return None
    for kind in RECORD_KINDS:
        m = kind.pattern.match(path)
        if m:
            _LOCATED[path] = (kind.name, m.groupdict())
            return kind.name, m.groupdict()
    raise InputError(
        "这个 TOML 文件不在任何记录位置上",
        path=path,
        hint="按 docs/records.md 的目录结构存放:"
        + "、".join(k.where for k in RECORD_KINDS)
        + "(路径相对于 records/)。",
    )


@dataclass(eq=False)
class Record:
    """One parsed, validated record file."""

    kind: str
    path: str
    blob: str
    data: dict[str, Any]
    ids: dict[str, str]
    _source: Callable[[], bytes] = field(repr=False)
    _index: LineIndex | None = field(default=None, repr=False)

    def line(self, *keys: str | int) -> int:
        if self._index is None:
            self._index = LineIndex(self._source())  # decoded when needed
        return self._index.line(tuple(keys))


# ---------------------------------------------------------------- schemas


# engine/schemas/: <kind>.schema.json for every record kind, and policy.schema.json.
# A folder beside this module, as engine/cache.py digests it (importlib.resources would
# cost a hook milliseconds of imports).
SCHEMAS: Traversable = Path(__file__).resolve().parent / "schemas"


@cache
def schema(kind: str) -> dict[str, Any]:
    text = SCHEMAS.joinpath(f"{kind}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _check_datetime(value: object) -> bool:
    if isinstance(value, str):
        parse_datetime(value)
    return True


@cache
def _format_checker() -> jsonschema.FormatChecker:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=("date",))
    checker.checks("datetime-cn", raises=ValueError)(_check_datetime)
    return checker


_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(value: object) -> bool:
    """jsonschema's "date" check (jsonschema/_format.py ``is_date``), without importing it."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_RE_DATE.fullmatch(value) and date.fromisoformat(value))
    except ValueError:
        return False


def _is_datetime_cn(value: object) -> bool:
    try:
        plain = type(value) is str and len(value) == 19 and value[10] == "T" and " " not in value
        # A plain local time: what parse_datetime does with it, minus its own overhead.
        if plain and datetime.fromisoformat(value).tzinfo is None:  # type: ignore[arg-type]
            return True
        return _check_datetime(value)
    except ValueError:
        return False


# Dates and date-times as records hold them once parsed (``_normalise``), with days that
# exist: a strict part of what the "date" and "datetime-cn" formats accept (years 1900 to
# 2099, 29 February only in leap years). ECMA-262 syntax (the fast validator's).
_MONTH_DAY = (
    r"(?:(?:19|20)\d\d-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    r"|20(?:[02468][048]|[13579][26])-02-29)"
)
_STRICT_FORMATS = {
    "date": rf"^{_MONTH_DAY}$",
    "datetime-cn": rf"^{_MONTH_DAY}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$",
}


def _strict_formats(node: Any) -> Any:
    """A copy of a schema whose "date" and "datetime-cn" formats are patterns of
    ``_STRICT_FORMATS``: checked by the compiled validator itself, not by calling
    Python for every value."""
    if isinstance(node, list):
        return [_strict_formats(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _strict_formats(value) for key, value in node.items()}
    wanted = _STRICT_FORMATS.get(out["format"]) if isinstance(out.get("format"), str) else None
    if wanted is not None:
        del out["format"]
        out["allOf"] = [*out.get("allOf", []), {"pattern": wanted}]
    return out


@cache
def _fast_validator(kind: str) -> Any:
    """A compiled validator that only answers "valid or not", ~15x faster than jsonschema.

    Its regular expressions are ECMA-262 (``\\d`` is ASCII, ``$`` is the very end), and
    dates and date-times must be plain and lie between 1900 and 2099
    (``_STRICT_FORMATS``, every one of which the format functions of ``_validator``
    accept), so it may reject what jsonschema accepts, never the reverse: a record it
    rejects goes through jsonschema, which decides and words the errors.
    """
    return jsonschema_rs.validator_for(
        _strict_formats(schema(kind)),
        validate_formats=True,
        formats={"date": _is_date, "datetime-cn": _is_datetime_cn},
    )


@cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    import jsonschema

    base = jsonschema.validators.validator_for(schema(kind))
    base.check_schema(schema(kind))
    # Integers are integers (``level = 1.0`` is not 1), numbers are finite (``1.0e400``
    # reads as infinity): stricter than JSON Schema's own types.
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _c, v: isinstance(v, int) and not isinstance(v, bool)
    ).redefine(
        "number",
        lambda _c, v: (
            not isinstance(v, bool)
            and (isinstance(v, int) or (isinstance(v, float) and math.isfinite(v)))
        ),
    )
    cls = jsonschema.validators.extend(base, type_checker=checker)
    return cls(schema(kind), format_checker=_format_checker())


def has_float(node: Any) -> bool:
    """Whether a parsed record holds a float anywhere (then jsonschema, strict, decides)."""
    stack = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float:
            return True
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return False


@cache
def private_fields(kind: str) -> frozenset[str]:
    """Dotted property paths the schema marks private (``contact``, ``post.review.reviewer``)."""
    found: set[str] = set()

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            if node.get("private") and prefix:
                found.add(prefix)
            for name, sub in node.get("properties", {}).items():
                walk(sub, f"{prefix}.{name}" if prefix else name)
            if "items" in node:
                walk(node["items"], prefix)
            for key in ("allOf", "anyOf", "oneOf"):
                for sub in node.get(key, []):
                    walk(sub, prefix)
            for key in ("then", "else"):
                if key in node:
                    walk(node[key], prefix)

    walk(schema(kind), "")
    return frozenset(found)


def private_values(kind: str, data: Any) -> set[str]:
    """Every value the schema marks private in a record's data (names, contacts, phones),
    as text: what the site and ``govmedia explain`` must never echo."""
    private = private_fields(kind)
    found: set[str] = set()

    def walk(node: Any, names: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*names, str(key)))
        elif isinstance(node, list):
            for item in node:
                walk(item, names)
        elif any(".".join(names[: i + 1]) in private for i in range(len(names))) and str(node):
            found.add(str(node))

    walk(data, ())
    return found


# ---------------------------------------------------------------- parsing


_PLAIN = frozenset((str, int, bool, float))


def _normalise(value: Any) -> Any:
    # The parser's fresh dicts and lists are changed in place: twice as fast as copying.
    kind = type(value)
    if kind is dict:
        for k, v in value.items():
            if type(v) not in _PLAIN:
                value[k] = _normalise(v)
        return value
    if kind is list:
        for i, v in enumerate(value):
            if type(v) not in _PLAIN:
                value[i] = _normalise(v)
        return value
    if kind in _PLAIN:
        return value
    if kind is datetime:
        local = value if value.tzinfo is None else value.astimezone(CHINA_TZ)
        if local.year >= 1000:  # the text of strftime("%Y-%m-%dT%H:%M:%S"), faster
            return local.isoformat(timespec="seconds")[:19]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return iso_local(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return value


_LEAVES = frozenset((str, int, bool))


def _normalise_tree(root: dict[str, Any]) -> bool | None:
    """``_normalise(root)`` for the parser's fresh tree (changed in place), in one walk
    that also tells whether it holds a float (``has_float``); None when it met a value
    of a type the parser does not make (then ``has_float`` decides).

    The tables of an array (a file's ``[[post]]``) are looked into as soon as the array
    is met, not put on the stack one by one: most of a record is such tables."""
    floats: bool | None = False
    stack: list[Any] = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if type(node) is dict:
            tables = [node]
        else:
            tables = []
            for i, v in enumerate(node):
                kind = type(v)
                if kind is dict:
                    tables.append(v)
                elif kind in _LEAVES:
                    continue
                elif kind is list:
                    push(v)
                elif kind is float:
                    floats = floats if floats is None else True
                else:
                    node[i] = _normalise(v)
                    if kind is not datetime and kind is not date and kind is not time:
                        floats = None
        for table in tables:
            for k, v in table.items():
                kind = type(v)
                if kind in _LEAVES:
                    continue
                if kind is dict or kind is list:
                    push(v)
                elif kind is float:
                    floats = floats if floats is None else True
                elif kind is datetime and v.tzinfo is None and v.year >= 1000:
                    # As ``_normalise``: isoformat() differs from isoformat(timespec="seconds")
                    # only by the microseconds after the 19th character; it is quicker.
                    table[k] = v.isoformat()[:19]
                else:
                    table[k] = _normalise(v)
                    if kind is not datetime and kind is not date and kind is not time:
                        floats = None
    return floats


_SIMPLE = frozenset((str, int, bool))
_SIMPLE_OR_NONE = frozenset((str, int, bool, type(None)))


def _normalise_posts(root: dict[str, Any]) -> bool | None:
    """``_normalise_tree(root)``, quicker for a post file's usual shape: one ``post``
    array of tables, each holding text, integers, booleans, its publication time, a
    ``review`` array of such tables with their review times, and maybe a table or array
    of plain values (a repost, concerned units). Only those times are converted (as
    ``_normalise_tree`` does), and the types of the other values are checked a table at
    a time (``set(map(type, ...))``), not one by one. Anything else (a date, an offset,
    a float, deeper nesting, another key at the top) hands the whole tree to
    ``_normalise_tree``, which leaves what is converted already as it is."""
    posts = root.get("post")
    if len(root) != 1 or type(posts) is not list:
        return _normalise_tree(root)
    simple = _SIMPLE
    for post in posts:
        if type(post) is not dict:
            return _normalise_tree(root)
        when = post.get("published")
        if type(when) is datetime and when.tzinfo is None and when.year >= 1000:
            post["published"] = when.isoformat()[:19]
        reviews = post.get("review")
        if reviews is None:
            usual = simple.issuperset(map(type, post.values()))
        elif type(reviews) is list:
            for review in reviews:
                if type(review) is not dict:
                    return _normalise_tree(root)
                when = review.get("at")
                if type(when) is datetime and when.tzinfo is None and when.year >= 1000:
                    review["at"] = when.isoformat()[:19]
                if not simple.issuperset(map(type, review.values())):
                    return _normalise_tree(root)
            # The post's other values checked with the reviews out of the way (no TOML
            # value is None), then put back where they were (the keys keep their order).
            post["review"] = None
            usual = _SIMPLE_OR_NONE.issuperset(map(type, post.values()))
            post["review"] = reviews
        else:
            return _normalise_tree(root)
        if not usual and not _flat_values(post, reviews):
            return _normalise_tree(root)
    return False


def _flat_values(post: dict[str, Any], reviews: object) -> bool:
    """Whether every value of ``post`` but ``reviews`` is text, an integer, a boolean, or
    a table or array of those (nothing ``_normalise_tree`` would convert or flag)."""
    for value in post.values():
        kind = type(value)
        if kind in _SIMPLE or value is reviews:
            continue
        if kind is dict:
            inner: Any = value.values()
        elif kind is list:
            inner = value
        else:
            return False
        if not _SIMPLE.issuperset(map(type, inner)):
            return False
    return True


_BOM = "\ufeff"
_TOO_DEEP = "嵌套层次太深(数组或表套了太多层)"


def parse_toml(path: str, data: bytes) -> dict[str, Any]:
    return _parse(path, data)[0]


def _parse(path: str, data: bytes) -> tuple[dict[str, Any], bool | None]:
    """``parse_toml``, and whether the data holds a float (None: not known, ask
    ``has_float``), learnt on the way for ``validate``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            "文件不是 UTF-8 编码", path=path, line=line, hint="用 UTF-8 编码另存此文件。"
        ) from exc
    # A byte order mark (Windows Notepad writes one) is accepted: it is not part of
    # the TOML and takes no line, so line numbers stay right (LineIndex drops it too).
    text = text.removeprefix(_BOM)
    try:
        parsed: dict[str, Any] = rtoml.loads(text)
    except Exception as rtoml_error:
        reason = str(rtoml_error)
        if "recurs" in reason:
            # rtoml stops at a fixed depth; tomllib would recurse until Python's limit.
            m = re.search(r"at line (\d+)", reason)
            raise InputError(
                f"TOML 格式错误: {_TOO_DEEP}",
                path=path,
                line=int(m.group(1)) if m else _deepest_line(text),
                hint="记录最多只需几层嵌套(如 [[post]] 下的 [[post.review]]);"
                "检查是否多写或漏写了方括号、花括号。",
            ) from None
        # rtoml is fast; tomllib gives the position in a stable form (imported only here:
        # a hook reading valid records never needs it).
        import tomllib

        try:
            parsed = tomllib.loads(text)
        except RecursionError:
            raise InputError(
                f"TOML 格式错误: {_TOO_DEEP}",
                path=path,
                hint="检查是否多写或漏写了方括号、花括号。",
            ) from None
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            at_line = int(m.group(1)) if m else None
            what = re.sub(r"\s*\(at line.*\)$", "", str(exc))
            raise InputError(
                f"TOML 格式错误: {_toml_reason(what)}",
                path=path,
                line=at_line,
                hint="检查这一行的引号、括号、等号和日期写法(日期形如 2024-03-05,须是日历上存在的日期)。",
            ) from exc
    floats = _normalise_posts(parsed)
    # nan and inf are floats: a tree without one (``floats`` False) holds neither. Else a
    # cheap test first: nan/inf are rare words (but "information" has one).
    if floats is not False and (b"nan" in data or b"inf" in data):
        _refuse_non_finite(path, text, parsed)
    return parsed, floats


def _deepest_line(text: str) -> int:
    """The line with the most nesting characters: where a too deep value most likely is."""
    lines = text.splitlines() or [""]
    counts = [sum(line.count(c) for c in "[{.") for line in lines]
    return counts.index(max(counts)) + 1


def _non_finite(value: Any, keys: KeyPath) -> Iterator[tuple[KeyPath, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield keys, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _non_finite(v, (*keys, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _non_finite(v, (*keys, i))


def _refuse_non_finite(path: str, text: str, data: dict[str, Any]) -> None:
    """TOML allows nan and inf floats; no record field means them, and they break comparisons."""
    found = list(_non_finite(data, ()))
    if not found:
        return
    index = LineIndex(text)
    raise InputErrors(
        [
            InputError(
                f"{'.'.join(map(str, keys))} 的值 {value} 不是一个有限的数(TOML 的 nan、inf 不能用于记录)",
                path=path,
                line=index.line(keys),
                hint="写成普通数字,例如 48000 或 12.5;不知道的值就删去这个字段。",
            )
            for keys, value in found
        ]
    )


_TOML_REASONS = {
    "Invalid date or datetime": "日期或时间无效(不存在的日期,或写法不对)",
    "Invalid value": "值无效(字符串要加引号)",
    "Cannot overwrite a value": "同一个键写了两次",
    "Expected '=' after a key in a key/value pair": "键后面缺少等号",
    "Unclosed array": "数组缺少右方括号",
    "Illegal character in string": "字符串中有非法字符",
}


def _toml_reason(message: str) -> str:
    for en, zh in _TOML_REASONS.items():
        if message.startswith(en):
            return zh
    return message


def _error_path(error: jsonschema.ValidationError) -> KeyPath:
    path: list[str | int] = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = set(error.instance) - set(error.schema.get("properties", {}))
        if extra:
            path.append(sorted(extra)[0])
    if error.validator == "required":
        return tuple(path)
    return tuple(path)


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = field_path_zh(list(error.absolute_path))
    v = error.validator
    if v == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        named = "、".join(field_path_zh([m]) for m in missing)
        return f"{where}缺少必填字段 {named or error.message}"
    if v == "dependentRequired":
        found = re.findall(r"'([^']+)'", error.message)
        if len(found) == 2:
            return f"{where}写了{field_path_zh([found[1]])},就必须同时写{field_path_zh([found[0]])}"
    if v == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        return f"{where}中有不认识的字段 {'、'.join(extra)}(可能拼写错了)"
    if v == "enum":
        allowed = "、".join(value_zh(x) for x in error.validator_value)
        return f"{where}的值「{error.instance}」不在允许的取值中,可选: {allowed}"
    if v == "type":
        names = {
            "string": "字符串",
            "integer": "整数",
            "number": "数字",
            "boolean": "true/false",
            "array": "数组",
            "object": "表",
        }
        want = names.get(str(error.validator_value), str(error.validator_value))
        return f"{where}应为{want},实际是「{error.instance}」"
    if v == "format":
        return f"{where}的值「{error.instance}」不是日历上存在的日期或时间"
    if v == "pattern" and error.validator_value == "\\S":
        return f"{where}不能为空白"
    if (
        v == "pattern"
        and list(error.absolute_path)[-1:] == ["at"]
        and _RE_DATE.match(str(error.instance))
    ):
        return (
            f"{where}只有日期 {error.instance} 没有时刻;审核时间要写到分钟,"
            f"只知道日期时改写为 day = {error.instance}(不要补 00:00)"
        )
    if _needs_time(error):
        return (
            f"{where} 只有日期 {error.instance} 没有时刻:只写日期会被当作当天零点,"
            "同一天的审核和发布就分不出先后,无法判断是否先审后发"
        )
    if v == "pattern":
        return f"{where}的值「{error.instance}」写法不对"
    if v == "oneOf" and error.schema.get("oneOf") == [{"required": ["at"]}, {"required": ["day"]}]:
        return f"{where}须有审核时间(at)或只知日期时的审核日期(day),二者有且只有一个"
    if v in ("minLength",):
        return f"{where}不能为空"
    return f"{where}: {error.message}"


def _needs_time(error: jsonschema.ValidationError) -> bool:
    """A bare date where a post's publication time is wanted (art 14: 先审后发)."""
    return (
        error.validator == "pattern"
        and list(error.absolute_path)[-1:] == ["published"]
        and bool(_RE_DATE.match(str(error.instance)))
    )


def _schema_hint(error: jsonschema.ValidationError, kind: str) -> str:
    title = schema(kind).get("title", kind)
    if error.validator == "required" and "'sectors'" in error.message:
        return (
            "旗直部门须写明职能所属领域(第十条据此判断是否应当开设政务新媒体):"
            'sectors = ["economy"]、["livelihood"]、["social-management"] 中的一项或几项,'
            '都不涉及的写 sectors = ["other"]。'
        )
    if _needs_time(error):
        return (
            "写成实际的北京时间,至少到分钟,例如 2021-01-05T09:30:00 或 2021-01-05 09:30;"
            f"不知道时刻的,按平台后台的发布记录查实后再写。格式见 docs/records.md 中「{title}」。"
        )
    return (
        f"对照 docs/records.md 中「{title}」的示例修改;"
        f"完整定义见 engine/schemas/{kind}.schema.json。"
    )


# Public names for the helpers ``govmedia new`` uses to check one field at a time.
def normalise(value: Any) -> Any:
    """A copy of a value as records hold it once parsed (dates as zero-padded strings)."""
    return _normalise(copy.deepcopy(value))


def format_checker() -> jsonschema.FormatChecker:
    return _format_checker()


def schema_message(error: jsonschema.ValidationError) -> str:
    return _schema_message(error)


def surely_valid(kind: str, data: Any, floats: bool | None = None) -> bool:
    """True if ``data`` is valid by the schema; False means "ask jsonschema".

    Data holding a float always goes to jsonschema, whose types are stricter here
    (``_validator``: integers are integers, numbers are finite). ``floats``: whether it
    holds one, when the caller knows (None: look)."""
    if has_float(data) if floats is None else floats:
        return False
    try:
        return bool(_fast_validator(kind).is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False  # a value the fast validator cannot take: jsonschema decides


def validate(
    kind: str,
    path: str,
    data: dict[str, Any],
    line_of: Callable[[KeyPath], int],
    floats: bool | None = None,
) -> None:
    if surely_valid(kind, data, floats):
        return
    errors = sorted(
        _validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
    )
    if errors:
        raise InputErrors(
            [
                InputError(
                    f"不符合{schema(kind).get('title', kind)}的格式: {_schema_message(e)}",
                    path=path,
                    line=line_of(_error_path(e)),
                    hint=_schema_hint(e, kind),
                )
                for e in errors
            ]
        )


def load_record(path: str, blob: str, source: Callable[[], bytes]) -> Record | None:
    located = kind_of(path)
    if located is None:
        return None
    kind, ids = located
    data, floats = _parse(path, source())
    record = Record(kind, path, blob, data, ids, source)
    validate(kind, path, data, lambda keys: record.line(*keys), floats)
    return record


def load_many(items: Iterator[tuple[str, str, Callable[[], bytes]]]) -> list[Record]:
    """Load every record, collecting all input errors before raising them together."""
    records: list[Record] = []
    errors: list[InputError] = []
    for path, blob, source in items:
        try:
            record = load_record(path, blob, source)
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        except InputError as exc:
            errors.append(exc)
            continue
        if record is not None:
            records.append(record)
    if errors:
        raise InputErrors(errors)
    return records
