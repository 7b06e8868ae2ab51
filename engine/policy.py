"""The rulebook: one TOML file per article in ``policy/``, versioned by effective date.

A version's checks are conditions in the durable_rules condition language over
one kind of fact. Strings ``"$name"`` in a condition stand for the version's
parameters; a check with ``each = "table"`` is repeated for every entry of that
parameter table with ``"$key"`` and ``"$value"``. Two macros keep lists
readable: ``{"$in": {"field": [...]}}`` and ``{"$nin": {"field": [...]}}``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine import contract, gitsafe
from engine.bounded import BoundedDict
from engine.errors import InputError, InputErrors
from engine.lines import LineIndex
from engine.records import _schema_message, _validator, parse_toml, surely_valid
from engine.resources import bundled_policy_dir
from engine.timeutil import parse_date

MEASURES_RULE = "art-25"


@dataclass(frozen=True)
class Check:
    id: str
    name: str  # unique within the version's ruleset (id, or id#key for expanded checks)
    fact: str
    condition: dict[str, Any]
    fields: frozenset[str]
    message: str
    hint: str
    message_en: str
    severity: str
    key: str | None = None
    value: Any = None


@dataclass(frozen=True)
class Clause:
    """One sentence or clause of the article text and what the rulebook does with it.

    ``text`` is an exact substring of the article text; ``checks`` are ids of the
    rule's checks that enforce it; ``reason`` says why it is (partly) not checked
    and what would make it checkable. A clause has checks, a reason, or both.
    """

    text: str
    checks: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Version:
    rule: str
    number: int
    effective_from: date
    effective_to: date | None  # exclusive
    summary: str
    parameters: dict[str, Any]
    parameter_notes: dict[str, str]
    choices: list[dict[str, str]]
    checks: tuple[Check, ...]

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    @property
    def label(self) -> str:
        return f"{self.rule}@{self.number}"


@dataclass(frozen=True)
class Rule:
    id: str
    article: int
    chapter: str
    title: str
    kind: str
    severity: str
    text: str
    explanation: str
    legal_basis: list[str]
    not_checked: str
    versions: tuple[Version, ...]
    cases: list[dict[str, Any]]
    path: str
    parameters: dict[str, Any] = field(default_factory=dict)
    parameter_notes: dict[str, str] = field(default_factory=dict)
    clauses: tuple[Clause, ...] = ()

    def version_on(self, day: date) -> Version | None:
        for version in reversed(self.versions):
            if version.in_force(day):
                return version
        return None

    def version(self, number: int) -> Version:
        for version in self.versions:
            if version.number == number:
                return version
        raise KeyError(number)

    @property
    def fact_kinds(self) -> frozenset[str]:
        return frozenset(c.fact for v in self.versions for c in v.checks)


@dataclass(frozen=True)
class Policy:
    rules: dict[str, Rule]
    digest: str
    measures_effective: date

    def get(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise InputError(
                f"没有规则「{rule_id}」",
                hint="规则 id 形如 art-13;用 govmedia rules 查看全部规则。",
            ) from None


def default_policy_dir(repo: Path) -> Path:
    """``policy/`` of the records repository if it has one, else the rulebook shipped with govmedia."""
    local = repo / "policy"
    if local.is_dir():
        return local
    return bundled_policy_dir()


def _committed_files(repo: Path, source: str) -> dict[str, str]:
    """``policy/*.toml`` of a commit (``source`` a revision) or of the staged index
    (``source`` = ``":index"``): file name -> blob id."""
    if source == ":index":
        listed = [(blob, path) for _, blob, _, path in gitsafe.ls_files(repo, "policy/")]
    else:
        listed = [(blob, path) for _, _, blob, path in gitsafe.ls_tree(repo, source, "policy/")]
    files: dict[str, str] = {}
    for blob, path in listed:
        name = path[len("policy/") :]
        if "/" not in name and name.endswith(".toml"):
            files[name] = blob
    return files if any(name.startswith("art-") for name in files) else {}


def write_committed(
    repo: Path, source: str, folder: Path, files: dict[str, str] | None = None
) -> bool:
    """Write the rulebook a commit or the staged index holds into ``folder`` (new); False
    (nothing written) when it holds none. ``files``: its files, if already listed."""
    files = _committed_files(repo, source) if files is None else files
    if not files:
        return False
    contents = gitsafe.read_blobs(repo, files.values())
    folder.mkdir(parents=True)
    for name, blob in files.items():
        (folder / name).write_bytes(contents[blob])
    return True


def load_committed(repo: Path, source: str) -> Policy:
    """The rulebook as a commit (``source`` a revision) or the staged index (``source`` =
    ``":index"``) holds it: ``policy/`` from git, never from the work tree. Without a
    ``policy/`` there, the installed rulebook."""
    import tempfile

    files = _committed_files(repo, source)
    key = tuple(sorted(files.items()))  # () for the installed rulebook
    if key in _COMMITTED:
        return _COMMITTED[key]
    if not files:  # no folder to write: the installed rulebook
        _COMMITTED[key] = load(bundled_policy_dir())
        return _COMMITTED[key]
    with tempfile.TemporaryDirectory(prefix="govmedia-policy-") as tmp:
        folder = Path(tmp) / "policy"
        _COMMITTED[key] = (
            load(folder)
            if write_committed(repo, source, folder, files)
            else load(bundled_policy_dir())
        )
        return _COMMITTED[key]


# Rulebooks loaded from git in this process, by their files' blob ids: the hook reads
# the staged one and HEAD's, often the same.
_COMMITTED: BoundedDict[tuple[tuple[str, str], ...], Policy] = BoundedDict(16)


# ---------------------------------------------------------------- conditions


def _substitute(node: Any, params: dict[str, Any], where: str) -> Any:
    if isinstance(node, str) and node.startswith("$") and not node.startswith("$$"):
        name = node[1:]
        if name not in params:
            raise InputError(
                f"条件中引用了未定义的参数 {node}",
                path=where,
                hint="在该版本的 [versions.parameters] 中定义它。",
            )
        return params[name]
    if isinstance(node, list):
        return [_substitute(v, params, where) for v in node]
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$in", "$nin"):
                ((name, options),) = value.items()
                options = _substitute(options, params, where)
                if not isinstance(options, list):
                    raise InputError(f"{key} 需要一个列表参数", path=where, hint="把参数写成列表。")
                if key == "$in":
                    expanded: Any = (
                        {"$or": [{name: o} for o in options]} if options else {"$nex": {name: 1}}
                    )
                else:
                    expanded = (
                        {"$and": [{"$neq": {name: o}} for o in options]}
                        if options
                        else {"$ex": {name: 1}}
                    )
                if len(options) == 1:
                    expanded = expanded["$or" if key == "$in" else "$and"][0]
                out.update(expanded)
            else:
                out[key] = _substitute(value, params, where)
        return out
    return node


def _fields(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$m" and isinstance(value, str):
                found.add(value)
            elif key.startswith("$"):
                _fields(value, found)
            else:
                found.add(key)
                _fields(value, found)
    elif isinstance(node, list):
        for item in node:
            _fields(item, found)
    return found


def _compile_check(
    raw: dict[str, Any], params: dict[str, Any], severity: str, where: str
) -> list[Check]:
    table = raw.get("each")
    if table is None:
        entries: list[tuple[str | None, Any]] = [(None, None)]
    else:
        values = params.get(table)
        if not isinstance(values, dict):
            raise InputError(
                f"each = {table!r} 需要一个参数表", path=where, hint="在参数中定义这个表。"
            )
        entries = list(values.items())
    checks = []
    for key, value in entries:
        scope = dict(params)
        if key is not None:
            scope.update({"key": key, "value": value})
        condition = {"$and": [{"fact": raw["fact"]}, _substitute(raw["when"], scope, where)]}
        checks.append(
            Check(
                id=raw["id"],
                name=raw["id"] if key is None else f"{raw['id']}#{key}",
                fact=raw["fact"],
                condition=condition,
                fields=frozenset(_fields(condition, set())),
                message=raw["message"],
                hint=raw["hint"],
                message_en=raw.get("message_en", ""),
                severity=raw.get("severity", severity),
                key=key,
                value=value,
            )
        )
    return checks


# ---------------------------------------------------------------- loading


def _read(path: Path, rel: str) -> tuple[dict[str, Any], LineIndex]:
    data = path.read_bytes()
    parsed = parse_toml(rel, data)
    index = LineIndex(data.decode("utf-8"))
    errors = (
        []
        if surely_valid("policy", parsed)
        else sorted(_validator("policy").iter_errors(parsed), key=lambda e: list(map(str, e.path)))
    )
    if errors:
        raise InputErrors(
            [
                InputError(
                    f"规则文件格式不对: {_schema_message(e)}",
                    path=rel,
                    line=index.line(tuple(e.absolute_path)),
                    hint="对照 engine/schemas/policy.schema.json 和 CONTRIBUTING.md 修改。",
                )
                for e in errors
            ]
        )
    return parsed, index


def load(directory: Path) -> Policy:
    if not directory.is_dir():
        raise InputError(f"找不到规则目录 {directory}", hint="用 --policy 指定 policy/ 目录。")
    raw: dict[str, tuple[dict[str, Any], LineIndex, str]] = {}
    digest = hashlib.sha256()
    for path in sorted(directory.glob("art-*.toml")):
        rel = f"policy/{path.name}"
        data, index = _read(path, rel)
        if path.stem != data["id"]:
            raise InputError(
                f"文件名 {path.name} 与 id「{data['id']}」不一致",
                path=rel,
                line=index.line(("id",)),
                hint="文件名须为 <id>.toml。",
            )
        raw[data["id"]] = (data, index, rel)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    if MEASURES_RULE not in raw:
        raise InputError(
            "规则目录缺少 art-25.toml(施行日期)",
            path=str(directory),
            hint="art-25.toml 的参数 effective_date 给出所有规则第 1 版的生效日期。",
        )
    measures = parse_date(str(raw[MEASURES_RULE][0]["parameters"]["effective_date"]))
    contract.check_reads(raw)
    rules = {}
    for rule_id, (data, index, rel) in raw.items():
        rules[rule_id] = _build_rule(data, index, rel, measures)
    return Policy(rules, digest.hexdigest()[:16], measures)


def _build_rule(data: dict[str, Any], index: LineIndex, rel: str, measures: date) -> Rule:
    severity = data.get("severity", "error")
    versions: list[Version] = []
    for i, raw in enumerate(data.get("versions", [])):
        where_line = index.line(("versions", i))
        start = (
            measures if raw["effective_from"] == "measures" else parse_date(raw["effective_from"])
        )
        end = parse_date(raw["effective_to"]) if "effective_to" in raw else None
        if end is not None and end <= start:
            raise InputError(
                f"第 {i + 1} 版的失效日期 effective_to({end})不晚于它的生效日期({start}),"
                "这一版一天也不会生效",
                path=rel,
                line=index.line(("versions", i, "effective_to")),
                hint="effective_to 是第一个不再适用的日期,须晚于 effective_from;"
                "检查年份和月份是否写反。",
            )
        if raw["version"] != i + 1:
            raise InputError(
                f"版本号应为 {i + 1},实际是 {raw['version']}",
                path=rel,
                line=where_line,
                hint="版本从 1 开始依次编号;修订时在末尾追加新版本,不要改旧版本。",
            )
        if versions:
            previous = versions[-1]
            if start <= previous.effective_from:
                raise InputError(
                    f"第 {i + 1} 版的生效日期不晚于第 {i} 版",
                    path=rel,
                    line=where_line,
                    hint="新版本的 effective_from 必须晚于上一版。",
                )
            if previous.effective_to is None:
                versions[-1] = _with_end(previous, start)
            elif previous.effective_to != start:
                raise InputError(
                    f"第 {i} 版的 effective_to 与第 {i + 1} 版的 effective_from 不衔接",
                    path=rel,
                    line=where_line,
                    hint="让两者相同,或删去 effective_to。",
                )
        params = dict(raw.get("parameters", {}))
        contract.check_checks(raw, params, rel, index, i)
        checks: list[Check] = []
        for check in raw.get("checks", []):
            checks.extend(_compile_check(check, params, severity, rel))
        names = [c.name for c in checks]
        if len(set(names)) != len(names):
            raise InputError(
                "同一版本中有重复的检查 id",
                path=rel,
                line=where_line,
                hint="给每个检查起不同的 id。",
            )
        versions.append(
            Version(
                rule=data["id"],
                number=raw["version"],
                effective_from=start,
                effective_to=end,
                summary=raw["summary"],
                parameters=params,
                parameter_notes=dict(raw.get("parameter_notes", {})),
                choices=list(raw.get("choices", [])),
                checks=tuple(checks),
            )
        )
    text = data["text"].strip()
    clauses = _build_clauses(data, index, rel, text, versions)
    return Rule(
        id=data["id"],
        article=data["article"],
        chapter=data["chapter"],
        title=data["title"],
        kind=data["kind"],
        severity=severity,
        text=text,
        explanation=data["explanation"].strip(),
        legal_basis=list(data.get("legal_basis", [])),
        not_checked=data.get("not_checked", "").strip(),
        versions=tuple(versions),
        cases=list(data.get("cases", [])),
        path=rel,
        parameters=dict(data.get("parameters", {})),
        parameter_notes=dict(data.get("parameter_notes", {})),
        clauses=clauses,
    )


def _build_clauses(
    data: dict[str, Any], index: LineIndex, rel: str, text: str, versions: list[Version]
) -> tuple[Clause, ...]:
    """The ``[[clauses]]`` of a rule file, each checked against the article text and the checks."""
    known = {c.id for v in versions for c in v.checks}
    clauses = []
    for i, raw in enumerate(data.get("clauses", [])):
        line = index.line(("clauses", i))
        clause_text = raw["text"]
        checks = tuple(raw.get("checks", []))
        reason = raw.get("reason", "").strip()
        if clause_text not in text:
            raise InputError(
                f"第 {i + 1} 个分句「{clause_text}」不是本条条文的原文",
                path=rel,
                line=index.line(("clauses", i, "text")),
                hint="text 须从条文中原样复制一句或一个分句(标点、数字都要一致)。",
            )
        for check in checks:
            if check not in known:
                names = "、".join(sorted(known)) or "(本规则没有检查)"
                raise InputError(
                    f"第 {i + 1} 个分句引用了本规则没有的检查「{check}」",
                    path=rel,
                    line=index.line(("clauses", i, "checks")),
                    hint=f"checks 只能写本规则各版本 [[versions.checks]] 的 id:{names};"
                    "检查已删除或改名的,同时修改这里。",
                )
        if not checks and not reason:
            raise InputError(
                f"第 {i + 1} 个分句「{clause_text}」既没有写检查,也没有写不检查的理由",
                path=rel,
                line=line,
                hint="在 checks 中写执行它的检查 id;不检查的,在 reason 中写明为什么不检查"
                "(记录中没有可判断的事实、留给主管部门监督等)以及怎样才能检查。",
            )
        clauses.append(Clause(text=clause_text, checks=checks, reason=reason))
    return tuple(clauses)


def _with_end(version: Version, end: date) -> Version:
    return Version(
        version.rule,
        version.number,
        version.effective_from,
        end,
        version.summary,
        version.parameters,
        version.parameter_notes,
        version.choices,
        version.checks,
    )
