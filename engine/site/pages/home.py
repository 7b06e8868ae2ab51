"""The home page: the state of the banner at the check date."""

from __future__ import annotations

from collections import Counter

from engine.labels import SEVERITY
from engine.site.markup import block, table
from engine.site.pages.tables import Tables
from engine.violations import Violation


class HomePages(Tables):
    """The home page: the state of the banner at the check date."""

    def errors(self) -> list[Violation]:
        return [v for v in self.open() if v.severity == "error"]

    def home(self) -> str:
        open_ = self.open()
        errors = [v for v in open_ if v.severity == "error"]
        active = sum(
            1 for f in self.accounts.values() if f.account is not None and f.active_on(self.m.as_of)
        )
        total = sum(1 for f in self.accounts.values() if f.account is not None)
        md = "# 政务新媒体合规状况\n\n" + self.status_line()
        if self.m.note:
            md += block(f'<p class="gm-note">{self.t(self.m.note)}</p>')
        tiles = [
            (str(len(errors)), "处未整改的违规", "gm-stat-error"),
            (str(len(self.reminders)), "条提醒(不计为违规)", "gm-stat-reminder"),
            (str(len(self.violations) - len(open_)), "处已豁免", ""),
            (str(total), f"个账号(运行中 {active}),属 {len(self.units)} 个单位", ""),
        ]
        if len(open_) != len(errors):
            tiles.insert(
                1,
                (
                    str(len(open_) - len(errors)),
                    f"处需注意({SEVERITY['warning']})",
                    "gm-stat-reminder",
                ),
            )
        md += self.stats(tiles)
        md += block(
            f'<p class="gm-links"><a href="{self.e(self.link.href("guide.md"))}">如何阅读本站</a>'
            f' · <a href="{self.e(self.link.file("data/violations.csv"))}" download>'
            f"下载全部违规(CSV)</a>"
            f' · <a href="{self.e(self.link.file("feed.xml"))}">订阅变化(Atom)</a></p>'
        )
        md += "## 各单位未整改的违规\n\n"
        by_unit = Counter(v.unit for v in open_)
        ranked = sorted(by_unit.items(), key=lambda kv: (-kv[1], self.unit_name(kv[0])))
        rows = [[str(i + 1), self.unit_link(u), str(n)] for i, (u, n) in enumerate(ranked[:10])]
        md += block(table(["名次", "单位", "未整改违规"], rows, "gm-keep gm-by-unit"))
        if len(ranked) > 10:
            md += block(
                f'<p><a href="{self.e(self.link.href("units/index.md"))}">'
                f"全部 {len(self.units)} 个单位</a></p>"
            )
        md += "## 最新情况\n\n"
        newest = sorted(open_, key=lambda v: (self.entered(v.path), v.day), reverse=True)[:8]
        md += "### 最近记入的违规\n\n" + self.violation_table(newest, who=True)
        if self.reminders:
            md += "### 提醒\n\n" + block(
                f"<p>有 {len(self.reminders)} 件事无法判断或需要有人看一看,它们不是违规,"
                f"单独列出。</p>"
            )
            md += self.reminder_table(self.reminders[:10])
        md += "### 最近的记录变更\n\n"
        rows = []
        for change in self.m.changes:
            accounts = [a for a in change.ids("account") if a in self.accounts]
            touched = "、".join(self.account_link(a) for a in accounts[:3])
            if len(accounts) > 3:
                touched += f" 等 {len(accounts)} 个账号"
            units = [u for u in change.ids("unit") if u in self.units]
            if units:
                touched = "、".join(
                    [*(self.unit_link(u) for u in units[:3]), *([touched] if touched else [])]
                )
            rows.append(
                [
                    self.e(change.when.strftime("%Y-%m-%d")),
                    str(len(change.paths)),
                    touched or "—",
                ]
            )
        # Commit messages are free text nobody marks private: never published.
        md += block(table(["日期", "变更的记录文件数", "涉及"], rows, "gm-changes"))
        md += "## 各条款未整改的违规\n\n"
        by_rule = Counter(v.rule for v in open_)
        rows = [
            [self.rule_link(r.id, r.article), self.t(r.title), str(by_rule[r.id])]
            for r in self.rules
            if by_rule[r.id]
        ]
        md += block(table(["条款", "内容", "违规数"], rows, "gm-keep gm-by-article"))
        md += "## 全部未整改的违规\n\n" + self.violation_table(
            open_, who=True, csv_path="data/violations.csv"
        )
        return md
