"""The contract between the rulebook and the facts, checked when the policy is loaded.

Every check names a fact kind (``fact``) and a condition (``when``) over that kind's
fields, with ``"$name"`` references to the version's parameters. durable_rules never
matches a field a fact does not have, so a misspelt kind or field would make a check
that silently never fires. Loading the policy therefore checks, against the
declarations of engine/facts/ (``declare``):

* the kind exists;
* every field the condition names (in comparisons, ``$and``/``$or``, ``$in``/``$nin``,
  ``{"$m" = "other_field"}``) is declared for that kind;
* every operator is one the condition language has;
* every ``"$name"`` is a parameter of the version (``$key``/``$value`` with ``each``);
* a compared value has the field's type (durable_rules holds ``"0" < 1`` and
  ``0 == false``, so a mismatch would judge wrongly without an error).

Each problem is an input error (exit 2) at ``policy/art-NN.toml:line`` that lists the
known names and suggests the nearest one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from engine.errors import InputError, InputErrors
from engine.facts import FactKind, declared_in, fact_kinds
from engine.lines import KeyPath, LineIndex

LOGICAL = ("$and", "$or")
MEMBERSHIP = ("$in", "$nin")  # macros of engine/policy.py
COMPARISONS = ("$neq", "$lt", "$lte", "$gt", "$gte", "$mt", "$imt", "$ex", "$nex")
OPERATORS = (*LOGICAL, *MEMBERSHIP, *COMPARISONS)
_TYPE_ZH = {"str": "字符串", "int": "整数", "float": "数", "bool": "true/false"}


def nearest(name: str, known: list[str]) -> str:
    """「是不是 X?」for the closest known name, or "" when none is close."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"是不是「{close[0]}」?" if close else ""


def _param_ref(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("$") and not value.startswith("$$"):
        return value[1:]
    return None


def _type_zh(value: Any) -> str:
    return _TYPE_ZH.get(type(value).__name__, type(value).__name__)


def _fits(want: type, value: Any) -> bool:
    if want is float:
        return type(value) in (int, float)
    return type(value) is want


class _Checker:
    def __init__(
        self,
        check: Mapping[str, Any],
        scopes: list[dict[str, Any]],
        rel: str,
        index: LineIndex,
        at: KeyPath,
    ) -> None:
        self.check = check
        self.id = str(check.get("id", "?"))
        self.scopes = scopes  # one per entry of an ``each`` table, else one
        self.rel = rel
        self.index = index
        self.at = at
        self.errors: list[InputError] = []
        self.kind: FactKind | None = None

    def error(self, message: str, key: str, hint: str) -> None:
        self.errors.append(
            InputError(
                f"检查「{self.id}」{message}",
                path=self.rel,
                line=self.index.line((*self.at, key)),
                hint=hint,
            )
        )

    def run(self) -> list[InputError]:
        kinds = fact_kinds()
        fact = str(self.check.get("fact", ""))
        self.kind = kinds.get(fact)
        if self.kind is None:
            known = sorted(kinds)
            self.error(
                f"的事实类型「{fact}」不存在",
                "fact",
                f"{nearest(fact, known)}fact 只能是以下之一:{'、'.join(known)}"
                "(事实类型在 engine/facts/ 中由 declare 声明)。",
            )
        self.condition(self.check.get("when", {}))
        return self.errors

    # ------------------------------------------------------------ walking

    def condition(self, node: Any) -> None:
        if not isinstance(node, dict):
            self.error(
                f"的条件写法不对:{node!r}",
                "when",
                '条件是表,如 { has_notice = false } 或 { "$lt" = { 字段 = 值 } }。',
            )
            return
        for key, value in node.items():
            if key in LOGICAL:
                if not isinstance(value, list):
                    self.error(
                        f"的 {key} 需要一个条件数组", "when", f"写成 {key} = [ {{…}}, {{…}} ]。"
                    )
                    continue
                for item in value:
                    self.condition(item)
            elif key in MEMBERSHIP or key in COMPARISONS:
                if not isinstance(value, dict) or not value:
                    self.error(
                        f"的 {key} 需要一个「字段 = 值」表",
                        "when",
                        f'写成 {{ "{key}" = {{ 字段 = 值 }} }}。',
                    )
                    continue
                for name, operand in value.items():
                    self.comparison(key, name, operand)
            elif key.startswith("$"):
                self.error(
                    f"的条件中有不认识的运算符「{key}」",
                    "when",
                    f"{nearest(key, list(OPERATORS))}可用的运算符:{'、'.join(OPERATORS)}"
                    "(见 CONTRIBUTING.md「Conditions」)。",
                )
            else:
                self.comparison("=", key, value)

    def comparison(self, operator: str, name: str, operand: Any) -> None:
        want = self.field(name)
        if operator in ("$ex", "$nex"):
            return
        if isinstance(operand, dict):
            other = operand.get("$m") if list(operand) == ["$m"] else None
            if not isinstance(other, str):
                self.error(
                    f"中字段「{name}」的比较值写法不对:{operand!r}",
                    "when",
                    '比较值写成字面值、"$参数名",或 { "$m" = "另一字段" }。',
                )
                return
            other_type = self.field(other)
            if want is not None and other_type is not None and want is not other_type:
                self.error(
                    f"把字段「{name}」({_TYPE_ZH[want.__name__]})与字段「{other}」"
                    f"({_TYPE_ZH[other_type.__name__]})比较",
                    "when",
                    "只比较类型相同的字段。",
                )
            return
        for value in self.values(operand):
            if operator in MEMBERSHIP:
                if not isinstance(value, list):
                    self.error(
                        f"的 {operator} 需要一个列表,实际是 {value!r}",
                        "when",
                        "写成列表,或引用一个列表参数。",
                    )
                    continue
                options = value
            else:
                options = [value]
            for option in options:
                self.typed(operator, name, want, option)

    def typed(self, operator: str, name: str, want: type | None, value: Any) -> None:
        if want is None:
            return
        if operator in ("$mt", "$imt") and want is not str:
            self.error(
                f"对字段「{name}」({_TYPE_ZH[want.__name__]})用了正则匹配 {operator}",
                "when",
                "$mt 只用于字符串字段。",
            )
            return
        if not _fits(want, value):
            self.error(
                f"把字段「{name}」({_TYPE_ZH[want.__name__]})与 {value!r}({_type_zh(value)})比较",
                "when",
                f'写成{_TYPE_ZH[want.__name__]}(durable_rules 中 "0" < 1 与 0 == false 都成立,'
                "类型不同的比较会静默地判错);若引用了参数,改正参数的值。",
            )

    def field(self, name: str) -> type | None:
        if self.kind is None:
            return None
        want = self.kind.fields.get(name)
        if want is None:
            known = sorted(self.kind.fields)
            self.error(
                f"的条件中有事实「{self.kind.kind}」没有的字段「{name}」",
                "when",
                f"{nearest(name, known)}「{self.kind.kind}」的字段有:{'、'.join(known)}"
                f"(声明见 {declared_in(self.kind.kind)})。",
            )
        return want

    def values(self, operand: Any) -> Iterator[Any]:
        """The operand's value in each scope (a parameter reference resolved)."""
        ref = _param_ref(operand)
        if ref is None:
            yield operand
            return
        for scope in self.scopes:
            if ref not in scope:
                known = sorted(scope)
                self.error(
                    f"的条件引用了未定义的参数「${ref}」",
                    "when",
                    f"{nearest(ref, known)}本版本的参数有:{'、'.join(known) or '(无)'};"
                    "在该版本的 [versions.parameters] 中定义它,或改正拼写。",
                )
                return
            yield scope[ref]


def check_reads(rules: Mapping[str, tuple[Mapping[str, Any], LineIndex, str]]) -> None:
    """Every parameter of another article that the facts a check judges are built with
    (``declare(..., reads=...)``) is defined by every version of that article in the
    rulebook: a rulebook without it would judge with a constant that is not there."""
    errors: list[InputError] = []
    kinds = fact_kinds()
    for data, index, rel in rules.values():
        for i, version in enumerate(data.get("versions", [])):
            for j, check in enumerate(version.get("checks", [])):
                kind = kinds.get(str(check.get("fact", "")))
                if kind is None:
                    continue  # an unknown kind is check_checks' error
                for rule_id, names in kind.reads.items():
                    source = rules.get(rule_id)
                    versions = source[0].get("versions", []) if source else []
                    for name in names:
                        if versions and all(name in v.get("parameters", {}) for v in versions):
                            continue
                        errors.append(
                            InputError(
                                f"检查「{check.get('id', '?')}」的事实「{kind.kind}」要用 {rule_id} "
                                f"的参数 {name},"
                                + (
                                    "规则集中没有这个规则"
                                    if source is None
                                    else "它有的版本没有定义这个参数"
                                ),
                                path=rel,
                                line=index.line(("versions", i, "checks", j, "fact")),
                                hint=f"事实由 {declared_in(kind.kind)} 生成,它读 policy/{rule_id}.toml "
                                f"各版本的参数 {name}(一个常量只在定义它的条款中写一次):"
                                f"把 {rule_id}.toml 放进规则目录,或在它的每个版本中定义 {name}。",
                            )
                        )
    if errors:
        unique = {(e.message, e.path, e.line): e for e in errors}
        raise InputErrors(list(unique.values()))


def check_checks(
    version: Mapping[str, Any], params: dict[str, Any], rel: str, index: LineIndex, number: int
) -> None:
    """Check every ``[[versions.checks]]`` of one version against the fact declarations."""
    errors: list[InputError] = []
    for j, check in enumerate(version.get("checks", [])):
        at: KeyPath = ("versions", number, "checks", j)
        table = check.get("each")
        scopes = [dict(params)]
        if table is not None:
            entries = params.get(table)
            if not isinstance(entries, dict):
                known = sorted(k for k, v in params.items() if isinstance(v, dict))
                errors.append(
                    InputError(
                        f'检查「{check.get("id", "?")}」的 each = "{table}" 不是本版本的参数表',
                        path=rel,
                        line=index.line((*at, "each")),
                        hint=f"{nearest(str(table), known)}本版本的参数表有:"
                        f"{'、'.join(known) or '(无)'}。",
                    )
                )
                continue
            scopes = [{**params, "key": k, "value": v} for k, v in entries.items()]
        errors.extend(_Checker(check, scopes, rel, index, at).run())
    if errors:
        unique = {(e.message, e.line): e for e in errors}
        raise InputErrors(list(unique.values()))
