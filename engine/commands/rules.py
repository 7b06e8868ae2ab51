"""``govmedia rules``: the rulebook at a glance, one block per article with its versions."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from engine.commands.common import Options
from engine.labels import RULE_KIND, SEVERITY, article_zh
from engine.policy import Rule, Version
from engine.timeutil import CHINA_TZ


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for row in rows:
        out.append("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return out


def value_text(value: Any) -> str:
    """A parameter value as it reads in the policy file (TOML-like, Chinese kept)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {value_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def period(version: Version) -> str:
    """Effective period as people say it: 2020-08-29 – 2023-12-31, or 2024-01-01 – 至今."""
    if version.effective_to is None:
        return f"{version.effective_from.isoformat()} – 至今"
    last = version.effective_to - timedelta(days=1)  # effective_to is exclusive
    return f"{version.effective_from.isoformat()} – {last.isoformat()}"


def rule_row(rule: Rule) -> list[str]:
    severity = SEVERITY.get(rule.severity, rule.severity) if rule.versions else "—"
    return [rule.id, article_zh(rule.article), rule.title, RULE_KIND.get(rule.kind, rule.kind), severity,
            str(len(rule.versions))]  # fmt: skip


def version_lines(rule: Rule, today: date) -> list[str]:
    lines = []
    for version in rule.versions:
        mark = "(现行)" if version.in_force(today) else ""
        checks = "、".join(dict.fromkeys(c.id for c in version.checks)) or "无"
        lines.append(f"    第 {version.number} 版  {period(version)}{mark}  检查: {checks}")
        for name, value in version.parameters.items():
            lines.append(f"        {name} = {value_text(value)}")
    for name, value in rule.parameters.items():
        lines.append(f"    参数 {name} = {value_text(value)}")
    return lines


def render(rules: list[Rule], today: date) -> str:
    ordered = sorted(rules, key=lambda r: (r.article, r.id))
    lines = [f"规则集:共 {len(ordered)} 条条款(「现行」按 {today.isoformat()} 判断)", ""]
    lines += table(
        ["规则", "条款", "标题", "类型", "严重程度", "版本数"], [rule_row(r) for r in ordered]
    )
    lines += ["", "各版本的施行期间与参数:"]
    for rule in ordered:
        lines.append(f"  {rule.id} {article_zh(rule.article)} {rule.title}")
        detail = version_lines(rule, today)
        lines += detail or ["    (本条不作自动检查)"]
        if rule.clauses:
            checked = sum(1 for c in rule.clauses if c.checks)
            lines.append(
                f"    逐句对照: {len(rule.clauses)} 句/分句,{checked} 句有检查,"
                f"{len(rule.clauses) - checked} 句不检查"
            )
    lines += ["", "用 govmedia explain art-NN 查看条文、逐句对照、解释、参数说明和检查条件。"]
    return "\n".join(lines) + "\n"


def run(opts: Options) -> int:
    policy = opts.policy()
    today = opts.as_of or datetime.now(CHINA_TZ).date()
    click.echo(render(list(policy.rules.values()), today), nl=False)
    return 0


JUDGED_KINDS = ("checkable", "evidence")


def check_rulebook(directory: Path) -> int:
    """``govmedia rules --check DIR``: load a rulebook directory (every file checked against
    the schema and the fact declarations) and run every rule's cases with their coverage.

    Exit 0 when every case passes and every version of a judged rule has a passing and a
    failing case; 1 otherwise (each failure listed); 2 when the rulebook does not load.
    """
    from engine import cases
    from engine.policy import load

    loaded = load(directory)  # an invalid file raises InputError: exit 2 with file:line
    results = cases.run_all(directory)
    failed = [r for r in results if not r.passed]
    lines = [f"规则目录 {directory}:{len(loaded.rules)} 个规则文件,格式与事实字段均有效"]
    lines.append(f"用例:共 {len(results)} 个,通过 {len(results) - len(failed)} 个")
    for result in failed:
        lines.append(f"  失败 {result.id}")
        lines += ["    " + line for line in result.explain().splitlines()]
    missing = []
    for rule in sorted(loaded.rules.values(), key=lambda r: (r.article, r.id)):
        if rule.kind not in JUDGED_KINDS:
            continue
        mine = [r for r in results if r.rule == rule.id]
        for number, (passing, failing) in cases.coverage(rule, mine).items():
            if not passing:
                missing.append(f"  {rule.id}@{number} 缺少通过的用例(expect = [])")
            if not failing:
                missing.append(f"  {rule.id}@{number} 缺少违规的用例(expect 非空)")
        expected = {e.split("@")[0] for r in mine if r.passed for e in r.expected}
        for check in sorted({c.id for v in rule.versions for c in v.checks}):
            if f"{rule.id}/{check}" not in expected:
                missing.append(f"  {rule.id}/{check} 没有预期它的用例")
    if missing:
        lines.append("用例覆盖不足:")
        lines += missing
    ok = not failed and not missing
    lines.append("全部通过。" if ok else "有问题,见上。按 CONTRIBUTING.md「Cases」补充或改正用例。")
    click.echo("\n".join(lines))
    return 0 if ok else 1
