"""What every page family shares: the model's numbers, names, links and plain text."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

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
    SEVERITY,
    SUPERVISION_TYPE,
    UNIT_TYPE,
    VALUE,
    account_zh,
    article_zh,
    placeholder_zh,
)
from engine.records import Record
from engine.site.markup import Linker, block
from engine.site.model import SiteModel
from engine.site.pages.text import (
    _CHECK_REF,
    _DOC,
    _DOTTED,
    _LATIN_ASIDE,
    _PATH,
    _PLACEHOLDER,
    _WORD,
    CsvLines,
    anchor,
    csv_text,
    event_labels,
    front_matter,
    rule_src,
)
from engine.violations import Violation


class Kit:
    def __init__(
        self,
        model: SiteModel,
        use_directory_urls: bool,
        repo_url: str = "",
        site_url: str = "",
        site_name: str = "",
        commit_text: str | None = None,
    ) -> None:
        self.m = model
        # What the status line shows as the commit: its short id, or a token the site
        # plugin puts the short id in for (its cached pages then do not change per commit).
        self.commit_text = commit_text
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
        for account_id, counts in model.post_counts.items():
            self.posts_by_account[account_id].update(counts)
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
        # Table cells made once per build (``Tables.violation_table``).
        self._cells: dict[tuple[Any, ...], tuple[str, str, str]] = {}
        self._csv = CsvLines()
        self._csv_lines: dict[tuple[Any, ...], str] = {}  # ``Tables.violation_csv``
        # ``plain`` texts already made (the words above are complete now).
        self._plain: dict[str, str] = {}

    # ------------------------------------------------------------ small pieces

    def plain(self, text: object) -> str:
        """Text people read: placeholders, ids and enum values in Chinese (not escaped)."""
        source = str(text)
        memo = self._plain
        done = memo.get(source)
        if done is None:
            out = _PLACEHOLDER.sub(lambda m: placeholder_zh(m.group(1)), source)
            done = _WORD.sub(lambda m: self.words.get(m.group(0), m.group(0)), out)
            if len(memo) < 1_000_000:  # a violation's message stands on four pages
                memo[source] = done
        return done

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

    @cached_property
    def open_of_unit(self) -> dict[str, list[Violation]]:
        """Open violations per unit, in the evaluation's order (one pass for all unit pages)."""
        out: dict[str, list[Violation]] = defaultdict(list)
        for v in self.violations:
            if v.status == "open":
                out[v.unit].append(v)
        return out

    @cached_property
    def of_account(self) -> dict[str, list[Violation]]:
        """Every violation (open or waived) per account, in the evaluation's order."""
        out: dict[str, list[Violation]] = defaultdict(list)
        for v in self.violations:
            if v.account:
                out[v.account].append(v)
        return out

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
        return self.download_text(path, csv_text(headers, rows))

    def download_text(self, path: str, text: str) -> str:
        """Register a download (the file's text) and return a link to it."""
        self.files[path] = text
        href = self.e(self.link.file(path))
        return block(f'<p class="gm-download"><a href="{href}" download>下载本表(CSV)</a></p>')
