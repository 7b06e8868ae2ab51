"""The site's Atom feed: violations that appeared and disappeared, per sampled commit.

Built with ``xml.etree`` (no extra dependency). Entry ids are stable: the violation's
fingerprint, what happened to it and the commit that showed it.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from typing import Protocol

from engine.labels import article_zh
from engine.site.markup import Escaper
from engine.site.model import SiteModel

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 200


class FeedSource(Protocol):
    """What the feed needs of the pages (``engine.site.pages.Pages`` is one)."""

    m: SiteModel
    e: Escaper
    site_url: str
    site_name: str
    existing: set[str]

    def who_text(self, unit: str, account: str | None) -> str: ...

    def plain(self, text: object) -> str: ...


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text:
        node.text = text
    return node


def atom_feed(pages: FeedSource) -> str:
    """The Atom document (RFC 4287) of the newest ``LIMIT`` changes."""
    ET.register_namespace("", ATOM)
    m = pages.m
    base = pages.site_url.rstrip("/") + "/" if pages.site_url else ""
    name = pages.site_name or "政务新媒体合规公示"
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    _sub(feed, "title", f"{name}:违规的变化")
    _sub(feed, "subtitle", "每月最后一次修改记录的提交中,新出现和已消除的违规。")
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    _sub(feed, "id", base + "feed.xml" if base else f"urn:govmedia:{digest}:feed")
    _sub(feed, "link", href=(base + "feed.xml") if base else "feed.xml", rel="self")
    _sub(feed, "link", href=(base + "history.html") if base else "history.html", rel="alternate")
    author = _sub(feed, "author")
    _sub(author, "name", name)
    entries = []
    for point in m.history:
        when = point.when
        if when is None:
            continue
        stamp = when.isoformat(timespec="seconds")
        for kind, items in (("new", point.new_items), ("resolved", point.resolved_items)):
            for item in items:
                entries.append((stamp, kind, point.sha, item))
    entries.sort(key=lambda e: (e[0], e[1], e[3].fingerprint), reverse=True)
    updated = (
        entries[0][0]
        if entries
        else (
            m.commit.date.isoformat(timespec="seconds") if m.commit else "1970-01-01T00:00:00+00:00"
        )
    )
    _sub(feed, "updated", updated)
    for stamp, kind, sha, item in entries[:LIMIT]:
        entry = _sub(feed, "entry")
        verb = "新出现" if kind == "new" else "已消除"
        who = pages.who_text(item.unit, item.account or None)
        _sub(entry, "title", pages.e.redact(f"{verb}:{article_zh(item.article)} · {who}"))
        _sub(entry, "id", f"urn:govmedia:{item.fingerprint}:{kind}:{sha[:12]}")
        _sub(entry, "updated", stamp)
        page = (
            f"accounts/{item.account}.html"
            if item.account and f"accounts/{item.account}.md" in pages.existing
            else f"rules/{item.rule}.html"
        )
        _sub(entry, "link", href=base + page, rel="alternate")
        summary = f"{verb}({item.day or '日期不详'}):{pages.plain(item.message)}"
        _sub(entry, "summary", pages.e.redact(summary))
    text: str = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n"
