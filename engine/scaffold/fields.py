"""One field of a new record: what it is called, how a typed answer becomes its value,
and whether that value is valid by the field's JSON schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import rtoml

from engine import labels, records
from engine.scaffold import table
from engine.scaffold.table import Kind

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ID_PROP: dict[str, Any] = {"type": "string", "pattern": ID.pattern}


class BadValue(Exception):
    """An answer or --set value that is not valid for its field (reason and hint in Chinese)."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


@dataclass(frozen=True)
class Field:
    name: str  # dotted for a field of a table (contact.name)
    prop: dict[str, Any]
    required: bool
    choices: Mapping[Any, str] | None
    strict: bool  # only the labelled ids are allowed (the schema alone is wider)
    location: bool
    title: str = ""  # the Chinese name, when the kind names the field its own way

    @property
    def label(self) -> str:
        return self.title or label(self.name)

    @property
    def enum(self) -> list[Any] | None:
        if "enum" in self.prop:
            return list(self.prop["enum"])
        items = self.prop.get("items", {})
        if self.prop.get("type") == "array" and "enum" in items:
            return list(items["enum"])
        if self.strict and self.choices is not None:
            return list(self.choices)
        return None


def label(name: str) -> str:
    return labels.field_prompt(name)


def field_of(kind: Kind, name: str) -> Field:
    props, required = table.properties(kind)
    if name in kind.location:
        return Field(
            name,
            _ID_PROP,
            True,
            None,
            False,
            True,
            labels.FIELD_PROMPT.get(f"{kind.name}.{name}", ""),
        )
    top, _, sub = name.partition(".")
    prop = props[top]
    if sub:
        prop = prop["properties"][sub]
    return Field(
        name,
        prop,
        top in required and not sub,
        table.choices(kind, name),
        name in kind.strict,
        False,
    )


def known(kind: Kind, name: str) -> bool:
    props, _ = table.properties(kind)
    top, _, sub = name.partition(".")
    if name in kind.location:
        return True
    if top not in props:
        return False
    return not sub or sub in props[top].get("properties", {})


# ---------------------------------------------------------------- parsing


def _choice(f: Field, raw: str) -> Any:
    """A choice given by its number, its Chinese label or its id."""
    options = f.enum or []
    text = raw.strip()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    names = f.choices or {}
    for option in options:
        if text == str(option) or text == names.get(option, labels.VALUE.get(str(option))):
            return option
    shown = "、".join(
        f"{i} {names.get(o, labels.VALUE.get(str(o), o))}" for i, o in enumerate(options, 1)
    )
    raise BadValue("不是可选的值", f"输入编号、名称或 id,可选: {shown}。")


def parse(f: Field, raw: str) -> Any:
    """A typed string as the value the field's schema wants."""
    prop = f.prop
    kind = prop.get("type")
    text = raw.strip()
    if kind in ("array", "object") and text[:1] in ("[", "{"):
        try:
            return rtoml.loads(f"v = {text}")["v"]
        except Exception:
            raise BadValue(
                "不是合法的 TOML 值",
                "数组写成 [1, 2] 或 [{level = 1, at = 2024-03-05T09:00:00}],表写成 {a = 1}。",
            ) from None
    if kind == "array":
        parts = [p for p in re.split(r"[,,、\s]+", text) if p]
        items = prop.get("items", {})
        sub = Field(f.name, items, True, f.choices, f.strict, False)
        return [parse(sub, p) for p in parts]
    if f.enum is not None:
        return _choice(f, text)
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "y", "1", "是"):
            return True
        if lowered in ("false", "no", "n", "0", "否"):
            return False
        raise BadValue("应为「是」或「否」", "输入 是 或 否(也可写 true、false)。")
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise BadValue("应为整数", "写成 2024 这样的整数。") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise BadValue("应为数字", "写成 12000 这样的数字。") from None
        return int(number) if number.is_integer() else number
    if prop.get("format") == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise BadValue(
                "不是日历上存在的日期", "日期写成 YYYY-MM-DD,例如 2024-03-05。"
            ) from None
    if prop.get("format") == "datetime-cn":
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise BadValue(
                "不是有效的日期时间", "写成 YYYY-MM-DD HH:MM(北京时间),例如 2024-03-05 10:00。"
            ) from None
    return raw if kind != "string" else raw.strip()


def check(f: Field, value: Any) -> None:
    """The value against the field's schema (pattern, length, enum, date format)."""
    import jsonschema

    prop = f.prop
    normalised = records.normalise(value)
    validator = jsonschema.validators.validator_for(prop)(
        prop, format_checker=records.format_checker()
    )
    errors = list(validator.iter_errors(normalised))
    if errors:
        e = errors[0]
        if e.validator == "pattern" and (f.location or prop.get("pattern") == ID.pattern):
            raise BadValue(
                "写法不对:id 只能用小写字母、数字和连字符,且以字母或数字开头",
                "例如 wx-alatan。",
            )
        if e.validator == "uniqueItems":
            raise BadValue("有重复的项", "每项只写一次。")
        raise BadValue(records.schema_message(e).removeprefix("(文件顶层) "), "")
    if f.strict and f.choices is not None and value not in f.choices:
        raise BadValue(
            "不是可选的值", "可选: " + "、".join(f"{k}({v})" for k, v in f.choices.items())
        )


def shown(f: Field, value: Any) -> str:
    """A value as a clerk reads it (the Chinese label of an id)."""
    names = f.choices or {}
    if isinstance(value, bool):
        return labels.YES_NO[value]
    if isinstance(value, list):
        return "、".join(shown(f, v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(names.get(value, labels.VALUE.get(str(value), value)))
