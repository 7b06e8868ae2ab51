"""Human-readable report grouped by file, for clerks at a terminal."""

from __future__ import annotations

from itertools import groupby

from engine.report import Report, article_zh, message, register

_SEVERITY = {"error": "错误", "warning": "提醒"}
_SEVERITY_EN = {"error": "error", "warning": "warning"}


@register("text")
def render(report: Report) -> str:
    r = report.result
    en = report.lang == "en"
    lines = []
    commit = f" {r.snapshot.commit.sha[:10]}" if r.snapshot.commit else ""
    if en:
        lines.append(
            f"govmedia check: {r.snapshot.kind}{commit}, as of {r.as_of}, rulebook {r.policy.digest}"
        )
    else:
        lines.append(f"govmedia 检查 {r.snapshot.label}(截至 {r.as_of},规则集 {r.policy.digest})")
    if report.base:
        lines.append(
            f"only violations not present at {report.base}"
            if en
            else f"只列出 {report.base} 中没有的新违规"
        )
    lines.append("")
    for path, group in groupby(report.shown, key=lambda v: v.path):
        lines.append(path)
        for v in group:
            sev = (_SEVERITY_EN if en else _SEVERITY)[v.severity]
            lines.append(
                f"  {v.path}:{v.line}: [{v.rule} {article_zh(v.article) if not en else f'art. {v.article}'} v{v.version} {sev}] {message(v, report.lang)}"
            )
            if not en:
                lines.append(f"      怎么改: {v.hint}")
            lines.append(
                f"      {'fingerprint' if en else '指纹'} {v.fingerprint}  ({v.rule}/{v.check})"
            )
        lines.append("")
    waived = r.waived
    if waived:
        lines.append("waived:" if en else "已豁免(不计入违规):")
        for v in waived:
            lines.append(f"  {v.path}:{v.line}: [{v.rule}] {message(v, report.lang)}  ← {v.waiver}")
        lines.append("")
    notes = r.authority.warnings
    if notes:
        # Well-formed records that lack authority: reported, never an input error.
        lines.append(
            "authority (signature) warnings:" if en else "签名核验提醒(这些记录不计入检查):"
        )
        lines.extend(f"  {w.render()}" for w in notes)
        lines.append("")
    posts = r.facts.get("post", 0)
    n_err = len(report.errors)
    n_warn = len(report.shown) - n_err
    if en:
        lines.append(
            f"{n_err} errors, {n_warn} warnings"
            + (
                f" (new since {report.base}; {report.base_known} already there)"
                if report.base
                else ""
            )
            + f", {len(waived)} waived; checked {len(r.banner.units)} units, "
            f"{len(r.banner.accounts)} accounts, {posts} posts."
        )
    else:
        lines.append(
            f"共 {n_err} 处违规、{n_warn} 处提醒"
            + (f"(相对 {report.base} 新增;原有 {report.base_known} 处不计)" if report.base else "")
            + f",{len(waived)} 处已豁免;检查了 {len(r.banner.units)} 个单位、"
            f"{len(r.banner.accounts)} 个账号、{posts} 条发布。"
        )
    return "\n".join(lines) + "\n"
