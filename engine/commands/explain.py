"""``govmedia explain``: why a rule exists (``art-NN``) or why it fired (a fingerprint).

For a fingerprint the snapshot is evaluated (work tree, ``--staged`` or REV) and
the violation is traced back: the article, the rule version in force on the
fact's date with its parameters, the check and its condition, the fact's
fields, and the lines of the record it came from. The violation carries the check
that fired and the fields its condition read, so no rule is run again here. Values
of fields the record schema marks private are masked in those lines.
"""

from __future__ import annotations

import json
import re

import click

from engine import records
from engine.commands.common import Options, run_evaluation
from engine.commands.rules import period, value_text
from engine.errors import InputError
from engine.evaluate import Result
from engine.labels import RULE_KIND, SEVERITY, account_zh, article_zh, parse_article
from engine.lines import LineIndex
from engine.policy import Check, Policy, Rule, Version
from engine.report import message
from engine.violations import Violation

_ARTICLE = re.compile(r"^art-(\d{1,2})(?:/([a-z0-9-]+))?$")
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
CONTEXT_LINES = 3
MASK = "******(不公开)"
# Values a violation carries that were derived with the working-day calendar and the
# judging version's parameters (engine.facts.VIOLATION_VALUES), with their labels.
DERIVED = {
    "earliest_closure": "最早可合法关停的日期",
    "notice_needed_until": "公告至少须持续到(含)",
}


def run(opts: Options, target: str, lang: str, details: bool = False) -> int:
    """``details``: also the technical side (fact kinds, conditions, message templates and
    every field of the fact), for those who maintain the rulebook."""
    target = target.strip()
    if _FINGERPRINT.match(target.lower()):
        return explain_violation(opts, target.lower(), lang, details)
    m = _ARTICLE.match(target)
    if m:
        return explain_article(opts, f"art-{int(m.group(1)):02d}", m.group(2), details)
    number = parse_article(target)
    if number is not None:
        return explain_article(opts, f"art-{number:02d}", None, details)
    raise InputError(
        f"看不懂要解释的对象「{target}」",
        hint="写条款(如 第十五条、十五、15 或 art-15)或违规的 16 位指纹(govmedia check 输出中的「指纹」)。",
    )


# ---------------------------------------------------------------- articles


def _rule(policy: Policy, rule_id: str) -> Rule:
    if rule_id not in policy.rules:
        known = "、".join(sorted(policy.rules))
        raise InputError(
            f"规则集中没有「{rule_id}」",
            hint=f"现有规则: {known}。用 govmedia rules 查看全部条款。",
        )
    return policy.rules[rule_id]


def _indent(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line else "" for line in text.strip().splitlines()]


def _parameters(version: Version, prefix: str = "    ") -> list[str]:
    lines = []
    for name, value in version.parameters.items():
        lines.append(f"{prefix}{name} = {value_text(value)}")
        note = version.parameter_notes.get(name)
        if note:
            lines += _indent(f"说明: {note}", prefix + "  ")
    return lines


def _condition(check: Check) -> str:
    return json.dumps(check.condition, ensure_ascii=False)


def _checks(version: Version, only: str | None, details: bool = False) -> list[str]:
    lines = []
    for check in version.checks:
        if only and check.id != only:
            continue
        label = check.id if check.key is None else f"{check.id}(参数表项 {check.key})"
        kind = f" 事实类型 {check.fact}" if details else ""
        lines.append(f"    检查 {label}  [{SEVERITY.get(check.severity, check.severity)}]{kind}")
        if details:
            lines.append(f"      条件: {_condition(check)}")
            lines.append(f"      消息模板: {check.message}")
    return lines


def clause_map(rule: Rule, only_check: str | None = None) -> list[str]:
    """The article sentence by sentence: the checks that enforce each, or why it is not checked."""
    shown = [c for c in rule.clauses if only_check is None or only_check in c.checks]
    if not shown:
        return []
    checked = sum(1 for c in rule.clauses if c.checks)
    out = [
        "",
        f"逐句对照(共 {len(rule.clauses)} 句/分句,{checked} 句有检查,"
        f"{len(rule.clauses) - checked} 句不检查):",
    ]
    for number, clause in enumerate(rule.clauses, start=1):
        if clause not in shown:
            continue
        out.append(f"  {number}. 「{clause.text}」")
        if clause.checks:
            out.append("     检查: " + "、".join(f"{rule.id}/{c}" for c in clause.checks))
        if clause.reason:
            label = "未检查的部分" if clause.checks else "不检查"
            out += _indent(f"{label}: {clause.reason}", "     ")
    return out


def explain_article(
    opts: Options, rule_id: str, only_check: str | None, details: bool = False
) -> int:
    policy = opts.policy()
    rule = _rule(policy, rule_id)
    if only_check and not any(c.id == only_check for v in rule.versions for c in v.checks):
        raise InputError(
            f"{rule_id} 没有检查「{only_check}」",
            hint=f"用 govmedia explain {rule_id} 查看它的全部检查。",
        )
    out = [f"{rule.id} {article_zh(rule.article)} {rule.title}({rule.chapter})", ""]
    out += ["条文:", *_indent(rule.text), ""]
    out += ["解释:", *_indent(rule.explanation), ""]
    out.append(
        f"类型: {RULE_KIND.get(rule.kind, rule.kind)}"
        + (f";严重程度: {SEVERITY.get(rule.severity, rule.severity)}" if rule.versions else "")
    )
    if rule.legal_basis:
        out.append("依据: " + ";".join(rule.legal_basis))
    if rule.not_checked:
        out += ["", "为什么不自动检查:", *_indent(rule.not_checked)]
    out += clause_map(rule, only_check)
    if rule.parameters:
        out += ["", "参数:"]
        for name, value in rule.parameters.items():
            out.append(f"    {name} = {value_text(value)}")
            if name in rule.parameter_notes:
                out += _indent(f"说明: {rule.parameter_notes[name]}", "      ")
    for version in rule.versions:
        out += ["", f"第 {version.number} 版  {period(version)}", *_indent(version.summary, "    ")]
        if version.parameters:
            out += ["  参数:", *_parameters(version)]
        if version.choices:
            out.append("  适用中的选择:")
            for choice in version.choices:
                out.append(f"    问: {choice['question']}")
                out.append(f"    答: {choice['choice']}")
                out.append(f"    理由: {choice['reason']}")
        checks = _checks(version, only_check, details)
        if checks:
            out += ["  检查:", *checks]
    out += ["", _open_count(opts, policy, rule, only_check)]
    click.echo("\n".join(out))
    return 0


def _open_count(opts: Options, policy: Policy, rule: Rule, only_check: str | None) -> str:
    if not rule.fact_kinds:
        return "当前违规: 本条不作自动检查。"
    try:
        result = run_evaluation(opts, policy=policy)
    except InputError as exc:
        return f"当前违规: 无法统计(记录有误: {exc.message})。先运行 govmedia check 查看并改正。"

    def counted(v: Violation) -> bool:
        return v.rule == rule.id and (only_check is None or v.check == only_check)

    found = [v for v in result.open if counted(v)]
    waived = sum(1 for v in result.waived if counted(v))
    what = f" {rule.id}/{only_check} 的" if only_check else ""
    return (
        f"当前{what}违规({result.snapshot.label},截至 {result.as_of}): {len(found)} 处未整改"
        + (f",{waived} 处已豁免" if waived else "")
        + "。"
    )


# ---------------------------------------------------------------- violations


def explain_violation(opts: Options, fp: str, lang: str, details: bool = False) -> int:
    policy = opts.policy()
    result = run_evaluation(opts, policy=policy)
    found = [v for v in result.violations if v.fingerprint == fp]
    if not found:
        where = result.snapshot.label
        raise InputError(
            f"{where}(截至 {result.as_of})中没有指纹为 {fp} 的违规",
            hint="用 govmedia check 查看当前违规及其指纹;违规如果出现在某个提交中,"
            "在指纹后加上该提交(govmedia explain 指纹 提交号),或用 --as-of 指定当时的检查日期。",
        )
    v = found[0]
    rule = _rule(policy, v.rule)
    version = rule.version(v.version)
    check = _fired_check(version, v)
    status = "未整改" if v.status == "open" else f"已豁免(豁免记录 {v.waiver})"
    out = [
        f"违规 {v.fingerprint}: {message(v, lang)}",
        f"  位置: {v.path}:{v.line}",
        f"  单位: {_unit_name(result, v.unit)}"
        + (f";账号: {_account_name(result, v.account)}" if v.account else ""),
        f"  状态: {status}",
        f"  怎么改: {v.hint}",
        "",
        f"{rule.id} {article_zh(rule.article)} {rule.title}",
        *_indent(rule.text),
        "",
        f"适用版本: 第 {version.number} 版({period(version)}),因为事实日期 {v.day} 在其施行期间内",
        *_indent(version.summary, "    "),
    ]
    if version.parameters:
        out += ["  参数:", *_parameters(version)]
    entry = f"(参数表项 {check.key} = {value_text(check.value)})" if check and check.key else ""
    out += ["", f"检查 {v.check_id}{entry} [{SEVERITY.get(v.severity, v.severity)}]"]
    if check is not None and details:
        out.append(f"  事实类型: {check.fact}")
        out.append(f"  条件: {_condition(check)}")
    used = frozenset(v.read)
    derived = [(label, v.evidence[name]) for name, label in DERIVED.items() if name in v.evidence]
    if derived:
        out += ["", "按工作日历推算(适用版本的参数):"]
        out += [f"    {label}: {value}" for label, value in derived]
    out += ["", "事实的字段(证据):" if details else "判断用到的字段(加 --details 显示全部):"]
    secret = record_secrets(result, v.path)
    for name, value in sorted(v.evidence.items()):
        if name in DERIVED or (name not in used and not details):
            continue
        mark = "  ← 条件用到" if name in used else ""
        shown = MASK if str(value) in secret else value_text(value)
        out.append(f"    {name} = {shown}{mark}")
    out += ["", f"记录 {v.path}:", *record_excerpt(result, v.path, v.line)]
    click.echo("\n".join(out))
    return 0


def _unit_name(result: Result, unit: str) -> str:
    record = result.banner.units.get(unit)
    return f"{record.data['name']}({unit})" if record else unit


def _account_name(result: Result, account: str) -> str:
    files = result.banner.accounts.get(account)
    if files is not None and files.account is not None:
        data = files.account.data
        return account_zh(str(data["platform"]), str(data["name"]), account)
    return account


def _fired_check(version: Version, v: Violation) -> Check | None:
    """The check that fired, as the violation names it (for a check expanded per
    parameter-table entry, the entry that matched): nothing is judged again. None when
    no check of the rulebook found it (an account's records removed, engine/removed.py)."""
    return next((c for c in version.checks if c.name == v.check_name), None)


# ---------------------------------------------------------------- record lines


def _is_private(path: tuple[str | int, ...], private: frozenset[str]) -> bool:
    names = [str(p) for p in path if not isinstance(p, int)]
    return any(".".join(names[: i + 1]) in private for i in range(len(names)))


def record_secrets(result: Result, path: str) -> set[str]:
    """Values of the record's private fields, so that evidence never echoes one of them."""
    located = records.kind_of(path)
    if located is None or path not in result.snapshot.entries:
        return set()
    return records.private_values(located[0], records.parse_toml(path, result.snapshot.read(path)))


def record_excerpt(result: Result, path: str, line: int, context: int = CONTEXT_LINES) -> list[str]:
    """Lines around ``line`` of the record, values of private fields masked."""
    try:
        text = result.snapshot.read(path).decode("utf-8", errors="replace")
    except KeyError:
        return ["    (该记录不在此快照中)"]
    located = records.kind_of(path)
    private = records.private_fields(located[0]) if located else frozenset()
    owners = line_owners(text)
    lines = text.splitlines()
    start, end = max(1, line - context), min(len(lines), line + context)
    out = []
    for number in range(start, end + 1):
        content = lines[number - 1]
        owner = owners.get(number)
        if owner is not None and _is_private(owner[0], private):
            content = _mask(content, owner[1])
        marker = ">" if number == line else " "
        out.append(f"  {marker}{number:>5} | {content}")
    return out


def line_owners(text: str) -> dict[int, tuple[tuple[str | int, ...], bool]]:
    """For each line: the key path whose value it shows, and whether it is the ``key =`` line.

    Continuation lines (multi-line strings and arrays) belong to the key above them;
    table headers belong to nobody (their name is not a value).
    """
    index = LineIndex(text)
    starts = {number: path for path, number in index.lines.items()}
    owners: dict[int, tuple[tuple[str | int, ...], bool]] = {}
    current: tuple[str | int, ...] | None = None
    for number, content in enumerate(text.splitlines(), start=1):
        stripped = content.strip()
        if number in starts:
            path = starts[number]
            if stripped.startswith("["):
                current = None  # a table header: show it as it is
                continue
            current = path
            owners[number] = (path, True)
        elif current is not None and stripped and not stripped.startswith("#"):
            owners[number] = (current, False)
    return owners


def _mask(content: str, is_key_line: bool) -> str:
    if not is_key_line:
        indent = content[: len(content) - len(content.lstrip())]
        return f"{indent}{MASK}"
    key, _, _ = content.partition("=")
    return f"{key.rstrip()} = {MASK}"
