"""Units and accounts: the index, one page per unit and per account."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from engine.banner import AccountFiles
from engine.labels import (
    FIELD,
    PLATFORM,
    UNIT_TYPE,
)
from engine.records import Record
from engine.site.markup import bar_chart, block, table
from engine.site.model import public_fields
from engine.site.pages.tables import Tables
from engine.site.pages.text import (
    anchor,
    months_between,
)
from engine.violations import Violation


class AccountPages(Tables):
    """Units and accounts: the index, one page per unit and per account."""

    def units_index(self) -> str:
        open_ = self.open()
        by_unit = Counter(v.unit for v in open_)
        by_account = Counter(v.account for v in open_ if v.account)
        accounts_of: dict[str, list[AccountFiles]] = defaultdict(list)
        for files in self.accounts.values():
            if files.account is not None:
                accounts_of[files.unit].append(files)
        ranked = sorted(
            self.units.items(), key=lambda kv: (-by_unit[kv[0]], str(kv[1].data["name"]))
        )
        rows = [
            [
                self.unit_link(u),
                self.e(UNIT_TYPE.get(str(r.data["type"]), "")),
                str(len(accounts_of[u])),
                str(by_unit[u]),
            ]
            for u, r in ranked
        ]
        md = "# 单位与账号\n\n" + self.status_line()
        md += "## 单位\n\n" + block(
            table(["单位", "类型", "账号数", "未整改违规"], rows, "gm-units")
        )
        md += self.download(
            "data/units.csv",
            ["单位", "类型", "账号数", "未整改违规", "页面"],
            [
                [
                    self.unit_name(u),
                    UNIT_TYPE.get(str(r.data["type"]), ""),
                    len(accounts_of[u]),
                    by_unit[u],
                    self.page_link(f"units/{u}.md"),
                ]
                for u, r in ranked
            ],
        )
        accounts = sorted(
            (f for f in self.accounts.values() if f.account is not None),
            key=lambda f: (-by_account[f.id], self.account_title(f.id)),
        )
        rows = [
            [
                self.account_link(f.id),
                self.unit_link(f.unit),
                self.status(f),
                str(by_account[f.id]),
            ]
            for f in accounts
        ]
        md += "## 账号\n\n" + block(
            table(["账号", "主办单位", "状态", "未整改违规"], rows, "gm-accounts")
        )
        md += self.download(
            "data/accounts.csv",
            ["平台", "账号名称", "主办单位", "状态", "开设日期", "未整改违规", "页面"],
            [
                [
                    PLATFORM.get(str(f.record.data["platform"]), ""),
                    self.e.redact(f.record.data["name"]),
                    self.unit_name(f.unit),
                    self.status_text(f),
                    f.opened.isoformat(),
                    by_account[f.id],
                    self.page_link(f"accounts/{f.id}.md"),
                ]
                for f in accounts
            ],
        )
        return md

    def page_link(self, src: str) -> str:
        """A page's address: absolute when site_url is set, else relative to the site root."""
        url = src[: -len(".md")] + ".html"
        return (self.site_url.rstrip("/") + "/" + url) if self.site_url else url

    def unit(self, unit_id: str) -> str:
        record = self.units[unit_id]
        data = public_fields(record)
        open_ = self.open_of_unit.get(unit_id, [])
        own = [f for f in self.accounts.values() if f.account is not None and f.unit == unit_id]
        ids = {f.id for f in own}
        reminders = self.reminders_of(
            lambda r: getattr(r, "unit", "") == unit_id or getattr(r, "account", None) in ids
        )
        active = sum(1 for f in own if f.active_on(self.m.as_of))
        name = str(data["name"])
        short = name.removeprefix("新巴尔虎右旗")
        md = self.front([name, short, f"旗{short}" if short != name else ""])
        md += f"# {self.e.heading(name)}\n\n" + self.status_line()
        kind = self.e(UNIT_TYPE.get(str(data["type"]), ""))
        md += self.stats(
            [
                (str(len(open_)), "处未整改的违规", "gm-stat-error" if open_ else "gm-stat-ok"),
                (str(len(reminders)), "条提醒", "gm-stat-reminder"),
                (str(len(own)), f"个账号(运行中 {active})", ""),
            ]
        )
        md += block(f'<p class="gm-meta">单位类型:{kind}</p>')
        md += "## 未整改的违规\n\n"
        md += self.violation_table(open_, who=True, csv_path=f"data/units/{unit_id}.csv")
        if reminders:
            md += "## 提醒\n\n" + self.reminder_table(reminders)
        by_account = Counter(v.account for v in open_ if v.account)
        rows = [[self.account_link(f.id), self.status(f), str(by_account[f.id])] for f in own]
        md += "## 账号\n\n" + block(table(["账号", "状态", "未整改违规"], rows, "gm-accounts"))
        md += self.trend(open_)
        md += "## 基本信息\n\n"
        md += self.fields_table(
            data, {"name", "type", "superior", "publishes_via"}, anchor(record.path)
        )
        extra = []
        if "superior" in data:
            extra.append(f"上级单位:{self.unit_link(str(data['superior']))}")
        if "publishes_via" in data:
            extra.append(f"通过上级账号发布:{self.account_link(str(data['publishes_via']))}")
        if extra:
            md += block("<p>" + "<br>".join(extra) + "</p>")
        prefixes = (f"records/units/{unit_id}/", *(f"records/accounts/{f.id}/" for f in own))
        md += "## 有效期内的豁免\n\n" + self.waiver_table(self.waivers_in_force(prefixes))
        return md

    def trend(self, items: Sequence[Violation]) -> str:
        """A small chart: this unit's open violations by the month they occurred (last 12 months)."""
        if not items:
            return ""
        last = self.m.as_of.strftime("%Y-%m")
        months = months_between(min(v.day[:7] for v in items), last)[-12:]
        counts = Counter(v.day[:7] for v in items)
        earlier = sum(n for m, n in counts.items() if m < months[0])
        values = [counts[m] for m in months]
        chart = bar_chart(
            months,
            [("当月发生", "#b71c1c", values)],
            "本单位未整改的违规按发生月份分布(最近 12 个月)",
            step=30,
        )
        note = f"(更早的 {earlier} 处未画出)" if earlier else ""
        rows = [[self.e(m), str(counts[m])] for m in months]
        return (
            "## 违规按发生月份\n\n"
            + block(
                f'<figure class="gm-figure">{chart}<figcaption>按违规本身的日期计{note}。</figcaption></figure>'
            )
            + block(
                "<details><summary>以表格查看</summary>"
                + table(["月份", "当月发生的未整改违规"], rows, "gm-keep gm-trend")
                + "</details>"
            )
        )

    def account(self, files: AccountFiles) -> str:
        data = public_fields(files.record)
        e = self.e
        mine = self.of_account.get(files.id, [])
        open_ = [v for v in mine if v.status == "open"]
        reminders = self.reminders_of(lambda r: getattr(r, "account", None) == files.id)
        platform = PLATFORM.get(str(data["platform"]), "")
        md = self.front([platform, str(data["name"]), self.account_title(files.id)])
        md += f"# {e.heading(self.account_title(files.id))}\n\n" + self.status_line()
        md += self.stats(
            [
                (str(len(open_)), "处未整改的违规", "gm-stat-error" if open_ else "gm-stat-ok"),
                (str(len(reminders)), "条提醒", "gm-stat-reminder"),
                (self.e(self.status_text(files)), "账号状态", ""),
            ]
        )
        md += block(
            f'<p class="gm-meta">主办单位 {self.unit_link(files.unit)} · '
            f"平台 {self.platform(str(data['platform']))}</p>"
        )
        md += "## 未整改的违规\n\n"
        md += self.violation_table(open_, who=False, csv_path=f"data/accounts/{files.id}.csv")
        if reminders:
            md += "## 提醒\n\n" + self.reminder_table(reminders, who=False)
        waived = [v for v in mine if v.status == "waived"]
        md += "## 有效期内的豁免\n\n" + self.waiver_table(
            self.waivers_in_force((f"records/accounts/{files.id}/",))
        )
        if waived:
            md += "### 被豁免的违规\n\n" + self.violation_table(waived, who=False, waived=True)
        md += "## 基本信息\n\n" + self.fields_table(
            data, {"name", "unit", "platform"}, anchor(files.record.path)
        )
        md += "## 事件记录\n\n" + self.event_table(files)
        counts = self.posts_by_account.get(files.id)
        if counts:
            months = sorted(counts, reverse=True)
            paths = {r.ids["month"]: r.path for r in files.posts}
            md += "## 每月发布数量\n\n" + block(
                table(
                    ["月份", "发布条数"],
                    [[e(m), str(counts[m])] for m in months],
                    "gm-keep gm-posts",
                    row_ids=[anchor(paths[m]) if m in paths else "" for m in months],
                )
            )
        return md

    def event_table(self, files: AccountFiles) -> str:
        def when(record: Record) -> str:
            d = record.data
            return str(d.get("date") or d.get("start") or d.get("from") or "")

        rows = []
        ids = []
        for record in sorted(files.events, key=lambda r: (when(r), r.path)):
            data = public_fields(record)
            kind = str(data.get("type", ""))
            details = [
                f"{self.e(FIELD.get(k, '其他'))}:{self.value(v)}"
                for k, v in data.items()
                if k not in ("type", "date") and not isinstance(v, dict)
            ]
            rows.append(
                [
                    self.e(when(record) or "—"),
                    self.e(self.events.get(kind, "事件")),
                    "<br>".join(details) or "—",
                    self.e(self.entered(record.path)),
                ]
            )
            ids.append(anchor(record.path))
        return block(table(["日期", "事件", "内容", "记入记录"], rows, "gm-events", row_ids=ids))
