"""Human-readable report for clerks at a terminal, in date order.

Violations are listed by their date (then unit, account, article): a clerk reads
what happened when, and a run of missed weeks sits where it began. With a base,
new violations come first, then violations that changed (same judged thing and
article as one at the base; they do not block), then those fixed since the base.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.labels import (
    REMINDER_HINT,
    REMINDERS_HEADING,
    REMINDERS_HEADING_EN,
    SEVERITY,
    SEVERITY_EN,
    article_zh,
)
from engine.report import Report, message, register, reminders
from engine.violations import Violation


def _entry(v: Violation, en: bool, lang: str) -> list[str]:
    sev = (SEVERITY_EN if en else SEVERITY)[v.severity]
    article = f"art. {v.article}" if en else article_zh(v.article)
    tag = f"{v.rule} {article} v{v.version} {sev}" if en else f"{article} 第 {v.version} 版 {sev}"
    lines = [f"  {v.day} {v.path}:{v.line}: [{tag}] {message(v, lang)}"]
    if not en:
        lines.append(f"      怎么改: {v.hint}")
    lines.append(f"      {'fingerprint' if en else '指纹'} {v.fingerprint}  ({v.rule}/{v.check})")
    if v.acknowledged:
        lines.append(
            f"      acknowledged as truthfully recorded ← {v.acknowledged} (still a violation)"
            if en
            else f"      如实登记 ← {v.acknowledged}(仍是违规,照常计数)"
        )
    return lines


def _changed(v: Violation, olds: list[Violation], en: bool, lang: str) -> list[str]:
    lines = _entry(v, en, lang)
    for old in olds:
        if en:
            lines.append(f"      changed: {old.check_id} ({message(old, lang)}) -> {v.check_id}")
        else:
            lines.append(f"      变更: {old.check_id}「{message(old, lang)}」 → {v.check_id}")
    return lines


def ref_zh(ref: str | None) -> str:
    """A git revision as a clerk reads it: HEAD is 上一次提交."""
    if ref is None:
        return ""
    if ref == "HEAD":
        return "上一次提交"
    if ref.startswith(("HEAD~", "HEAD^")) and ref[5:].isdigit():
        return f"倒数第 {int(ref[5:]) + 1} 次提交"
    return f"提交 {ref}"


def render(report: Report) -> str:
    return "".join(chunks(report))


def _written(lines: list[str], at_least: int = 2000) -> Iterator[str]:
    """The lines so far as one piece of text, once there are ``at_least`` (0: any);
    ``lines`` is emptied: a report of 200,000 violations is never held whole."""
    if lines and len(lines) >= at_least:
        yield "".join(line + "\n" for line in lines)
        lines.clear()


@register("text")
def chunks(report: Report) -> Iterator[str]:
    """The report in pieces of some two thousand lines."""
    r = report.result
    en = report.lang == "en"
    lang = report.lang
    base = report.base if en else ref_zh(report.base)
    lines = []
    commit = f" {r.snapshot.commit.sha[:10]}" if r.snapshot.commit else ""
    if en:
        lines.append(
            f"govmedia check: {r.snapshot.kind}{commit}, as of {r.as_of}, rulebook {r.policy.digest}"
        )
    else:
        lines.append(f"govmedia 检查 {r.snapshot.label}(截至 {r.as_of})")
    lines.append("")
    if report.base:
        lines.append(
            f"new since {report.base} (no violation of the same record and article there):"
            if en
            else f"新违规({base}中同一记录、同一条款没有违规):"
        )
        if not report.shown:
            lines.append("  none" if en else "  无")
    for v in sorted(report.shown, key=Violation.date_key):
        lines.extend(_entry(v, en, lang))
        yield from _written(lines)
    if report.shown or report.base:
        lines.append("")
    if report.accepted:
        lines.append(
            f"new since {report.base}, acknowledged as truthfully recorded in this change "
            "(still violations; not blocking):"
            if en
            else f"新违规,如实登记(相对 {report.base} 新增,登记与记录一并加入;仍是违规,不阻止提交):"
        )
        for v in sorted(report.accepted, key=Violation.date_key):
            lines.extend(_entry(v, en, lang))
        lines.append("")
    if report.changed:
        lines.append(
            f"changed since {report.base} (same record and article; not blocking):"
            if en
            else f"变更(同一记录、同一条款在{base}中已是违规,不阻止提交):"
        )
        for v, olds in sorted(report.changed, key=lambda pair: pair[0].date_key()):
            lines.extend(_changed(v, olds, en, lang))
        lines.append("")
    if report.fixed:
        lines.append(f"fixed since {report.base}:" if en else f"已改正({base}中有、现在没有):")
        for v in sorted(report.fixed, key=Violation.date_key):
            lines.append(f"  {v.day} {v.path}:{v.line}: [{v.rule}/{v.check}] {message(v, lang)}")
            yield from _written(lines)
        lines.append("")
    waived = sorted(r.waived, key=Violation.date_key)
    if waived:
        lines.append("waived:" if en else "已豁免(不计入违规):")
        for v in waived:
            lines.append(
                f"  {v.day} {v.path}:{v.line}: [{f'art. {v.article}' if en else article_zh(v.article)}]"
                f" {message(v, lang)}  ← {v.waiver}"
            )
            yield from _written(lines)
        lines.append("")
    notes = r.authority.warnings
    if notes:
        # Well-formed records that lack authority: reported, never an input error.
        lines.append(
            "authority (signature) warnings:" if en else "签名核验提醒(这些记录不计入检查):"
        )
        lines.extend(f"  {w.render()}" for w in notes)
        lines.append("")
    if r.reminders:
        # What the check could not judge, or wants looked at (a back-filled review, posts
        # left out for an earlier check date, a waiver that matches nothing): never a
        # violation, never blocking.
        lines.append(f"{REMINDERS_HEADING_EN}:" if en else f"{REMINDERS_HEADING}:")
        for m in reminders(report):
            where = f"{m.path}:{m.line}: " if m.path else ""
            day = f"{m.day} " if m.day else ""
            lines.append(f"  {day}{where}{m.message_en if en and m.message_en else m.message}")
            if m.hint and not en:
                lines.append(f"      {REMINDER_HINT}: {m.hint}")
        lines.append("")
    posts = r.facts.get("post", 0)
    n_err = len(report.errors)
    n_ack = sum(1 for v in report.shown if v.acknowledged)
    n_warn = len(report.shown) - n_err
    if en:
        lines.append(
            f"{n_err} errors, {n_warn} warnings"
            + (
                f" (new since {report.base}; {len(report.accepted)} acknowledged, "
                f"{len(report.changed)} changed, "
                f"{report.base_known} unchanged, {len(report.fixed)} fixed)"
                if report.base
                else ""
            )
            + f", {len(waived) + r.waived_elsewhere} waived; checked {len(r.banner.units)} units, "
            f"{len(r.banner.accounts)} accounts, {posts} posts."
        )
    else:
        lines.append(
            f"共 {n_err} 处{SEVERITY['error']}、{n_warn} 处{SEVERITY['warning']}"
            + (
                f"(相对{base}新增;另有如实登记的新违规 {len(report.accepted)} 处、"
                f"变更 {len(report.changed)} 处、"
                f"原有 {report.base_known} 处不计,已改正 {len(report.fixed)} 处)"
                if report.base
                else ""
            )
            + (f"(其中 {n_ack} 处如实登记)" if n_ack else "")
            + f",{len(waived) + r.waived_elsewhere} 处已豁免;检查了 {len(r.banner.units)} 个单位、"
            f"{len(r.banner.accounts)} 个账号、{posts} 条发布。"
        )
    yield from _written(lines, 0)
