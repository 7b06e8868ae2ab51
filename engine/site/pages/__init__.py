"""The site's pages as Markdown (fixed headings) embedding escaped HTML (everything from records).

``Pages(model, use_directory_urls).all()`` returns ``{src_uri: markdown}``;
``Pages.downloads()`` the open-data files (CSV, JSON, the Atom feed).
Every value taken from a record, a rule file or a commit goes through the
model's escaper ``e`` (HTML) or ``e.heading`` (Markdown headings); text people
read goes through ``plain`` first, which turns ids, enum values and message
placeholders into Chinese.

One module per page family, each a mixin over :class:`~engine.site.pages.tables.Tables`
(shared tables) and :class:`~engine.site.pages.kit.Kit` (names, links, plain text):
``home``, ``rulebook`` (articles), ``accounts`` (units and accounts), ``history``,
``about`` (coverage, about, the reading guide) and ``data`` (open data and downloads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.site.model import SiteModel
from engine.site.pages.about import AboutPages
from engine.site.pages.accounts import AccountPages
from engine.site.pages.data import DataPages
from engine.site.pages.history import HistoryPages
from engine.site.pages.home import HomePages
from engine.site.pages.reuse import ReusedTables
from engine.site.pages.rulebook import RulebookPages
from engine.site.pages.text import rule_src

__all__ = ["Pages", "build_pages", "nav"]


class Pages(
    ReusedTables, HomePages, RulebookPages, AccountPages, HistoryPages, AboutPages, DataPages
):
    """Every page of the site and its downloads (violation tables remembered between
    builds when the site plugin gives a ``memo``: engine/site/pages/reuse.py)."""

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
