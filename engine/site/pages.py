"""The site's pages as Markdown (fixed headings) embedding escaped HTML (everything from records).

``build_pages(model, use_directory_urls)`` returns ``{src_uri: markdown}``;
``Pages.downloads()`` the open-data files (CSV, JSON, the Atom feed).
Every value taken from a record, a rule file or a commit goes through the
model's escaper ``e`` (HTML) or ``e.heading`` (Markdown headings); text people
read goes through ``plain`` first, which turns ids, enum values and message
placeholders into Chinese.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ClassVar

from engine import records as records_mod
from engine.banner import AccountFiles
from engine.errors import InputError
from engine.labels import (
    CATEGORY,
    EVENT_TYPE,
    EVIDENCE_TYPE,
    FIELD,
    INCIDENT_TYPE,
    MEASURE,
    PLACEHOLDER,
    PLATFORM,
    RULE_KIND,
    SEVERITY,
    SUPERVISION_TYPE,
    UNIT_TYPE,
    VALUE,
    account_zh,
    article_zh,
    placeholder_zh,
)
from engine.policy import Rule, Version
from engine.records import Record
from engine.site.feed import atom_feed
from engine.site.markup import Linker, bar_chart, block, table
from engine.site.model import SiteModel, public_fields
from engine.textsafe import clean_lines
from engine.timeutil import parse_date
from engine.violations import Violation

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# A Latin word that may be an id or an enum value: letters, digits, - and _.
_WORD = re.compile(r"(?<![A-Za-z0-9_./-])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?![A-Za-z0-9_/-])")
# A record path or file name in prose ("records/units/<单位>/evidence/", "account.toml").
_PATH = re.compile(
    r"(?<![A-Za-z0-9_/:.])(?:[A-Za-z0-9_<>\u4e00-\u9fff.-]+/)+[A-Za-z0-9_<>\u4e00-\u9fff.-]*"
    r"|(?<![A-Za-z0-9_/])[A-Za-z0-9_-]+\.toml\b"
)
# An aside in brackets that holds only a Latin name: "(collects)", "(personal_data = true)".
_DOTTED = re.compile(r"(?<![A-Za-z0-9_])([a-z_]+)\.([a-z_]+)(?![A-Za-z0-9_])")
# A check named by id (art-12/unapproved-platform) or an article (art-12): 第十二条.
_CHECK_REF = re.compile(r"(?<![A-Za-z0-9_/-])art-(\d{1,2})(?:/[a-z0-9#-]+)?(?![A-Za-z0-9_-])")
# A developer document of this project (docs/decisions/0005-yuanzeshang.md).
_DOC = re.compile(r"(?<![A-Za-z0-9_/])docs/(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md")
_LATIN_ASIDE = re.compile(r"[((]\s*([^()()\u4e00-\u9fff]*[A-Za-z][^()()\u4e00-\u9fff]*)[))]")


def article_aliases(n: int) -> list[str]:
    """How people type article ``n`` besides 第十三条: 十三条, 第13条, 13条."""
    full = article_zh(n)
    return [full[1:], f"第{n}条", f"{n}条"]


def front_matter(tags: Iterable[str]) -> str:
    """Page metadata: ``tags`` only feed the search index (no tags plugin shows them).

    The theme's search matches tags whole, with a very high weight, and splits a typed
    Chinese query into the longest words the index knows (never the whole query): the
    tags 第十三 and 十三 make 第十三条 and 十三条 find article 13, and 13条 is a tag word.
    Values are JSON strings (valid YAML) so that no record text can break the header.
    """
    unique = list(dict.fromkeys(t for t in tags if t))
    if not unique:
        return ""
    return (
        "---\ntags:\n"
        + "".join(f"  - {json.dumps(t, ensure_ascii=False)}\n" for t in unique)
        + "---\n\n"
    )


def event_labels() -> dict[str, str]:
    labels = dict(EVENT_TYPE)
    for branch in records_mod.schema("event").get("allOf", []):
        kind = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        title = branch.get("then", {}).get("title")
        if kind and title and kind not in labels:
            labels[kind] = title
    return labels


def rule_src(rule_id: str) -> str:
    return f"rules/{rule_id}.md"


def anchor(path: str) -> str:
    """The id of a record's entry on its account or unit page."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".toml")
    kind = records_mod.kind_of(path) if path.startswith("records/") else None
    prefix = kind[0] if kind else "r"
    return "r-" + re.sub(r"[^a-z0-9-]+", "-", f"{prefix}-{stem}".lower()).strip("-")


def month_end(month: str) -> date:
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def months_between(first: str, last: str) -> list[str]:
    year, mon = (int(x) for x in first.split("-"))
    out = []
    while f"{year:04d}-{mon:02d}" <= last:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a UTF-8 BOM (Excel opens it as UTF-8); cells that a spreadsheet would take
    for a formula are prefixed with an apostrophe; control and bidi characters escaped."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        cells = []
        for cell in row:
            text = clean_lines("" if cell is None else str(cell))  # a unit's name, too
            if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
                text = "'" + text
            cells.append(text)
        writer.writerow(cells)
    return "\ufeff" + buf.getvalue()


class Pages:
    def __init__(
        self,
        model: SiteModel,
        use_directory_urls: bool,
        repo_url: str = "",
        site_url: str = "",
        site_name: str = "",
    ) -> None:
        self.m = model
        self.e = model.escape
        self.repo_url = repo_url.rstrip("/")
        self.site_url = site_url
        self.site_name = site_name
        result = model.result
        self.violations: list[Violation] = result.violations if result else []
        self.reminders: list[Any] = list(getattr(result, "reminders", []) or []) if result else []
        self.accounts: dict[str, AccountFiles] = dict(result.banner.accounts) if result else {}
        self.units: dict[str, Record] = dict(result.banner.units) if result else {}
        # The waivers that count (engine/authority.py), not every waiver on file.
        self.waivers: list[Record] = list(result.authority.waivers) if result else []
        self.rules = sorted(model.policy.rules.values(), key=lambda r: r.article)
        existing = {
            "index.md",
            "rules/index.md",
            "units/index.md",
            "history.md",
            "coverage.md",
            "about.md",
            "guide.md",
            "data.md",
        }
        existing |= {rule_src(r.id) for r in self.rules}
        existing |= {f"units/{u}.md" for u in self.units}
        existing |= {f"accounts/{a}.md" for a, f in self.accounts.items() if f.account is not None}
        self.existing = existing
        self.link = Linker(use_directory_urls, existing)
        self.events = event_labels()
        self.posts_by_account: dict[str, Counter[str]] = defaultdict(Counter)
        for record in model.of_kind("posts"):
            self.posts_by_account[record.ids["account"]][record.ids["month"]] += len(
                record.data["post"]
            )
        # Latin words a message may contain, and what people call them.
        self.words: dict[str, str] = {k: v for k, v in PLACEHOLDER.items()}
        for table_ in (
            FIELD,
            VALUE,
            CATEGORY,
            UNIT_TYPE,
            EVENT_TYPE,
            EVIDENCE_TYPE,
            INCIDENT_TYPE,
            MEASURE,
            SUPERVISION_TYPE,
            SEVERITY,
            PLATFORM,
        ):
            self.words.update(table_)
        for unit_id in self.units:
            self.words[unit_id] = self.unit_name(unit_id)
        for account_id, files in self.accounts.items():
            if files.account is not None:
                self.words[account_id] = self.account_title(account_id)
        self.files: dict[str, str] = {}

    # ------------------------------------------------------------ small pieces

    def plain(self, text: object) -> str:
        """Text people read: placeholders, ids and enum values in Chinese (not escaped)."""
        out = _PLACEHOLDER.sub(lambda m: placeholder_zh(m.group(1)), str(text))
        return _WORD.sub(lambda m: self.words.get(m.group(0), m.group(0)), out)

    def front(self, tags: Iterable[str], prefixes: bool = True) -> str:
        """Search tags; with ``prefixes`` each name also without its last character, so that
        the search (which splits a query into index words shorter than the query) finds a
        typed name whole: 小红书 is split into 小红, which matches the tags 小红 and 小红书."""
        # Search words only: characters that could start markup are dropped.
        names = [re.sub(r"[<>&\"'`]", " ", self.e.redact(t)).strip() for t in tags]
        if prefixes:
            names += [t[:-1] for t in names if len(t) >= 3]
        return front_matter(names)

    def t(self, text: object) -> str:
        """``plain`` text, escaped."""
        return self.e(self.plain(text))

    def prose(self, text: object) -> str:
        """Explanations written for clerks, for citizens: record paths become 记录文件,
        bracketed Latin field names (asides next to their Chinese) are dropped, the rest
        is ``plain``."""

        def path(m: re.Match[str]) -> str:
            return "记录文件" if re.search("[A-Za-z]", m.group(0)) else m.group(0)

        def dotted(m: re.Match[str]) -> str:
            a, b = m.group(1), m.group(2)
            if a in self.words and b in self.words:
                return f"{self.words[a]}的{self.words[b]}"
            return m.group(0)

        out = _DOC.sub("本规则集的设计说明", str(text))
        out = _CHECK_REF.sub(lambda m: article_zh(int(m.group(1))), out)
        out = _PATH.sub(path, out)
        out = re.sub(r"\s*\.toml\b", "扩展名", out)
        out = _LATIN_ASIDE.sub("", out)
        out = _DOTTED.sub(dotted, out)
        return self.plain(out)

    def open(self) -> list[Violation]:
        return [v for v in self.violations if v.status == "open"]

    def unit_name(self, unit_id: str) -> str:
        record = self.units.get(unit_id)
        return str(record.data["name"]) if record else unit_id

    def account_title(self, account_id: str) -> str:
        files = self.accounts.get(account_id)
        if files and files.account:
            return account_zh(str(files.record.data["platform"]), str(files.record.data["name"]))
        return account_id

    def unit_link(self, unit_id: str) -> str:
        return self.link.a(f"units/{unit_id}.md", self.e(self.unit_name(unit_id)))

    def account_link(self, account_id: str) -> str:
        return self.link.a(f"accounts/{account_id}.md", self.e(self.account_title(account_id)))

    def who(self, unit: str, account: str | None) -> str:
        return self.account_link(account) if account else self.unit_link(unit)

    def who_text(self, unit: str, account: str | None) -> str:
        return self.account_title(account) if account else self.unit_name(unit)

    def rule_link(self, rule_id: str, article: int) -> str:
        return self.link.a(rule_src(rule_id), self.e(article_zh(article)))

    def value(self, value: Any) -> str:
        """A parameter or field value as escaped HTML."""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(self.value(v) for v in value) or "(空)"
        if isinstance(value, dict):
            return "<br>".join(
                f"{self.e(self.words.get(str(k), self.prose(k)))}: {self.value(v)}"
                for k, v in value.items()
            )
        if isinstance(value, str) and value in self.words:
            return self.e(self.words[value])
        return self.e(self.prose(value))

    def paragraphs(self, text: str, law: bool = False) -> str:
        """Paragraphs of rule text: the law's own words as they are (only ids and values in
        Chinese), explanations through ``prose``."""
        show = self.plain if law else self.prose
        return "".join(f"<p>{self.e(show(p))}</p>" for p in text.splitlines() if p.strip())

    def platform(self, platform: str) -> str:
        return self.e(PLATFORM.get(platform, platform))

    def closed(self, files: AccountFiles) -> bool:
        closed = files.closed_on
        return closed is not None and closed <= self.m.as_of

    def status_text(self, files: AccountFiles) -> str:
        closed = files.closed_on
        if closed is not None and closed <= self.m.as_of:
            return f"已关停({closed.isoformat()})"
        if files.opened > self.m.as_of:
            return "尚未开设"
        return "运行中"

    def status(self, files: AccountFiles) -> str:
        text = self.status_text(files)
        css = "gm-active" if text == "运行中" else "gm-closed"
        return f'<span class="{css}">{self.e(text)}</span>'

    def record_target(self, path: str) -> str | None:
        """The page (with anchor) where a record can be read, or None."""
        try:
            located = records_mod.kind_of(path)
        except InputError:  # not a record path
            return None
        if not located:
            return None
        _kind, ids = located
        if "account" in ids and f"accounts/{ids['account']}.md" in self.existing:
            return f"accounts/{ids['account']}.md"
        if "unit" in ids and f"units/{ids['unit']}.md" in self.existing:
            return f"units/{ids['unit']}.md"
        return None

    def record_link(self, path: str, line: int) -> str:
        links = []
        target = self.record_target(path)
        if target is not None:
            href = self.link.href(target, anchor(path))
            links.append(f'<a class="gm-more" href="{self.e(href)}">查看记录</a>')
        if self.repo_url and self.m.commit is not None:
            url = f"{self.repo_url}/blob/{self.m.commit.sha}/{path}" + (f"#L{line}" if line else "")
            links.append(f'<a class="gm-more" href="{self.e(url)}">源文件</a>')
        return " · ".join(links) or "—"

    def entered(self, path: str) -> str:
        day = self.m.entered.get(path)
        return day.isoformat() if day else "—"

    def download(self, path: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
        """Register a CSV download and return a link to it."""
        self.files[path] = csv_text(headers, rows)
        href = self.e(self.link.file(path))
        return block(f'<p class="gm-download"><a href="{href}" download>下载本表(CSV)</a></p>')

    def violation_rows(self, items: Iterable[Violation]) -> list[list[object]]:
        return [
            [
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
            for v in sorted(items, key=lambda v: (v.article, v.day, v.path, v.line))
        ]

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
        items = sorted(items, key=lambda v: (v.article, v.day, v.path, v.line))
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
        rows = []
        for v in items:
            row = [*([self.rule_link(v.rule, v.article)] if article else []), self.e(v.day)]
            if who:
                row.append(self.who(v.unit, v.account))
            row += [
                self.t(v.message)
                + (' <span class="gm-acknowledged">(如实登记)</span>' if v.acknowledged else ""),
                self.e(self.entered(v.path)),
                "已豁免" if waived else self.record_link(v.path, v.line),
            ]
            rows.append(row)
        md = block(table(headers, rows, "gm-violations"))
        if csv_path and items:
            md += self.download(csv_path, self.VIOLATION_CSV, self.violation_rows(items))
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
        where = f"记录版本 <code>{self.e(commit.sha[:10])}</code>" if commit else "尚无记录"
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

    def authority_line(self) -> str:
        """The trust root of the authority file: where the signatures' authority starts."""
        root = self.m.authority_root
        if root is not None:
            text = (
                f"授权名录根版本: <code>{self.e(root.commit[:10])}</code>"
                f"({self.e(root.when.strftime('%Y-%m-%d'))})"
            )
        else:
            text = f"授权名录根版本: 无({self.t(self.m.authority_problem or '未建立授权名录')})"
        return block(f'<p class="gm-authority-root">{text}</p>')

    def authority_warnings(self) -> str:
        verdict = self.m.result.authority if self.m.result is not None else None
        if verdict is None or not verdict.warnings:
            return block("<p>全部豁免和监管记录都由其单位登记的人员签名提交。</p>")
        rows = [
            [self.e(self.target_name(w.path) if "/" in w.path else w.path), self.t(w.message)]
            for w in verdict.warnings
        ]
        return block(table(["记录", "原因"], rows, "gm-authority"))

    # ------------------------------------------------------------ pages

    def all(self) -> dict[str, str]:
        pages: dict[str, Callable[[], str]] = {
            "index.md": self.home,
            "rules/index.md": self.rules_index,
            "units/index.md": self.units_index,
            "history.md": self.history,
            "coverage.md": self.coverage,
            "about.md": self.about,
            "guide.md": self.guide,
            "data.md": self.data,
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
            tiles.insert(1, (str(len(open_) - len(errors)), "处需注意(警示)", "gm-stat-reminder"))
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
        open_ = [v for v in self.open() if v.unit == unit_id]
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
        mine = [v for v in self.violations if v.account == files.id]
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

    # ------------------------------------------------------------ history

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

    # ------------------------------------------------------------ coverage, about, guide

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
                        "本条还没有写入规则手册。",
                    ]
                )
                continue
            checks = {c.id for v in rule.versions for c in v.checks}
            if checks:
                checked += 1
            why = self.paragraphs(rule.not_checked) if rule.not_checked else ""
            if not checks and not why:
                why = {
                    "parameter": "本条给出的日期或数值作为参数用于其他条款的检查,本身没有单独的检查。",
                    "informational": "本条是原则或说明,不规定可以从记录判断的义务。",
                }.get(rule.kind, "本条尚无规则检查。")
            rows.append(
                [
                    self.rule_link(rule.id, rule.article),
                    self.t(rule.title),
                    self.e(RULE_KIND.get(rule.kind, "")),
                    f'<span class="gm-active">有,{len(checks)} 项检查</span>'
                    if checks
                    else '<span class="gm-closed">没有</span>',
                    why if not checks else "",
                ]
            )
        md = "# 覆盖范围\n\n" + self.status_line()
        md += block(
            f"<p>办法共 {last} 条,已录入 {len(by_article)} 条,其中 {checked} 条有规则检查。"
            "没有规则检查的条款,说明了原因。</p>"
        )
        md += block(
            table(["条款", "内容", "类型", "规则检查", "未检查的原因"], rows, "gm-coverage")
        )
        md += "## 豁免和监管记录的签名\n\n"
        md += block(
            "<p>豁免和监管记录只有由其单位在授权名录中登记的人员"
            "签名提交才生效;授权名录的每次修改须由主管单位登记的人员签名,"
            "其第一个版本(根版本)是信任的起点。</p>"
        )
        md += self.authority_line()
        md += self.authority_warnings()
        return md

    def supervising_unit(self) -> str | None:
        for rule in self.rules:
            for version in reversed(rule.versions):
                value = version.parameters.get("supervising_unit")
                if isinstance(value, str):
                    return value
            value = rule.parameters.get("supervising_unit")
            if isinstance(value, str):
                return value
        return None

    def about(self) -> str:
        p = self.m.policy
        checked = sum(1 for r in self.rules if any(v.checks for v in r.versions))
        md = "# 关于本站\n\n" + self.status_line()
        md += "## 本站是什么\n\n" + block(
            "<p>本站公开新巴尔虎右旗各单位政务新媒体账号遵守《新巴尔虎右旗政务新媒体管理办法(试行)》"
            "的情况。页面全部由计算机根据各单位登记的记录和逐条写成规则的办法自动生成,"
            "同一次检查的结果用于全站的每一个数字。</p>"
        )
        md += "## 依据的办法\n\n" + block(
            f"<p>《新巴尔虎右旗政务新媒体管理办法(试行)》,自 "
            f"<strong>{self.e(p.measures_effective.isoformat())}</strong> 起施行。"
            f'逐条的原文和解读见<a href="{self.e(self.link.href("rules/index.md"))}">规则手册</a>。</p>'
        )
        md += "## 检查什么,不检查什么\n\n" + block(
            f"<p>办法的 {len(self.rules)} 条中,{checked} 条有规则检查:根据记录判断是否做到"
            "(例如按时更新、审核、备案、关停程序、专人负责)。其余条款是原则、授权或说明,"
            "无法从记录判断,各条的原因见"
            f'<a href="{self.e(self.link.href("coverage.md"))}">覆盖范围</a>。'
            "本站只根据登记的记录判断,不到各平台上查看账号实际发布的内容;记录不全时,结论也可能不全。"
            "无法判断的情况列为「提醒」,不计为违规。</p>"
        )
        md += "## 记录怎样到这里\n\n" + block(
            "<p>各单位把账号开设、关停、负责人、每月发布与审核等情况写成记录文件,"
            "提交到记录库;每次提交都会自动检查格式。本站按检查日期重新检查全部记录后生成。"
            "豁免和监管记录须由授权人员签名提交才生效。"
            "联系人姓名、电话、合同金额、审核人等字段不公开,本站不会显示。</p>"
        )
        md += "## 信任起点\n\n" + block(
            "<p>谁有权签名提交豁免和监管记录,登记在授权名录中;"
            "名录的第一个版本(根版本)是核验一切签名的起点。</p>"
        )
        md += self.authority_line()
        md += "## 联系\n\n"
        sup = self.supervising_unit()
        if sup and sup in self.units:
            data = public_fields(self.units[sup])
            offices = [
                str(data[k])
                for k in ("newmedia_office", "supervising_office")
                if isinstance(data.get(k), str)
            ]
            office = f"{self.e(offices[0])}" if offices else ""
            md += block(
                f"<p>对本站内容或某个账号的记录有疑问,请联系全旗政务新媒体工作的主管单位:"
                f"{self.unit_link(sup)}"
                + (f"(负责政务新媒体工作的机构:{office})" if office else "")
                + "。本站不公开个人的姓名和电话。</p>"
            )
        else:
            md += block("<p>主管单位尚未登记在单位名录中。</p>")
        return md

    def guide(self) -> str:
        md = "# 如何阅读\n\n" + self.status_line()
        md += "## 检查日期\n\n" + block(
            "<p>每页顶部写着检查日期。全站所有数字来自同一次检查:按这一天检查截至这一天的记录。"
            "例如「连续两周未更新」只有在两周过去之后才算违规。</p>"
        )
        md += "## 违规和提醒\n\n" + block(
            "<p><strong>违规</strong>:记录显示没有做到办法要求的事。"
            "<strong>提醒</strong>:无法从记录判断的事,或需要有人看一看的事(例如某年的节假日安排还没有登记);"
            "提醒不是违规,单独计数。<strong>已豁免</strong>:经批准在一段时间内不按某条执行,不计入未整改。</p>"
        )
        md += "## 两个日期\n\n" + block(
            "<p>每处违规有两个日期:</p><ul>"
            "<li><strong>发生日期</strong>:违规本身的日期,取自记录的内容,例如应当更新却没有更新的那一周、"
            "发布的那一天、应当备案的最后期限。</li>"
            "<li><strong>记入记录</strong>:违规所指的记录文件第一次提交到记录库的日期。"
            "很多记录是事后补录的,所以它可能比发生日期晚得多。</li></ul>"
        )
        md += "## 历史的两种看法\n\n" + block(
            "<p><strong>按违规发生的月份</strong>:用今天的记录,把违规放到它发生的月份;"
            "某月底的数字是「到那时已经发生、至今仍未整改」的违规数。"
            "<strong>按当时的记录</strong>:每月最后一次提交时的记录当时显示的违规数;"
            "补录的记录会让违规在「记入」的月份才出现。两者的最新数字相同,都等于首页的数字。</p>"
        )
        md += "## 账号名称\n\n" + block(
            "<p>账号写成「平台·名称」,例如「微信公众号·某某发布」,以区分不同平台上同名的账号。</p>"
        )
        md += "## 查看记录\n\n" + block(
            "<p>每处违规的「查看记录」链接到该记录在账号或单位页面上的条目"
            + ("; 「源文件」链接到公开记录库中的文件和行" if self.repo_url else "")
            + "。</p>"
        )
        return md

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
        files["data/violations.csv"] = csv_text(self.VIOLATION_CSV, self.violation_rows(open_))
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
        {"开放数据": "data.md"},
        {"如何阅读": "guide.md"},
        {"关于本站": "about.md"},
    ]
