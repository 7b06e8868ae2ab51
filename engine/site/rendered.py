"""Rendered pages remembered between site builds (the plugin's page cache).

Rendering a page with MkDocs (Markdown, the theme's templates, the search plugin's
HTML parse and word segmentation) costs about 5 ms; a banner's site has hundreds of
pages and one new commit changes few of them. A page's final HTML depends on:

- its own Markdown (as the plugin generated it, before placeholders, cut at the commit
  token) and source path;
- the build's *context*: this engine's code, the installed packages (MkDocs, the theme,
  Markdown, jieba...), the MkDocs configuration (without ``site_dir``), the theme's
  override templates, every plugin's configuration, the check date, and the list of the
  site's files (Markdown links are resolved against it);
- the navigation: every entry's title and address (each page shows the whole
  navigation and its neighbours);
- the commit, shown in every page's footer: rendered as a per-build token and put
  in when the page is written, so the remembered HTML is the same for every commit.

The entry of a page is keyed by the digest of the first two (``Rendered.key``); it
holds the page's title and anchors (what other pages and MkDocs need of it), the
navigation digest it was rendered with, its search-index entries and its HTML, cut
at the commit token. A build reuses an entry only if the navigation digest matches;
otherwise the page is rendered again. Every page, remembered or not, goes through
the leak check before it is written (the private values change with the records).

Entries live in the check's content-addressed cache (``engine.cache``): atomic,
checksummed, a damaged entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.cache import Cache, digest, installed_versions, result_key

# What a page entry looks like; a new layout is a new key.
_FORMAT = "govmedia-site-page/1"


@dataclass
class Rendered:
    """One page as a build rendered it, cut where the commit goes.

    The commit stands on a page twice: in the status line of its content (``"c"``:
    escaped as record text is) and in the theme's footer (``"f"``: escaped by the
    template). A build renders each as a token of its own, random per build."""

    title: str | None
    anchors: list[str]
    nav: str
    entries: list[str]  # the JSON text of the page's search-index entries, cut at "c"
    parts: list[str]  # the HTML, cut at the commit
    marks: str  # which commit goes into each cut of ``parts``: "c" or "f"

    def html(self, commits: dict[str, str]) -> str:
        out = [self.parts[0]]
        for mark, part in zip(self.marks, self.parts[1:], strict=True):
            out += [commits[mark], part]
        return "".join(out)


class PageCache:
    def __init__(self, cache: Cache, context: str) -> None:
        self.cache = cache
        self.context = context

    def key(self, src_uri: str, markdown: list[str]) -> str:
        """The key of a page's entry: its source path and its Markdown, cut where the
        commit goes (each cut's length in the digest: the cuts are told apart)."""
        h = hashlib.sha256(digest([_FORMAT, self.context, src_uri]).encode())
        for part in markdown:
            data = part.encode("utf-8", "surrogatepass")
            h.update(b"%d\0" % len(data))
            h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> Rendered | None:
        """The page's entry without its HTML (read later, by ``html_parts``), or None."""
        meta = self.cache.get(key)
        if not isinstance(meta, dict):
            return None
        try:
            rendered = Rendered(
                title=meta["title"],
                anchors=[str(a) for a in meta["anchors"]],
                nav=str(meta["nav"]),
                entries=[str(e) for e in meta["entries"]],
                parts=[],
                marks="",
            )
        except (KeyError, TypeError):
            return None
        if rendered.title is not None and not isinstance(rendered.title, str):
            return None
        return rendered

    def html_parts(self, key: str) -> tuple[list[str], str] | None:
        """The page's HTML, cut where the commit goes, and the marks of the cuts."""
        body = self.cache.get_bytes(_html_key(key))
        if body is None:
            return None
        try:
            head, _, text = body.partition(b"\n")
            layout = json.loads(head)
            marks = str(layout["marks"])
            parts, at = [], 0
            for size in layout["sizes"]:
                parts.append(text[at : at + size].decode("utf-8"))
                at += size
        except (ValueError, TypeError, KeyError):
            return None
        if at != len(text) or len(marks) + 1 != len(parts) or set(marks) - {"c", "f"}:
            return None
        return parts, marks

    def put(self, key: str, rendered: Rendered) -> None:
        encoded = [part.encode("utf-8") for part in rendered.parts]
        head = json.dumps({"sizes": [len(p) for p in encoded], "marks": rendered.marks})
        # The HTML first: an entry whose HTML is missing is a miss anyway.
        self.cache.put_bytes(_html_key(key), head.encode() + b"\n" + b"".join(encoded))
        self.cache.put(
            key,
            {
                "title": rendered.title,
                "anchors": rendered.anchors,
                "nav": rendered.nav,
                "entries": rendered.entries,
            },
        )

    def keep(self, used: Iterable[str], builds: int) -> None:
        """Mark this build's entries as just used, and delete all but about ``builds``
        builds' worth of entries: the cache of pages stays bounded."""
        keys = list(used)
        for key in keys:
            self.cache.touch(key)
            self.cache.touch(_html_key(key))
        self.cache.keep_newest(2 * len(keys) * builds)


def _html_key(key: str) -> str:
    return digest([key, "html"])


def context_key(config: Any, as_of: str, has_commit: bool, files: Iterable[str]) -> str:
    """The digest of everything besides a page's own Markdown that its HTML depends on
    (the module's docstring), with ``config`` a loaded ``MkDocsConfig``."""
    settings = []
    for name in sorted(config.keys()):
        if name in ("site_dir", "plugins", "theme", "nav", "config_file_path"):
            continue
        settings.append(f"{name}={config[name]!r}")
    theme = config.theme
    settings.append(f"theme={theme.name!r} {sorted((k, repr(v)) for k, v in theme.items())}")
    for name, plugin in config.plugins.items():
        options = sorted((k, repr(v)) for k, v in plugin.config.items())
        settings.append(f"plugin={name} {type(plugin).__module__} {options}")
    versions = sorted(f"{k}={v}" for k, v in installed_versions().items())
    return result_key(
        _FORMAT,
        digest(settings),
        digest(versions),
        digest(_folder_texts(theme.custom_dir)),
        as_of,
        str(has_commit),
        digest(sorted(files)),
    )


def _folder_texts(folder: str | None) -> list[str]:
    """Every file under ``folder`` (a theme's custom_dir): its path and its bytes' digest."""
    if not folder or not os.path.isdir(folder):
        return []
    out = []
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(base, name)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            out.append(f"{path.relative_to(folder).as_posix()} {hashlib.sha256(data).hexdigest()}")
    return out


def nav_key(items: Iterable[Any]) -> str:
    """The digest of the navigation as every page shows it: kind, title and address of
    every entry, in order."""
    seen: list[str] = []

    def walk(entries: Iterable[Any], depth: int) -> None:
        for item in entries:
            kind = type(item).__name__
            url = getattr(item, "url", None)
            seen.append(f"{depth} {kind} {item.title!r} {url!r}")
            children = getattr(item, "children", None)
            if children:
                walk(children, depth + 1)

    walk(items, 0)
    return digest(seen)
