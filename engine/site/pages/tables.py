"""Tables and status blocks shared by the page families."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from engine import records as records_mod
from engine.errors import InputError
from engine.labels import (
    FIELD,
    SEVERITY,
    article_zh,
)
from engine.records import Record
from engine.site.markup import block, table
from engine.site.model import public_fields
from engine.site.pages.kit import Kit
from engine.site.pages.text import csv_join
from engine.timeutil import parse_date
from engine.violations import Violation


def _order(v: Violation) -> tuple[int, str, str, int]:
    """The order of violations in tables and downloads."""
    return (v.article, v.day, v.path, v.line)


class Tables(Kit):
    """Tables and small blocks used by several page families."""

    def violation_rows(self, items: Iterable[Violation]) -> list[list[object]]:
        return [self._violation_row(v) for v in sorted(items, key=_order)]

    def _violation_row(self, v: Violation) -> list[object]:
        return [
            article_zh(v.article),
            v.day,
            self.unit_name(v.unit),
            self.account_title(v.account) if v.account else "",
            SEVERITY.get(v.severity, v.severity),
            self.e.redact(self.plain(v.message)),
            self.entered(v.path),
            v.path,
            v.line,
        ]

    def violation_csv(self, items: Iterable[Violation]) -> str:
        """``csv_text(VIOLATION_CSV, violation_rows(items))``, each violation's line made
        once (a violation stands in the unit's, the account's and the banner's file)."""
        memo = self._csv_lines
        lines = []
        for v in sorted(items, key=_order):
            key = (v.article, v.day, v.unit, v.account, v.severity, v.message, v.path, v.line)
            line = memo.get(key)
            if line is None:
                line = memo[key] = self._csv.line(self._violation_row(v))
            lines.append(line)
        return csv_join(self._csv.header(self.VIOLATION_CSV), lines)

    VIOLATION_CSV: ClassVar[list[str]] = [
        "条款",
        "发生日期",
        "单位",
        "账号",
        "性质",
        "问题",
        "记入记录日期",
        "记录文件",
        "行",
    ]

    def violation_table(
        self,
        items: Iterable[Violation],
        *,
        who: bool,
        waived: bool = False,
        csv_path: str = "",
        article: bool = True,
    ) -> str:
        items = sorted(items, key=_order)
        headers = [
            *(["条款"] if article else []),
            "发生日期",
            *(["对象"] if who else []),
            "问题",
            "记入记录",
            "记录",
        ]
        if waived:
            headers[-1] = "豁免"
        # A violation stands on up to four pages (home, article, unit, account): its cells
        # are made once, its links once per folder (links are relative to the page's).
        folder = self.link.folder()
        cells = self._cells
        rows = []
        for v in items:
            key = (folder, v.rule, v.article, v.unit, v.account, v.path, v.line)
            links = cells.get(key)
            if links is None:
                links = cells[key] = (
                    self.rule_link(v.rule, v.article),
                    self.who(v.unit, v.account),
                    self.record_link(v.path, v.line),
                )
            text = cells.get((v.message, v.acknowledged, v.path, v.day))
            if text is None:
                text = cells[(v.message, v.acknowledged, v.path, v.day)] = (
                    self.t(v.message)
                    + (
                        ' <span class="gm-acknowledged">(如实登记)</span>' if v.acknowledged else ""
                    ),
                    self.e(self.entered(v.path)),
                    self.e(v.day),
                )
            row = [links[0], text[2]] if article else [text[2]]
            if who:
                row.append(links[1])
            row += [text[0], text[1], "已豁免" if waived else links[2]]
            rows.append(row)
        md = block(table(headers, rows, "gm-violations"))
        if csv_path and items:
            md += self.download_text(csv_path, self.violation_csv(items))
        return md

    def reminder_table(self, items: Sequence[Any], *, who: bool = True) -> str:
        if not items:
            return block('<p class="gm-none">无</p>')
        rows = []
        for r in sorted(items, key=lambda r: (getattr(r, "day", ""), getattr(r, "path", ""))):
            row = [self.e(getattr(r, "day", "") or "—")]
            if who:
                unit, account = getattr(r, "unit", ""), getattr(r, "account", None)
                row.append(self.who(unit, account) if (unit or account) else "全旗")
            article = int(getattr(r, "article", 0) or 0)
            rule = next((x for x in self.rules if x.article == article), None)
            row += [
                self.rule_link(rule.id, article) if rule else "—",
                self.t(getattr(r, "message", "")),
                self.t(getattr(r, "hint", "")) or "—",
            ]
            rows.append(row)
        headers = ["日期", *(["对象"] if who else []), "条款", "提醒", "建议"]
        return block(table(headers, rows, "gm-reminders"))

    def reminders_of(self, test: Callable[[Any], bool]) -> list[Any]:
        return [r for r in self.reminders if test(r)]

    def waivers_in_force(self, prefixes: tuple[str, ...]) -> list[Record]:
        out = []
        for w in self.waivers:
            if not str(w.data["target"]).startswith(prefixes):
                continue
            if parse_date(w.data["approved"]) <= self.m.as_of <= parse_date(w.data["expires"]):
                out.append(w)
        return out

    def waiver_table(self, waivers: list[Record]) -> str:
        rows = []
        for w in waivers:
            data = public_fields(w)
            rule_id = str(data["rule"]).split("/")[0]
            rule = self.m.policy.rules.get(rule_id)
            rule_html = self.rule_link(rule_id, rule.article) if rule else "—"
            target = str(data["target"])
            located = self.record_target(target)
            obj = (
                self.link.a(located, self.e(self.target_name(target)))
                if located
                else self.e(self.target_name(target))
            )
            rows.append(
                [
                    rule_html,
                    obj,
                    self.t(data["reason"]),
                    self.unit_link(str(data["approved_by"])),
                    f"{self.e(data['approved'])} 至 {self.e(data['expires'])}",
                ]
            )
        return block(table(["条款", "对象", "理由", "批准单位", "有效期"], rows, "gm-waivers"))

    def target_name(self, path: str) -> str:
        try:
            located = records_mod.kind_of(path)
        except InputError:
            located = None
        if located:
            ids = located[1]
            if "account" in ids:
                return self.account_title(ids["account"])
            if "unit" in ids:
                return self.unit_name(ids["unit"])
        return "记录"

    def fields_table(self, data: dict[str, Any], skip: set[str], row_id: str) -> str:
        rows = [
            [self.e(FIELD.get(k, "其他")), self.value(v)]
            for k, v in data.items()
            if k not in skip and not isinstance(v, dict)
        ]
        return f'\n<div id="{self.e(row_id)}"></div>\n' + block(
            table(["项目", "内容"], rows, "gm-keep gm-fields")
        )

    def status_line(self) -> str:
        commit = self.m.commit
        if commit is None:
            where = "尚无记录"
        else:  # the site plugin's token is its own text ([a-z0-9]), not escaped
            shown = self.e(commit.sha[:10]) if self.commit_text is None else self.commit_text
            where = f"记录版本 <code>{shown}</code>"
        return block(
            f'<p class="gm-asof">检查日期 <strong>{self.e(self.m.as_of.isoformat())}</strong>'
            f' · {where} · <a href="{self.e(self.link.href("guide.md"))}">如何阅读</a></p>'
        )

    def stats(self, items: Sequence[tuple[str, str, str]]) -> str:
        """The status box: (number, label, css) tiles."""
        tiles = "".join(
            f'<div class="gm-stat {css}"><span class="gm-num">{num}</span>'
            f'<span class="gm-label">{label}</span></div>'
            for num, label, css in items
        )
        return block(f'<div class="gm-stats">{tiles}</div>')
