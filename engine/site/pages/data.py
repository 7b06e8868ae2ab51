"""Open data: the data page and every download (CSV, JSON, the Atom feed)."""

from __future__ import annotations

from engine.labels import (
    article_zh,
)
from engine.site.feed import atom_feed
from engine.site.markup import block
from engine.site.pages.tables import Tables
from engine.site.pages.text import (
    csv_text,
)


class DataPages(Tables):
    """Open data: the data page and every download (CSV, JSON, the Atom feed)."""

    def data(self) -> str:
        md = "# 开放数据\n\n" + self.status_line()
        items = [
            ("data/violations.csv", "全部未整改的违规(CSV,UTF-8,可用 Excel 打开)"),
            ("data/violations.json", "全部违规(JSON,格式见记录库中的报告格式说明)"),
            ("data/reminders.csv", "全部提醒(CSV)"),
            ("data/units.csv", "单位名单(CSV)"),
            ("data/accounts.csv", "账号名单(CSV)"),
            ("data/timeline.csv", "按违规发生月份的历史(CSV)"),
            ("data/as-recorded.csv", "按当时记录的历史(CSV)"),
            ("feed.xml", "违规的新出现和消除(Atom 订阅)"),
        ]
        md += block(
            "<p>以下文件与本站页面来自同一次检查,地址固定,每次生成时更新。"
            "各条款、单位和账号页面的违规表下方也有该表的下载。</p><ul>"
            + "".join(
                f'<li><a href="{self.e(self.link.file(path))}">{self.e(label)}</a></li>'
                for path, label in items
            )
            + "</ul>"
        )
        return md

    # ------------------------------------------------------------ open data

    def downloads(self) -> dict[str, str]:
        """Every open-data file: CSV and JSON of the evaluation, the lists, the feed."""
        from engine.report import Report
        from engine.report.json_format import render as json_report

        files = dict(self.files)
        open_ = self.open()
        files["data/violations.csv"] = self.violation_csv(open_)
        files["data/reminders.csv"] = csv_text(
            ["日期", "单位", "账号", "条款", "提醒", "建议", "记录文件"],
            [
                [
                    getattr(r, "day", ""),
                    self.unit_name(getattr(r, "unit", "")) if getattr(r, "unit", "") else "",
                    self.account_title(r.account) if getattr(r, "account", None) else "",
                    article_zh(r.article) if getattr(r, "article", 0) else "",
                    self.e.redact(self.plain(getattr(r, "message", ""))),
                    self.e.redact(self.plain(getattr(r, "hint", ""))),
                    getattr(r, "path", ""),
                ]
                for r in self.reminders
            ],
        )
        if self.m.result is not None:
            text = json_report(Report(self.m.result, shown=open_))
            files["data/violations.json"] = self.e.redact(text)
        files["feed.xml"] = atom_feed(self)
        return files
