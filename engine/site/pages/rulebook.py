"""The rulebook: the index of articles and one page per article."""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.labels import (
    RULE_KIND,
    SEVERITY,
    article_zh,
    placeholder_zh,
)
from engine.policy import Rule, Version
from engine.site.markup import block, table
from engine.site.pages.tables import Tables
from engine.site.pages.text import (
    article_aliases,
)


class RulebookPages(Tables):
    """The rulebook: the index of articles and one page per article."""

    def rules_index(self) -> str:
        by_rule = Counter(v.rule for v in self.open())
        rows = [
            [
                self.rule_link(r.id, r.article),
                self.t(r.title),
                self.t(r.chapter),
                self.e(RULE_KIND.get(r.kind, "")),
                str(by_rule[r.id]),
            ]
            for r in self.rules
        ]
        return (
            "# 规则手册\n\n"
            + self.status_line()
            + block(
                "<p>《新巴尔虎右旗政务新媒体管理办法(试行)》逐条的原文、通俗解释和检查规则。"
                "规则按生效日期分版本:一件事按它发生当天施行的版本评判。</p>"
            )
            + block(table(["条款", "内容", "章", "类型", "未整改违规"], rows, "gm-rules"))
        )

    def article(self, rule: Rule) -> str:
        e = self.e
        full = article_zh(rule.article)
        md = self.front(
            [full, full[:-1], full[1:-1], *article_aliases(rule.article)], prefixes=False
        )
        md += f"# {e.heading(full)} {e.heading(self.plain(rule.title))}\n\n"
        mine = [v for v in self.open() if v.rule == rule.id]
        reminders = self.reminders_of(lambda r: getattr(r, "article", 0) == rule.article)
        md += self.status_line()
        md += block(
            f'<p class="gm-meta">{self.t(rule.chapter)} · {e(RULE_KIND.get(rule.kind, ""))}'
            f' · 未整改的违规 <a href="#gm-now"><strong>{len(mine)}</strong> 处</a>'
            + (f" · 提醒 {len(reminders)} 条" if reminders else "")
            + f'<span class="gm-aliases">(也写作:{e("、".join(article_aliases(rule.article)))})</span>'
            "</p>"
        )
        md += "## 条文\n\n" + block(
            f'<blockquote class="gm-text">{self.paragraphs(rule.text, law=True)}</blockquote>'
        )
        md += "## 解读\n\n" + block(
            f'<div class="gm-explain">{self.paragraphs(rule.explanation)}</div>'
        )
        md += '<div id="gm-now"></div>\n\n## 当前未整改的违规\n\n'
        md += self.violation_table(
            mine, who=True, csv_path=f"data/rules/{rule.id}.csv", article=False
        )
        if reminders:
            md += "## 提醒\n\n" + block("<p>以下不是违规:无法判断,或需要有人看一看。</p>")
            md += self.reminder_table(reminders)
        md += "## 逐句覆盖\n\n" + self.clauses(rule)
        if rule.legal_basis:
            md += "## 依据\n\n" + block(
                "<ul>"
                + "".join(f"<li>{self.e(self.prose(b))}</li>" for b in rule.legal_basis)
                + "</ul>"
            )
        md += "## 技术说明\n\n" + block(
            '<details class="gm-tech"><summary>展开:版本、参数、判定口径和示例</summary>'
            + self.technical(rule)
            + "</details>"
        )
        return md

    def check_text(self, rule: Rule, check_id: str) -> str:
        version = rule.version_on(self.m.as_of) or (rule.versions[-1] if rule.versions else None)
        for v in [version, *rule.versions]:
            if v is None:
                continue
            for check in v.checks:
                if check.id == check_id:
                    return self.plain(check.message)
        return "规则检查"

    def clauses(self, rule: Rule) -> str:
        """Each sentence of the article and what enforces it (``rule.clauses``; every
        article has them, tests/test_clauses.py sees to it)."""
        rows = []
        for clause in rule.clauses:
            if clause.checks:
                done = (
                    '<span class="gm-active">有规则检查</span><ul>'
                    + "".join(f"<li>{self.e(self.check_text(rule, c))}</li>" for c in clause.checks)
                    + "</ul>"
                )
                if clause.reason:
                    done += (
                        f'<p class="gm-why">未检查的部分:{self.e(self.prose(clause.reason))}</p>'
                    )
            else:
                done = f'<span class="gm-closed">不检查</span>:{self.e(self.prose(clause.reason))}'
            rows.append([self.t(clause.text), done])
        return block(table(["条文句子", "怎样检查"], rows, "gm-clauses"))

    def technical(self, rule: Rule) -> str:
        out = ""
        if rule.parameters:
            out += "<h3>参数</h3>" + self.parameter_table(rule.parameters, rule.parameter_notes)
        for version in rule.versions:
            out += self.version(version)
        out += self.cases(rule.cases)
        return out

    def parameter_table(self, params: dict[str, Any], notes: dict[str, str]) -> str:
        rows = [
            [
                self.e(placeholder_zh(k).strip("〔〕")),
                self.value(v),
                self.paragraphs(notes.get(k, "")),
            ]
            for k, v in params.items()
        ]
        return table(["参数", "取值", "说明"], rows, "gm-params")

    def version(self, version: Version) -> str:
        e = self.e
        period = f"{version.effective_from.isoformat()} 起"
        if version.effective_to is not None:
            period = (
                f"{version.effective_from.isoformat()} 至 {version.effective_to.isoformat()}(不含)"
            )
        out = f"<h3>第 {version.number} 版:{e(period)}</h3>"
        out += f"<p>{self.e(self.prose(version.summary))}</p>"
        if version.parameters:
            out += self.parameter_table(version.parameters, version.parameter_notes)
        if version.choices:
            rows = [
                [
                    self.e(self.prose(c.get("question", ""))),
                    self.e(self.prose(c.get("choice", ""))),
                    self.e(self.prose(c.get("reason", ""))),
                ]
                for c in version.choices
            ]
            out += table(["问题", "本规则的做法", "理由"], rows, "gm-choices")
        seen: dict[str, tuple[str, str]] = {}
        for check in version.checks:
            seen.setdefault(check.id, (check.message, check.severity))
        if seen:
            rows = [[self.e(SEVERITY.get(sev, "")), self.t(msg)] for msg, sev in seen.values()]
            out += table(["性质", "违规时的提示(〔〕内为记录中的值)"], rows, "gm-checks")
        return out

    def cases(self, cases: list[Any]) -> str:
        """Example cases of the rule, rendered defensively (their format may grow)."""
        passing: list[list[str]] = []
        failing: list[list[str]] = []
        for i, case in enumerate(cases):
            if not isinstance(case, dict):
                continue
            expect = case.get("expect", [])
            if not isinstance(expect, list):
                expect = [expect]
            files = case.get("records", {})
            row = [
                self.t(case.get("name", f"示例 {i + 1}")),
                self.e(case.get("as_of", "—")),
                "无违规" if not expect else f"违规 {len(expect)} 处",
                str(len(files)) if isinstance(files, dict) else "—",
            ]
            (failing if expect else passing).append(row)
        if not passing and not failing:
            return ""
        headers = ["示例", "检查日期", "预期结果", "记录文件数"]
        out = "<h3>示例</h3>"
        out += "<h4>合规的示例</h4>" + table(headers, passing, "gm-cases")
        out += "<h4>违规的示例</h4>" + table(headers, failing, "gm-cases")
        return out
