"""The site's pages as Markdown (fixed headings) embedding escaped HTML (everything from records).

``build_pages(model, use_directory_urls)`` returns ``{src_uri: markdown}``.
Every value taken from a record, a rule file or a commit goes through the
model's escaper ``e`` (HTML) or ``e.heading`` (Markdown headings).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from engine import records as records_mod
from engine.banner import AccountFiles
from engine.labels import PLATFORM, RULE_KIND, SEVERITY, UNIT_TYPE, VALUE, article_zh
from engine.policy import Rule, Version
from engine.records import Record
from engine.site.markup import Linker, bar_chart, block, table
from engine.site.model import SiteModel, public_fields
from engine.timeutil import parse_date
from engine.violations import Violation

FIELD_LABELS = {
    "date": "日期",
    "note": "备注",
    "need": "开设需求",
    "plan": "开设方案",
    "basis": "决定方式",
    "document": "文号",
    "with": "备案单位",
    "reference": "备案编号",
    "start": "开始",
    "end": "结束",
    "where": "公告位置",
    "url": "网址",
    "reason": "原因",
    "from": "起",
    "to": "止",
    "role": "职务",
    "contractor": "承办机构",
    "rights_duties": "合同约定权责",
    "confidentiality_agreement": "保密协议日期",
    "qualification_review": "资质审核日期",
    "supervising_office": "主管办公室",
    "newmedia_office": "新媒体工作机构",
    "website_office": "网站管理机构",
    "internal_bodies": "内设机构",
    "sectors": "职能领域",
    "classified": "涉密单位",
    "public_functions": "对外行使公共管理职能",
    "administrative_functions": "承担行政职能",
    "superior": "上级单位",
    "publishes_via": "通过账号发布",
    "certification": "认证信息",
    "opened": "开设日期",
    "purpose": "用途",
    "operated_by": "运营方式",
    "logo": "头像说明",
}


def event_labels() -> dict[str, str]:
    labels = {}
    for branch in records_mod.schema("event").get("allOf", []):
        kind = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        title = branch.get("then", {}).get("title")
        if kind and title:
            labels[kind] = title
    return labels


def rule_src(rule_id: str) -> str:
    return f"rules/{rule_id}.md"


class Pages:
    def __init__(self, model: SiteModel, use_directory_urls: bool) -> None:
        self.m = model
        self.e = model.escape
        result = model.result
        self.violations: list[Violation] = result.violations if result else []
        self.accounts: dict[str, AccountFiles] = dict(result.banner.accounts) if result else {}
        self.units: dict[str, Record] = dict(result.banner.units) if result else {}
        self.waivers: list[Record] = result.banner.waivers if result else []
        self.rules = sorted(model.policy.rules.values(), key=lambda r: r.article)
        existing = {"index.md", "rules/index.md", "units/index.md", "history.md", "coverage.md"}
        existing |= {rule_src(r.id) for r in self.rules}
        existing |= {f"units/{u}.md" for u in self.units}
        existing |= {f"accounts/{a}.md" for a, f in self.accounts.items() if f.account is not None}
        self.link = Linker(use_directory_urls, existing)
        self.events = event_labels()
        self.posts_by_account: dict[str, Counter[str]] = defaultdict(Counter)
        for record in model.of_kind("posts"):
            self.posts_by_account[record.ids["account"]][record.ids["month"]] += len(
                record.data["post"]
            )

    # ------------------------------------------------------------ small pieces

    def open(self) -> list[Violation]:
        return [v for v in self.violations if v.status == "open"]

    def unit_name(self, unit_id: str) -> str:
        record = self.units.get(unit_id)
        return str(record.data["name"]) if record else unit_id

    def account_name(self, account_id: str) -> str:
        files = self.accounts.get(account_id)
        return str(files.record.data["name"]) if files and files.account else account_id

    def unit_link(self, unit_id: str) -> str:
        return self.link.a(f"units/{unit_id}.md", self.e(self.unit_name(unit_id)))

    def account_link(self, account_id: str) -> str:
        return self.link.a(f"accounts/{account_id}.md", self.e(self.account_name(account_id)))

    def rule_link(self, rule_id: str, article: int) -> str:
        return self.link.a(rule_src(rule_id), self.e(article_zh(article)))

    def value(self, value: Any) -> str:
        """A parameter or field value as escaped HTML."""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(self.value(v) for v in value) or "(空)"
        if isinstance(value, dict):
            return "<br>".join(f"{self.e(k)}: {self.value(v)}" for k, v in value.items())
        if isinstance(value, str) and value in VALUE:
            return self.e(VALUE[value])
        if isinstance(value, str) and value in PLATFORM:
            return self.e(PLATFORM[value])
        return self.e(value)

    def paragraphs(self, text: str) -> str:
        return "".join(f"<p>{self.e(p)}</p>" for p in text.splitlines() if p.strip())

    def platform(self, platform: str) -> str:
        return self.e(PLATFORM.get(platform, platform))

    def status(self, files: AccountFiles) -> str:
        closed = files.closed_on
        if closed is not None and closed <= self.m.as_of:
            return f'<span class="gm-closed">已关停({self.e(closed.isoformat())})</span>'
        if files.opened > self.m.as_of:
            return '<span class="gm-closed">尚未开设</span>'
        return '<span class="gm-active">运行中</span>'

    def violation_table(
        self, items: Iterable[Violation], *, who: bool, waived: bool = False
    ) -> str:
        headers = [
            "条款",
            "日期",
            *(["单位 / 账号"] if who else []),
            "问题",
            "记录位置",
            "首次发现",
        ]
        if waived:
            headers[-1] = "豁免记录"
        rows = []
        for v in sorted(items, key=lambda v: (v.article, v.day, v.path, v.line)):
            row = [self.rule_link(v.rule, v.article), self.e(v.day)]
            if who:
                row.append(self.account_link(v.account) if v.account else self.unit_link(v.unit))
            row += [
                f'<span class="gm-{self.e(v.severity)}">{self.e(SEVERITY.get(v.severity, v.severity))}</span> '
                + self.e(v.message),
                f"<code>{self.e(v.path)}:{v.line}</code>",
                f"<code>{self.e(v.waiver)}</code>"
                if waived
                else self.e(self.m.first_seen.get(v.fingerprint, "—")),
            ]
            rows.append(row)
        return block(table(headers, rows, "gm-violations"))

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
            rule_html = self.rule_link(rule_id, rule.article) if rule else self.e(data["rule"])
            rows.append(
                [
                    rule_html
                    + (f" <code>{self.e(data['rule'])}</code>" if "/" in str(data["rule"]) else ""),
                    f"<code>{self.e(data['target'])}</code>",
                    self.e(data["reason"]),
                    self.unit_link(str(data["approved_by"])),
                    f"{self.e(data['approved'])} 至 {self.e(data['expires'])}",
                ]
            )
        return block(table(["条款", "对象", "理由", "批准单位", "有效期"], rows, "gm-waivers"))

    def fields_table(self, data: dict[str, Any], skip: set[str]) -> str:
        rows = [
            [self.e(FIELD_LABELS.get(k, k)), self.value(v)]
            for k, v in data.items()
            if k not in skip and not isinstance(v, dict)
        ]
        return block(table(["项目", "内容"], rows, "gm-fields"))

    def status_line(self) -> str:
        commit = self.m.commit
        where = (
            f"提交 <code>{self.e(commit.sha[:10])}</code>({self.e(commit.date.strftime('%Y-%m-%d %H:%M'))})"
            if commit
            else "无提交"
        )
        return block(
            f'<p class="gm-asof">检查日期 <strong>{self.e(self.m.as_of.isoformat())}</strong>'
            f" · 记录版本 {where}</p>"
        )

    def authority_line(self) -> str:
        """The trust root of the authority file: where the signatures' authority starts."""
        root = self.m.authority_root
        if root is not None:
            text = (
                f"授权名录根版本: <code>{self.e(root.commit)}</code> "
                f"{self.e(root.when.strftime('%Y-%m-%d'))}"
            )
        else:
            text = f"授权名录根版本: 无({self.e(self.m.authority_problem or '未建立授权名录')})"
        return block(f'<p class="gm-authority-root">{text}</p>')

    def authority_warnings(self) -> str:
        verdict = self.m.result.authority if self.m.result is not None else None
        if verdict is None or not verdict.warnings:
            return block("<p>全部豁免和监管记录都由其单位登记的人员签名提交。</p>")
        rows = [[self.e(w.path), self.e(w.message)] for w in verdict.warnings]
        return block(table(["记录", "原因"], rows, "gm-authority"))

    # ------------------------------------------------------------ pages

    def all(self) -> dict[str, str]:
        pages: dict[str, Callable[[], str]] = {
            "index.md": self.home,
            "rules/index.md": self.rules_index,
            "units/index.md": self.units_index,
            "history.md": self.history,
            "coverage.md": self.coverage,
        }
        for rule in self.rules:
            pages[rule_src(rule.id)] = lambda rule=rule: self.article(rule)  # type: ignore[misc]
        for unit_id in self.units:
            pages[f"units/{unit_id}.md"] = lambda u=unit_id: self.unit(u)  # type: ignore[misc]
        for account_id, files in self.accounts.items():
            if files.account is not None:
                pages[f"accounts/{account_id}.md"] = lambda f=files: self.account(f)  # type: ignore[misc]
        out = {}
        for src, make in pages.items():
            self.link.current = src
            out[src] = make()
        return out

    def home(self) -> str:
        open_ = self.open()
        active = sum(
            1 for f in self.accounts.values() if f.account is not None and f.active_on(self.m.as_of)
        )
        total = sum(1 for f in self.accounts.values() if f.account is not None)
        md = "# 政务新媒体合规状况\n\n" + self.status_line()
        if self.m.note:
            md += block(f'<p class="gm-note">{self.e(self.m.note)}</p>')
        md += block(
            table(
                ["检查的单位", "检查的账号", "其中运行中", "未整改的违规", "已豁免"],
                [
                    [
                        str(len(self.units)),
                        str(total),
                        str(active),
                        str(len(open_)),
                        str(len(self.violations) - len(open_)),
                    ]
                ],
                "gm-summary",
            )
        )
        md += "## 各条款未整改的违规\n\n"
        by_rule = Counter(v.rule for v in open_)
        rows = [
            [self.rule_link(r.id, r.article), self.e(r.title), str(by_rule[r.id])]
            for r in self.rules
            if by_rule[r.id]
        ]
        md += block(table(["条款", "内容", "违规数"], rows, "gm-by-article"))
        md += "## 各单位未整改的违规\n\n"
        by_unit = Counter(v.unit for v in open_)
        rows = [
            [self.unit_link(u), str(n)]
            for u, n in sorted(by_unit.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        md += block(table(["单位", "违规数"], rows, "gm-by-unit"))
        md += "## 最近的记录变更\n\n"
        rows = []
        for change in self.m.changes:
            accounts = change.ids("account")
            touched = "、".join(self.account_link(a) for a in accounts[:5])
            if len(accounts) > 5:
                touched += f" 等 {len(accounts)} 个账号"
            units = [u for u in change.ids("unit") if u in self.units]
            if units:
                touched = "、".join(
                    [*(self.unit_link(u) for u in units[:5]), *([touched] if touched else [])]
                )
            rows.append(
                [
                    self.e(change.when.strftime("%Y-%m-%d")),
                    f"<code>{self.e(change.sha[:10])}</code>",
                    str(len(change.paths)),
                    touched or "—",
                ]
            )
        # Commit messages are free text nobody marks private: never published.
        md += block(table(["日期", "提交", "变更的文件数", "涉及"], rows, "gm-changes"))
        md += self.reminders()
        md += self.authority_line()
        return md

    def reminders(self) -> str:
        """What the check could not judge or wants looked at: not violations of any unit."""
        found = self.m.result.reminders if self.m.result is not None else []
        if not found:
            return ""
        rows = [
            [self.e(r.day), self.e(r.message), self.e(r.hint)]
            for r in sorted(found, key=lambda r: (r.day, r.kind, r.path, r.line))
        ]
        return "## 提醒:暂时无法评判或值得核实的事项\n\n" + block(
            table(["日期", "提醒(不是违规)", "怎么办"], rows, "gm-reminders")
        )

    def rules_index(self) -> str:
        by_rule = Counter(v.rule for v in self.open())
        rows = [
            [
                self.rule_link(r.id, r.article),
                self.e(r.title),
                self.e(r.chapter),
                self.e(RULE_KIND.get(r.kind, r.kind)),
                str(len(r.versions)),
                str(by_rule[r.id]),
            ]
            for r in self.rules
        ]
        return (
            "# 规则手册\n\n"
            + block(
                "<p>《新巴尔虎右旗政务新媒体管理办法(试行)》逐条的原文、通俗解释和检查规则。"
                "规则按生效日期分版本:一件事按它发生当天施行的版本评判。</p>"
            )
            + block(table(["条款", "内容", "章", "类型", "版本数", "未整改违规"], rows, "gm-rules"))
        )

    def article(self, rule: Rule) -> str:
        e = self.e
        md = f"# {e.heading(article_zh(rule.article))} {e.heading(rule.title)}\n\n"
        md += block(
            f'<p class="gm-meta">{e(rule.chapter)} · {e(RULE_KIND.get(rule.kind, rule.kind))}'
            f" · 规则编号 <code>{e(rule.id)}</code></p>"
        )
        md += "## 条文\n\n" + block(
            f'<blockquote class="gm-text">{self.paragraphs(rule.text)}</blockquote>'
        )
        md += "## 解读\n\n" + block(f"<div>{self.paragraphs(rule.explanation)}</div>")
        if rule.legal_basis:
            md += "## 依据\n\n" + block(
                "<ul>" + "".join(f"<li>{e(b)}</li>" for b in rule.legal_basis) + "</ul>"
            )
        if rule.parameters:
            md += "## 参数\n\n" + self.parameter_table(rule.parameters, rule.parameter_notes)
        if rule.versions:
            md += "## 版本\n\n"
            for version in rule.versions:
                md += self.version(version)
        if rule.not_checked:
            md += "## 为什么没有规则检查\n\n" + block(
                f"<div>{self.paragraphs(rule.not_checked)}</div>"
            )
        md += self.cases(rule.cases)
        md += "## 当前未整改的违规\n\n"
        md += self.violation_table([v for v in self.open() if v.rule == rule.id], who=True)
        return md

    def parameter_table(self, params: dict[str, Any], notes: dict[str, str]) -> str:
        rows = [
            [f"<code>{self.e(k)}</code>", self.value(v), self.paragraphs(notes.get(k, ""))]
            for k, v in params.items()
        ]
        return block(table(["参数", "取值", "说明"], rows, "gm-params"))

    def version(self, version: Version) -> str:
        e = self.e
        period = f"{version.effective_from.isoformat()} 起"
        if version.effective_to is not None:
            period = (
                f"{version.effective_from.isoformat()} 至 {version.effective_to.isoformat()}(不含)"
            )
        md = f"### {e.heading(f'第 {version.number} 版')}:{e.heading(period)}\n\n"
        md += block(f"<p>{e(version.summary)}</p>")
        if version.parameters:
            md += self.parameter_table(version.parameters, version.parameter_notes)
        if version.choices:
            rows = [
                [e(c.get("question", "")), e(c.get("choice", "")), e(c.get("reason", ""))]
                for c in version.choices
            ]
            md += block(table(["问题", "本规则的做法", "理由"], rows, "gm-choices"))
        seen: dict[str, str] = {}
        for check in version.checks:
            seen.setdefault(check.id, check.message)
        if seen:
            rows = [[f"<code>{e(cid)}</code>", e(msg)] for cid, msg in seen.items()]
            md += block(table(["检查", "违规时的提示(花括号内为记录中的值)"], rows, "gm-checks"))
        return md

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
            names = []
            for item in expect:
                if isinstance(item, dict):
                    names.append(
                        str(
                            item.get("check")
                            or item.get("id")
                            or item.get("rule")
                            or json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
                        )
                    )
                else:
                    names.append(str(item))
            files = case.get("records", {})
            file_names = list(files) if isinstance(files, dict) else []
            row = [
                self.e(case.get("name", f"示例 {i + 1}")),
                self.e(case.get("as_of", "—")),
                "通过(无违规)"
                if not names
                else "违规:" + "、".join(f"<code>{self.e(n)}</code>" for n in names),
                "<br>".join(f"<code>{self.e(f)}</code>" for f in file_names) or "—",
            ]
            (failing if names else passing).append(row)
        if not passing and not failing:
            return ""
        headers = ["示例", "检查日期", "预期结果", "记录文件"]
        md = "## 示例\n\n"
        md += "### 合规的示例\n\n" + block(table(headers, passing, "gm-cases"))
        md += "### 违规的示例\n\n" + block(table(headers, failing, "gm-cases"))
        return md

    def units_index(self) -> str:
        open_ = self.open()
        by_unit = Counter(v.unit for v in open_)
        by_account = Counter(v.account for v in open_ if v.account)
        accounts_of: dict[str, list[AccountFiles]] = defaultdict(list)
        for files in self.accounts.values():
            if files.account is not None:
                accounts_of[files.unit].append(files)
        rows = [
            [
                self.unit_link(u),
                self.e(UNIT_TYPE.get(str(r.data["type"]), r.data["type"])),
                str(len(accounts_of[u])),
                str(by_unit[u]),
            ]
            for u, r in sorted(self.units.items())
        ]
        md = "# 单位与账号\n\n" + self.status_line()
        md += "## 单位\n\n" + block(
            table(["单位", "类型", "账号数", "未整改违规"], rows, "gm-units")
        )
        rows = [
            [
                self.account_link(a),
                self.unit_link(f.unit),
                self.platform(str(f.record.data["platform"])),
                self.status(f),
                str(by_account[a]),
            ]
            for a, f in self.accounts.items()
            if f.account is not None
        ]
        md += "## 账号\n\n" + block(
            table(["账号", "主办单位", "平台", "状态", "未整改违规"], rows, "gm-accounts")
        )
        return md

    def unit(self, unit_id: str) -> str:
        record = self.units[unit_id]
        data = public_fields(record)
        md = f"# {self.e.heading(data['name'])}\n\n" + self.status_line()
        kind = self.e(UNIT_TYPE.get(str(data["type"]), data["type"]))
        md += block(f'<p class="gm-meta">{kind} · 单位编号 <code>{self.e(unit_id)}</code></p>')
        shown = dict(data)
        md += self.fields_table(shown, {"name", "type", "superior", "publishes_via"})
        extra = []
        if "superior" in data:
            extra.append(f"上级单位:{self.unit_link(str(data['superior']))}")
        if "publishes_via" in data:
            extra.append(f"通过上级账号发布:{self.account_link(str(data['publishes_via']))}")
        if extra:
            md += block("<p>" + "<br>".join(extra) + "</p>")
        own = [f for f in self.accounts.values() if f.account is not None and f.unit == unit_id]
        by_account = Counter(v.account for v in self.open() if v.account)
        rows = [
            [
                self.account_link(f.id),
                self.platform(str(f.record.data["platform"])),
                self.status(f),
                str(by_account[f.id]),
            ]
            for f in own
        ]
        md += "## 账号\n\n" + block(
            table(["账号", "平台", "状态", "未整改违规"], rows, "gm-accounts")
        )
        md += "## 未整改的违规\n\n"
        md += self.violation_table([v for v in self.open() if v.unit == unit_id], who=True)
        prefixes = (f"records/units/{unit_id}/", *(f"records/accounts/{f.id}/" for f in own))
        md += "## 有效期内的豁免\n\n" + self.waiver_table(self.waivers_in_force(prefixes))
        return md

    def account(self, files: AccountFiles) -> str:
        data = public_fields(files.record)
        e = self.e
        md = f"# {e.heading(data['name'])}\n\n" + self.status_line()
        md += block(
            f'<p class="gm-meta">主办单位 {self.unit_link(files.unit)} · '
            f"{self.platform(str(data['platform']))} · {self.status(files)}"
            f" · 账号编号 <code>{e(files.id)}</code></p>"
        )
        md += self.fields_table(data, {"name", "unit", "platform"})
        md += "## 未整改的违规\n\n"
        mine = [v for v in self.violations if v.account == files.id]
        md += self.violation_table([v for v in mine if v.status == "open"], who=False)
        waived = [v for v in mine if v.status == "waived"]
        md += "## 有效期内的豁免\n\n" + self.waiver_table(
            self.waivers_in_force((f"records/accounts/{files.id}/",))
        )
        if waived:
            md += "### 被豁免的违规\n\n" + self.violation_table(waived, who=False, waived=True)
        md += "## 事件记录\n\n" + self.event_table(files)
        counts = self.posts_by_account.get(files.id)
        if counts:
            months = sorted(counts)[-12:]
            md += "## 最近的发布数量\n\n" + block(
                table(
                    ["月份", "发布条数"],
                    [[e(m), str(counts[m])] for m in reversed(months)],
                    "gm-posts",
                )
            )
        return md

    def event_table(self, files: AccountFiles) -> str:
        def when(record: Record) -> str:
            d = record.data
            return str(d.get("date") or d.get("start") or d.get("from") or "")

        rows = []
        for record in sorted(files.events, key=lambda r: (when(r), r.path)):
            data = public_fields(record)
            kind = str(data.get("type", ""))
            details = [
                f"{self.e(FIELD_LABELS.get(k, k))}:{self.value(v)}"
                for k, v in data.items()
                if k not in ("type", "date") and not isinstance(v, dict)
            ]
            rows.append(
                [
                    self.e(when(record) or "—"),
                    self.e(self.events.get(kind, kind)),
                    "<br>".join(details) or "—",
                ]
            )
        return block(table(["日期", "事件", "内容"], rows, "gm-events"))

    def history(self) -> str:
        points = self.m.history
        md = "# 历史\n\n"
        md += block(
            "<p>每个月取该月最后一个修改了记录的提交,按提交当天(最新一个按本站检查日期)检查,"
            "与上一个月比较:新出现的违规记为「新出现」,不再出现的记为「已消除」;"
            "最早一个月的「新出现」是当时已有的全部违规。"
            f"最多显示最近 {len(points) or 0} 个月。</p>"
        )
        if not points:
            return md + block('<p class="gm-note">还没有修改记录的提交。</p>')
        labels = [p.month for p in points]
        chart = bar_chart(
            labels,
            [
                ("新出现", "#c62828", [p.opened for p in points]),
                ("已消除", "#2e7d32", [p.resolved for p in points]),
            ],
            "每月新出现和已消除的违规",
            line=("未整改(右轴)", "#1565c0", [p.open for p in points]),
        )
        md += block(f'<div class="gm-chart-wrap">{chart}</div>')
        rows = [
            [
                self.e(p.month),
                f"<code>{self.e(p.sha[:10])}</code>",
                self.e(p.as_of.isoformat()),
                str(p.opened),
                str(p.resolved),
                str(p.open),
                self.e(f"记录有误,未计入:{p.error}") if p.error else "",
            ]
            for p in reversed(points)
        ]
        md += block(
            table(
                ["月份", "提交", "检查日期", "新出现", "已消除", "未整改", "备注"],
                rows,
                "gm-history",
            )
        )
        return md

    def coverage(self) -> str:
        by_article = {r.article: r for r in self.rules}
        last = max([25, *by_article])
        rows = []
        checked = 0
        for n in range(1, last + 1):
            rule = by_article.get(n)
            if rule is None:
                rows.append(
                    [
                        self.e(article_zh(n)),
                        "—",
                        "—",
                        '<span class="gm-missing">尚未录入</span>',
                        "",
                    ]
                )
                continue
            checks = {c.id for v in rule.versions for c in v.checks}
            if checks:
                checked += 1
            rows.append(
                [
                    self.rule_link(rule.id, rule.article),
                    self.e(rule.title),
                    self.e(RULE_KIND.get(rule.kind, rule.kind)),
                    f'<span class="gm-active">有,{len(checks)} 项检查</span>'
                    if checks
                    else '<span class="gm-closed">没有</span>',
                    self.paragraphs(rule.not_checked) if not checks else "",
                ]
            )
        md = "# 覆盖范围\n\n"
        md += block(
            f"<p>办法共 {last} 条,已录入 {len(by_article)} 条,其中 {checked} 条有规则检查。"
            "没有规则检查的条款,说明了原因以及怎样才能检查。</p>"
        )
        md += block(
            table(["条款", "内容", "类型", "规则检查", "未检查的原因"], rows, "gm-coverage")
        )
        md += "## 豁免和监管记录的签名\n\n"
        md += block(
            "<p>豁免和监管记录只有由其单位在授权名录(records/authority.toml)中登记的人员"
            "签名提交才生效;授权名录的每次修改须由主管单位登记的人员签名,"
            "其第一个版本(根版本)是信任的起点。</p>"
        )
        md += self.authority_line()
        md += self.authority_warnings()
        return md


def build_pages(model: SiteModel, use_directory_urls: bool) -> dict[str, str]:
    return Pages(model, use_directory_urls).all()


def nav(model: SiteModel) -> list[Any]:
    """The navigation: home, rulebook (one entry per article), units and accounts, history, coverage."""
    rules = sorted(model.policy.rules.values(), key=lambda r: r.article)
    return [
        {"首页": "index.md"},
        {"规则手册": ["rules/index.md", *(rule_src(r.id) for r in rules)]},
        {"单位与账号": "units/index.md"},
        {"历史": "history.md"},
        {"覆盖范围": "coverage.md"},
    ]
