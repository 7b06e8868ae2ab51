"""The history page: violations by the month they occurred and as recorded."""

from __future__ import annotations

from collections import Counter

from engine.site.markup import bar_chart, block, table
from engine.site.pages.tables import Tables
from engine.site.pages.text import (
    months_between,
)


class HistoryPages(Tables):
    """The history page: violations by the month they occurred and as recorded."""

    def timeline(self) -> list[tuple[str, int, int]]:
        """(month, open violations that occurred in it, open violations that had occurred by its end).

        From the records' own dates: the site's evaluation, each violation at its day.
        """
        errors = [v for v in self.open() if len(v.day) >= 7]
        if not errors:
            return []
        counts = Counter(v.day[:7] for v in errors)
        out = []
        total = 0
        for month in months_between(min(counts), self.m.as_of.strftime("%Y-%m")):
            total += counts[month]
            out.append((month, counts[month], total))
        return out

    def history(self) -> str:
        md = "# 历史\n\n" + self.status_line()
        md += block(
            "<p>这里有两种看法,数字的含义不同,"
            f'详见<a href="{self.e(self.link.href("guide.md"))}">如何阅读</a>:</p>'
            "<ul><li><strong>按违规发生的月份</strong>:用本站检查日期的同一次检查结果,"
            "把每处未整改的违规放在它本身的日期所在的月份,算出每月底已经发生、至今仍未整改的违规数。"
            "最后一个月的数字就是首页的数字。</li>"
            "<li><strong>按当时的记录</strong>:每个月取该月最后一次修改记录的提交,"
            "看当时的记录显示有多少处违规,与上一个月比较新出现和已消除的违规。</li></ul>"
        )
        md += "## 按违规发生的月份\n\n"
        points = self.timeline()
        if points:
            labels = [p[0] for p in points]
            wide = bar_chart(
                labels,
                [("当月发生", "#b71c1c", [p[1] for p in points])],
                "每月发生的违规和月底累计未整改的违规",
                line=("月底累计(右轴)", "#0d47a1", [p[2] for p in points]),
                step=26 if len(points) > 16 else 34,
            )
            tail = points[-12:]
            narrow = bar_chart(
                [p[0] for p in tail],
                [("当月发生", "#b71c1c", [p[1] for p in tail])],
                "最近 12 个月发生的违规和月底累计未整改的违规",
                line=("月底累计(右轴)", "#0d47a1", [p[2] for p in tail]),
                step=26,
            )
            md += block(
                f'<figure class="gm-figure"><div class="gm-wide">{wide}</div>'
                f'<div class="gm-narrow">{narrow}</div>'
                "<figcaption>柱:当月发生的违规(处);线:截至月底已发生、至今仍未整改的违规(处)。"
                "</figcaption></figure>"
            )
            rows = [[self.e(m), str(n), str(t)] for m, n, t in reversed(points)]
            md += block(
                "<details><summary>以表格查看</summary>"
                + table(["月份", "当月发生", "月底累计未整改"], rows, "gm-keep gm-timeline")
                + "</details>"
            )
            md += self.download(
                "data/timeline.csv",
                ["月份", "当月发生", "月底累计未整改"],
                [[m, n, t] for m, n, t in points],
            )
        else:
            md += block('<p class="gm-none">无</p>')
        md += "## 按当时的记录\n\n"
        recorded = self.m.history
        md += block(
            "<p>每个月取该月最后一次修改记录的提交,按提交当天检查;"
            "最新的一次就是本站的检查(按本站检查日期),所以最后一行与首页一致。"
            "最早一个月的「新出现」是当时已有的全部违规。"
            f"最多显示最近 {len(recorded)} 个月。</p>"
        )
        if not recorded:
            return md + block('<p class="gm-note">还没有修改记录的提交。</p>')
        rows = [
            [
                self.e(p.month),
                self.e(p.as_of.isoformat()),
                str(p.opened),
                str(p.resolved),
                str(p.open),
                self.t(f"记录有误,未计入:{p.error}") if p.error else "",
            ]
            for p in reversed(recorded)
        ]
        md += block(
            table(
                ["月份", "检查日期", "新出现", "已消除", "未整改", "备注"],
                rows,
                "gm-history",
            )
        )
        md += self.download(
            "data/as-recorded.csv",
            ["月份", "提交", "检查日期", "新出现", "已消除", "未整改"],
            [[p.month, p.sha, p.as_of.isoformat(), p.opened, p.resolved, p.open] for p in recorded],
        )
        return md
