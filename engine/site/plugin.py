"""MkDocs plugin ``govmedia``: generates the rulebook and status pages from policy/ and records at a ref.

    plugins:
      - search
      - govmedia:
          repo: .          # records repository (relative to mkdocs.yml)
          ref: HEAD        # commit whose records are shown
          as_of: 2026-11-26  # check date (default: the commit's date)
          policy: policy   # rulebook directory (default: <repo>/policy or the bundled one)
          history_samples: 24
          trust_root: trust-root.toml  # signed authority's trust root (default: the
                                       # installed rulebook's; --trust-root wins)

Pages are added in ``on_files`` as generated files; nothing is written into
docs_dir. Each rendered page is checked for private values before it is
written: a leak fails the build instead of reaching the public.
"""

from __future__ import annotations

import hashlib
import html as html_mod
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from engine import gitsafe, pool
from engine import policy as policy_mod
from engine.cache import Cache, default_dir, digest, installed_versions, result_key
from engine.errors import InputError
from engine.resources import bundled_policy_dir
from engine.site.due_pages import due_files
from engine.site.model import SiteModel, gather
from engine.site.pages import Pages, nav
from engine.site.pages.reuse import TableMemo, context_of
from engine.site.rendered import PageCache, Rendered, context_key, nav_key
from engine.site.searchtext import for_search
from engine.site.verified import PrivateSet

log = logging.getLogger("mkdocs.plugins.govmedia")

# The start of a violation table (engine/site/pages/tables.py, markup.table).
_DEFERRED = '<table class="gm-cards gm-violations">'
# A line that starts a raw HTML block for Python-Markdown (a block-level element).
_RAW_BLOCK = re.compile(r"<(div|table|p|ul|ol|dl|section|details|figure|nav|blockquote)[\s>]")


def _one_element(line: str) -> bool:
    """Whether the line is one block-level element, closed at the end of the line: what
    Python-Markdown passes through unchanged. (Two elements side by side it would part
    with a line break; record text is escaped, so every "<" here is markup.)"""
    m = _RAW_BLOCK.match(line)
    if m is None or not line.endswith(f"</{m.group(1)}>"):
        return False
    depth = 0
    for tag in re.finditer(rf"<(/?){m.group(1)}[\s>]", line):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end() == len(line)
    return False


# Plugins whose page events the page cache knows (``_page_cache``): with any other, every
# page is rendered (another plugin's page events are not replayed for a remembered page).
_KNOWN_PLUGINS = frozenset({"search", "material/search", "govmedia"})
# The template a remembered page is "rendered" with: its HTML comes from the cache.
_REMEMBERED_TEMPLATE = "govmedia-remembered-page.html"

# Pages rendered ahead (``_render_ahead``): in this many shares, when there are at least
# _AHEAD_MIN of them (a rebuild renders a few pages here; a full build hundreds, in workers).
_SHARES = 8
_AHEAD_MIN = 64
# The page cache's folder in the cache directory, and how many builds' pages it keeps (an
# entry not reused by this many builds in a row is deleted, ``PageCache.keep``).
_PAGES_FOLDER = "site-pages"
_PAGES_KEPT = 3
# The violation tables' folder (engine/site/pages/reuse.py), bounded the same way.
_TABLES_FOLDER = "site-tables"
# The private values of recent builds (engine/site/verified.py), and how many are kept.
_PRIVATE_FOLDER = "site-private"
_PRIVATE_KEPT = 4
# The theme's compiled templates (``_compiled_templates``): one file per template.
_TEMPLATES_FOLDER = "site-templates"

# Runs of Chinese text whose words are remembered during a build (``_remember_segments``).
_SEGMENTS = 500_000


def _put_back(html: str, blocks: dict[str, str]) -> str:
    for token, block in blocks.items():
        html = html.replace(token, block, 1)
    return html


class GovMediaConfig(base.Config):
    repo = c.Type(str, default=".")
    ref = c.Type(str, default="HEAD")
    as_of = c.Optional(c.Type(str))
    policy = c.Optional(c.Type(str))
    history_samples = c.Type(int, default=24)
    cache = c.Type(bool, default=True)
    trust_root = c.Optional(c.Type(str))


class GovMediaPlugin(BasePlugin[GovMediaConfig]):
    def __init__(self) -> None:
        self.model: SiteModel | None = None
        self.seconds = 0.0
        # src_uri -> placeholder -> the raw HTML block it stands for (``_defer``): put
        # back before the search plugin reads the page (early), or after (the violation
        # tables, deferred).
        self.early: dict[str, dict[str, str]] = {}
        self.deferred: dict[str, dict[str, str]] = {}
        # src_uri -> the page's HTML with the early placeholders (``on_page_content``), and
        # the page as published while the search plugin reads a stand-in (``_search_view``).
        self.held: dict[str, str] = {}
        self.published: dict[str, str] = {}
        self._nonce = secrets.token_hex(8)
        # The page cache (engine/site/rendered.py), when this build can use one.
        self.pages: PageCache | None = None
        self.tables: TableMemo | None = None  # violation tables remembered (pages/reuse.py)
        self.private: PrivateSet | None = None  # this build's private values, by tag
        # Page key -> the tag of the private values its HTML was checked against: of an
        # earlier build (``verdicts``), of this one (``verified``; ``_passed``).
        self.verdicts: dict[str, str] = {}
        self.verified: dict[str, str] = {}
        self.cache = Cache(None)
        self.sources: dict[str, str] = {}  # src_uri -> the generated Markdown
        self.keys: dict[str, str] = {}  # src_uri -> its page-cache key
        self.remembered: dict[str, Rendered] = {}  # src_uri -> its entry, reused
        self.fresh: dict[str, Rendered] = {}  # src_uri -> rendered now, to remember
        self.rendered: dict[str, Rendered] = {}  # src_uri -> rendered ahead (``_render_page``)
        self.checked: set[str] = set()  # pages rendered ahead: their leak check is done
        self.ahead = False  # whether pages are rendered ahead (``_render_ahead``)
        self.saved_meta: dict[str, dict[str, Any]] = {}  # a remembered page's own meta
        self.entry_start: dict[str, int] = {}  # src_uri -> its first search entry
        self.nav: Navigation | None = None
        self.nav_digest = ""
        self.search_entries: list[Any] | None = None
        # Instead of the commit, in the theme's footer and in each page's status line; the
        # commit is put in when a page is written (``on_post_page``), and in the search
        # index (``on_post_build``): a remembered page is the same for every commit.
        self.commit_token = f"gmcommit{secrets.token_hex(8)}"
        self.content_token = f"gmcommit{secrets.token_hex(8)}"
        self._jieba_cut: Callable[..., Any] | None = None  # jieba's own, while replaced
        self._segments: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._segments_added = 0
        self._segments_new: list[tuple[tuple[Any, ...], tuple[str, ...]]] = []
        self._segments_key: str | None = None

    def _base(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def _as_of(self) -> date | None:
        text = self.config.as_of
        if text is None:
            return None
        try:
            return date.fromisoformat(str(text))
        except ValueError:
            raise PluginError(
                f"govmedia: as_of 的值「{text}」不是日历上存在的日期(写成 YYYY-MM-DD)"
            ) from None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._as_of()  # fail early on a bad date
        if not config.site_url:
            # Not "govmedia: ..." (the CLI hides those as already reported): a real warning.
            log.warning(
                "站点配置没有 site_url:sitemap.xml 将不列出任何页面,订阅源只有相对地址。"
                "在 mkdocs.yml 中写上本站的公开地址,例如 site_url: https://example.gov.cn/govmedia/"
            )
        # jieba (the search index's word segmenter) logs its start-up at DEBUG to stderr.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._remember_segments(config)
        return config

    def _remember_segments(self, config: MkDocsConfig) -> None:
        """Segment each run of Chinese text once: per build, and across builds.

        The search plugin hands jieba every run of Chinese characters of every page;
        most are the same sentences on hundreds of pages (the status line, headings,
        table labels of each account's page). jieba's answer depends only on the text
        and its dictionary, so it is remembered; the index is the same. What a build
        segmented is kept in the cache (``_keep_segments``): a rebuild whose pages hold
        no new sentence does not load jieba's dictionary (half a second). ``on_post_build``
        and ``on_build_error`` put jieba back.
        """
        try:
            import jieba
        except ImportError:  # the search plugin then does not segment either
            return
        if self._jieba_cut is not None:  # already in place (a second on_config)
            return
        original = jieba.cut
        memo: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._segments, self._segments_added = memo, 0
        self._segments_key = self._segments_cache_key(config)
        stored = self._own_cache().get(self._segments_key) if self._segments_key else None
        if isinstance(stored, dict):
            for kind, found in stored.items():
                if kind in ("b", "s") and isinstance(found, dict):
                    for text, words in list(found.items())[:_SEGMENTS]:
                        sentence = text.encode("utf-8") if kind == "b" else text
                        memo[(sentence, (), ())] = tuple(str(w) for w in words)

        def cut(sentence: Any, *args: Any, **kwargs: Any) -> Iterator[str]:
            key = (sentence, args, tuple(sorted(kwargs.items())))
            words = memo.get(key)
            if words is None:
                words = tuple(original(sentence, *args, **kwargs))
                if len(memo) < _SEGMENTS:
                    memo[key] = words
                    self._segments_added += 1
                    self._segments_new.append((key, words))
            return iter(words)

        self._jieba_cut = original
        jieba.cut = cut

    def _own_cache(self) -> Cache:
        return Cache(default_dir() if self.config.cache else None)

    def _segments_cache_key(self, config: MkDocsConfig) -> str | None:
        """The cache key of the remembered segmentation: jieba's version and the search
        plugin's dictionaries (names and contents); None without a cache."""
        if not self.config.cache:
            return None
        parts = [f"jieba={installed_versions().get('jieba', '?')}"]
        for name, plugin in config.plugins.items():
            if name in ("search", "material/search"):
                for option in ("jieba_dict", "jieba_dict_user"):
                    path = plugin.config.get(option)
                    parts.append(f"{option}={path!r}")
                    if path and os.path.isfile(path):
                        parts.append(hashlib.sha256(Path(path).read_bytes()).hexdigest())
        return result_key("govmedia-site-segments/1", *parts)

    def _keep_segments(self, config: MkDocsConfig) -> None:
        """Remember what this build segmented (only when it segmented something new)."""
        if not self._segments_added or not self._segments_key:
            return
        kept: dict[str, dict[str, list[str]]] = {"b": {}, "s": {}}
        for (sentence, args, kwargs), words in self._segments.items():
            if args or kwargs:
                continue
            if isinstance(sentence, bytes):
                try:
                    kept["b"][sentence.decode("utf-8")] = list(words)
                except UnicodeDecodeError:
                    continue
            elif isinstance(sentence, str):
                kept["s"][sentence] = list(words)
        self._own_cache().put(self._segments_key, kept)
        self._segments_added = 0

    def _forget_segments(self) -> None:
        if self._jieba_cut is not None:
            import jieba

            jieba.cut = self._jieba_cut
            self._jieba_cut = None

    def on_build_error(self, *, error: Exception) -> None:
        self._forget_segments()

    def _committed_rulebook(self, repo: Path) -> Path:
        """The rulebook the site's ref holds (never the work tree's: an uncommitted edit of
        policy/ must not change what is published), written into a folder that lives as
        long as the plugin; the installed rulebook when the ref holds none."""
        self._rulebook = tempfile.TemporaryDirectory(prefix="govmedia-site-policy-")
        folder = Path(self._rulebook.name) / "policy"
        try:
            found = policy_mod.write_committed(repo, self.config.ref, folder)
        except gitsafe.GitFailed:  # no such ref, or not a repository yet
            found = False
        return folder if found else bundled_policy_dir()

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        started = time.perf_counter()
        base_dir = self._base(config)
        repo = (base_dir / self.config.repo).resolve()
        if self.config.trust_root and not os.environ.get("GOVMEDIA_TRUST_ROOT"):
            # The official run's trust root (docs/decisions/0011-threat-model.md).
            os.environ["GOVMEDIA_TRUST_ROOT"] = str((base_dir / self.config.trust_root).resolve())
        try:
            policy_dir = (
                (base_dir / self.config.policy).resolve()
                if self.config.policy
                else self._committed_rulebook(repo)
            )
            cache = self.cache = self._own_cache()
            self.model = gather(
                repo, self.config.ref, self._as_of(), policy_dir, cache, self.config.history_samples
            )
        except InputError as exc:
            raise PluginError(f"govmedia: {exc.render()}") from exc
        self.ahead = self._replayable(config)
        maker = Pages(
            self.model,
            config.use_directory_urls,
            repo_url=config.repo_url or "",
            site_url=config.site_url or "",
            site_name=config.site_name,
            commit_text=self.content_token if self.ahead else None,
        )
        self.early, self.deferred = {}, {}
        self.tables, self.private = None, None
        if cache.directory is not None:  # violation tables remembered between builds
            self.private = PrivateSet(
                Cache(cache.directory / _PRIVATE_FOLDER), self.model.escape.private
            )
            self.tables = maker.memo = TableMemo(
                Cache(cache.directory / _TABLES_FOLDER),
                context_of(maker),
                self.model.escape,
                self.private,
            )
        self.held, self.published = {}, {}
        self.sources = maker.all()
        pages: dict[str, str | bytes] = {
            src: self._defer(src, text) for src, text in self.sources.items()
        }
        try:
            due = due_files(self.model, config.use_directory_urls, maker.prose)  # 即将到期, .ics
            pages.update(due)
            self.sources.update((src, text) for src, text in due.items() if isinstance(text, str))
        except InputError as exc:
            raise PluginError(f"govmedia: {exc.render()}") from exc
        data = maker.downloads()
        for path, text in data.items():
            leaks = self.model.escape.leaks(text)
            if leaks:
                raise PluginError(
                    f"govmedia: 下载文件 {path} 含有标为不公开的字段值({len(leaks)} 处),已停止生成站点"
                )
        for src_uri, content in {**pages, **data}.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src_uri, content=content))
        if config.nav is None:
            config.nav = [*nav(self.model), {"即将到期": "due/index.md"}]
        self.pages = self._page_cache(config, files)
        self.seconds = time.perf_counter() - started
        log.info(
            f"govmedia: {len(pages)} pages and {len(data)} data files generated in {self.seconds:.2f} s"
        )
        return files

    def _replayable(self, config: MkDocsConfig) -> bool:
        """Whether pages can be rendered apart from MkDocs' own loop and remembered: every
        plugin is one whose page events are known, and the search plugin's index entries
        can be reached. Only then does a page show a commit token (``commit_token``)."""
        self.keys, self.remembered, self.saved_meta, self.entry_start = {}, {}, {}, {}
        self.verdicts, self.verified = {}, {}
        self.fresh, self.rendered, self.checked = {}, {}, set()
        self.search_entries = None
        if not set(config.plugins.keys()) <= _KNOWN_PLUGINS:
            return False
        self.search_entries = _search_entries(config)
        searched = any(name in config.plugins for name in ("search", "material/search"))
        return self.search_entries is not None or not searched

    def _page_cache(self, config: MkDocsConfig, files: Files) -> PageCache | None:
        """The page cache: pages can be replayed and the cache is on; otherwise None."""
        if not self.ahead or self.model is None or self.cache.directory is None:
            return None
        commit = self.model.commit
        pages = PageCache(
            Cache(self.cache.directory / _PAGES_FOLDER),
            context_key(
                config, self.model.as_of.isoformat(), bool(commit), (f.src_uri for f in files)
            ),
        )
        found = pages.cache.get(self._verdicts_key(pages))
        if isinstance(found, dict):
            self.verdicts = {k: v for k, v in found.items() if isinstance(v, str)}
        return pages

    @staticmethod
    def _verdicts_key(pages: PageCache) -> str:
        """Where the pages' leak checks are kept: page key -> tag of the private values
        the page's HTML held none of (engine/site/verified.py)."""
        return digest(["govmedia-site-verdicts/1", pages.context])

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """A page remembered with the same Markdown and context is not rendered: its title
        and anchors are taken from the cache, its HTML later (``on_post_page``)."""
        if self.pages is None:
            return markdown
        src = page.file.src_uri
        # The status line's commit token is random per build: the key holds where it is.
        key = self.pages.key(src, self.sources.get(src, markdown).split(self.content_token))
        self.keys[src] = key
        found = self.pages.get(key)
        if found is None:
            return markdown
        self.remembered[src] = found
        self.saved_meta[src] = dict(page.meta)
        if found.title is not None:
            page.meta["title"] = found.title
        page.meta["template"] = _REMEMBERED_TEMPLATE
        page.meta["search"] = {"exclude": True}  # its entries come from the cache
        return ""

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page is read now: the navigation's titles are known. A remembered page
        rendered with another navigation is rendered again; the others get the small
        template their cached HTML replaces. Then every page not remembered is rendered
        ahead (``_render_ahead``), in worker processes when there are many."""
        self._compiled_templates(env)
        if not self.ahead:
            return env
        self.nav_digest = nav_key(self.nav.items if self.nav is not None else [])
        for src, found in list(self.remembered.items()):
            cut = None
            if self.pages is not None and found.nav == self.nav_digest:
                cut = self.pages.html_parts(self.keys[src])
            if cut is not None and (self.search_entries is not None or not found.entries):
                found.parts, found.marks = cut
                continue
            del self.remembered[src]
            file = files.get_file_from_path(src)
            if file is None or file.page is None:
                continue
            page = file.page
            page.meta = self.saved_meta.pop(src)
            page.markdown = self._defer(src, self.sources[src]) if src in self.sources else None
            if page.markdown is None:
                page.read_source(config)
            page.render(config, files)
            page.content = self.on_page_content(
                page.content or "", page=page, config=config, files=files
            )
        self._render_ahead(env, config, files)
        if self.remembered:
            import jinja2

            env.loader = jinja2.ChoiceLoader(
                [jinja2.DictLoader({_REMEMBERED_TEMPLATE: "-"}), env.loader]
            )
        return env

    def _compiled_templates(self, env: Any) -> None:
        """The theme's templates compiled once, not in every build: Jinja keeps their code
        in the cache directory, each under its name and checked against the template's
        source (a changed template is compiled again). Like every cache entry, it is
        trusted as the user's own (docs/decisions/0011-threat-model.md: an official run
        starts from an empty cache or without one)."""
        if self.cache.directory is None or getattr(env, "bytecode_cache", None) is not None:
            return
        import jinja2

        folder = self.cache.directory / _TEMPLATES_FOLDER
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))

    def _render_ahead(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """Render every page not remembered now, as MkDocs would (context, the plugins'
        page events, the theme's template): on two or more cores in forked workers
        (engine/pool.py), a share of the pages each. MkDocs' own loop then only writes
        them, as remembered pages. A worker that fails leaves its share to this process,
        which raises the same error (a leak stops the build as before)."""
        if self.nav is None:
            return
        todo = [
            f.page
            for f in files.documentation_pages()
            if f.page is not None and f.src_uri not in self.remembered
        ]
        if not todo:
            return
        # Workers are forked from the main thread only (not from ``mkdocs serve``'s builder).
        main = threading.current_thread() is threading.main_thread()
        shares = _SHARES if len(todo) >= _AHEAD_MIN and main else 1
        if shares > 1 and self.search_entries is not None:
            _load_segmenter()  # once here, not once in each worker
        nav_ = self.nav
        docs = files.documentation_pages()

        def task(share: list[Page]) -> Callable[[], dict[str, Any]]:
            def run() -> dict[str, Any]:
                added = len(self._segments_new)
                done = {}
                for page in share:
                    done[page.file.src_uri] = self._render_page(page, config, docs, nav_, env)
                return {"pages": done, "segments": self._segments_new[added:]}

            return run

        tasks = [task(todo[i::shares]) for i in range(shares)]
        for result in pool.compute_all(tasks, prefetch=lambda: None):
            for key, words in result["segments"]:
                if key not in self._segments and len(self._segments) < _SEGMENTS:
                    self._segments[key] = words
                    self._segments_added += 1
            for src, rendered in result["pages"].items():
                self.checked.add(src)
                self._passed(src)  # checked by the worker
                self.remembered[src] = rendered
                page = files.get_file_from_path(src).page  # type: ignore[union-attr]
                assert page is not None
                page.meta["template"] = _REMEMBERED_TEMPLATE
                page.meta["search"] = {"exclude": True}

    def _render_page(
        self, page: Page, config: MkDocsConfig, docs: Any, nav_: Navigation, env: Any
    ) -> Rendered:
        """What ``mkdocs.commands.build._build_page`` does, but writing nothing: the page
        as ``on_post_page`` remembers it (``self.rendered``)."""
        config._current_page = page
        page.active = True
        entries = self.search_entries
        start = len(entries) if entries is not None else 0
        try:
            context = get_context(nav_, docs, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav_)
            output = template.render(context)
            config.plugins.on_post_page(output, page=page, config=config)
        finally:
            page.active = False
            config._current_page = None
            if entries is not None:  # kept with the page; MkDocs' loop adds them in order
                del entries[start:]
        return self.rendered.pop(page.file.src_uri)

    def _defer(self, src: str, text: str) -> str:
        """The page with each raw HTML block on a line of its own replaced by an empty
        placeholder block, put back after Markdown: ``on_page_content`` puts the blocks
        back before the search plugin reads the page, ``on_post_page`` the violation tables.

        Python-Markdown would parse every tag of a raw HTML block only to pass it through
        unchanged, and the search plugin would index every row of the violation tables:
        with 20,000 violations most of the build's time. The published page is the same;
        the search index leaves the violation rows out (the pages stay found by their
        titles, headings and text).
        """
        lines = text.split("\n")
        early: dict[str, str] = {}
        late: dict[str, str] = {}
        for i, line in enumerate(lines):
            if (
                line.endswith(">")
                and (i == 0 or not lines[i - 1])
                and (i + 1 == len(lines) or not lines[i + 1])
                and _one_element(line)
            ):
                found = late if line.startswith(_DEFERRED) else early
                token = f'<div data-gm-block="{self._nonce}-{len(early) + len(late)}"></div>'
                found[token] = line
                lines[i] = token
        if not early and not late:
            return text
        self.early[src] = early
        self.deferred[src] = late
        return "\n".join(lines)

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        found = self.remembered.get(page.file.src_uri)
        if found is not None:  # not rendered: what other pages' links may point at
            page.present_anchor_ids = set(found.anchors)
            return html
        early = self.early.get(page.file.src_uri)
        if early and self.search_entries is not None:
            self.held[page.file.src_uri] = html
        return _put_back(html, early or {})

    @event_priority(-100)  # after every other plugin's: the page as it is written
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        src = page.file.src_uri
        found = self.remembered.get(src)
        cached = found is not None and src not in self.checked  # its HTML from the cache
        if found is None:
            output = _put_back(output, self.deferred.get(src, {}))
            if f'data-gm-block="{self._nonce}-' in output:  # Markdown or a theme changed one
                raise PluginError(f"govmedia: 页面 {src} 有内容块未能放回页面,已停止生成站点")
            cut = re.split(f"({self.commit_token}|{self.content_token})", output)
            remember = self.pages is not None and src in self.keys
            keep = remember or self.ahead
            found = Rendered(
                title=page.title if keep else None,
                anchors=sorted(page.present_anchor_ids or ()) if keep else [],
                nav=self.nav_digest,
                entries=self._new_entries(src) if keep else [],
                parts=cut[0::2],
                marks="".join("f" if t == self.commit_token else "c" for t in cut[1::2]),
            )
            if remember:
                self.fresh[src] = found
            if self.ahead:
                self.rendered[src] = found
        commits = self._commits()
        output = found.html(commits)
        if self.model is not None and src not in self.checked:
            leaks = self._leaks(src, found, commits, output) if cached else None
            if leaks is None:
                leaks = self.model.escape.leaks(output)
            if leaks:
                raise PluginError(
                    f"govmedia: 页面 {src} 含有标为不公开的字段值({len(leaks)} 处),已停止生成站点"
                )
        self._passed(src)
        fresh = self.fresh.pop(src, None)
        if fresh is not None and self.pages is not None:  # remembered once it passed
            self.pages.put(self.keys[src], fresh)
        return output

    def _leaks(
        self, src: str, found: Rendered, commits: dict[str, str], output: str
    ) -> list[str] | None:
        """The private values on a page whose HTML came from the cache, looked for only
        where they can be new: an earlier build found none of its values in the same HTML
        (``verdicts``), so only the values that build's set lacked (engine/site/verified.py)
        can stand in it, or one that overlaps the commit put in now. None when that
        earlier check is not known: the whole page is then checked."""
        key = self.keys.get(src)
        if key is None or self.private is None or self.model is None:
            return None
        new = self.private.new_since(self.verdicts.get(key))
        if new is None:
            return None
        found_new = [v for v in new if v in output]
        width = self.private.longest
        at = 0
        for part, mark in zip(found.parts, found.marks, strict=False):
            at += len(part)
            end = at + len(commits[mark])
            found_new += self.model.escape.leaks(output[max(0, at - width) : end + width])
            at = end
        return found_new

    def _passed(self, src: str) -> None:
        """The page passed the leak check, against this build's private values."""
        key = self.keys.get(src)
        if key is not None and self.private is not None:
            self.verified[key] = self.private.tag

    def _new_entries(self, src: str) -> list[str]:
        """This page's search-index entries, as JSON text cut at the commit."""
        start = self.entry_start.get(src)
        if self.search_entries is None or start is None:
            return []
        text = json.dumps(self.search_entries[start:], ensure_ascii=False)
        return text.split(self.content_token)

    def _commits(self) -> dict[str, str]:
        """What the commit tokens stand for: "f" in the theme's footer (escaped by the
        template), "c" in the status line (escaped as record text)."""
        commit = self.model.commit if self.model is not None else None
        if commit is None or self.model is None:
            return {"f": "", "c": ""}
        return {"f": html_mod.escape(commit.sha[:10]), "c": self.model.escape(commit.sha[:10])}

    @event_priority(100)  # before the search plugin's: the commit in the index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._forget_segments()
        self._keep_segments(config)
        if self.pages is not None:
            self.pages.cache.put(self._verdicts_key(self.pages), self.verified)
            self.pages.keep(self.keys.values(), _PAGES_KEPT)
        if self.tables is not None:
            self.tables.keep(_PAGES_KEPT)
        if self.private is not None:
            self.private.keep(_PRIVATE_KEPT)
        if self.search_entries:
            commit = self._commits()["c"]
            for entry in self.search_entries:
                for field in ("title", "text"):
                    value = entry.get(field)
                    if isinstance(value, str) and self.content_token in value:
                        entry[field] = value.replace(self.content_token, commit)

    @event_priority(100)  # before the search plugin's: where this page's entries start
    def _on_page_context_first(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        self._search_view(page)
        return self._context(context, page)

    @event_priority(-100)  # after the search plugin's: the page as published again
    def _on_page_context_last(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        published = self.published.pop(page.file.src_uri, None)
        if published is not None:
            page.content = published
        return context

    on_page_context = CombinedEvent(_on_page_context_first, _on_page_context_last)

    def _search_view(self, page: Page) -> None:
        """Give the search plugin a stand-in of the page (engine/site/searchtext.py): each
        plain raw HTML block of ours as its text, with few tags. The plugin indexes the same
        text; the page is published as it is (``_on_page_context_last`` puts it back). Only
        for a page without "data-search-", the attributes the plugin takes out of a page."""
        src = page.file.src_uri
        held = self.held.pop(src, None)
        content = page.content
        if held is None or content is None or "data-search-" in content:
            return
        stand_ins = {}
        for token, block in self.early.get(src, {}).items():
            stand_ins[token] = for_search(block) or block
        self.published[src] = content
        page.content = _put_back(held, stand_ins)

    def _context(self, context: TemplateContext, page: Page) -> TemplateContext | None:
        if self.model is not None:
            commit = self.model.commit
            extra: dict[str, Any] = context  # type: ignore[assignment]
            extra["govmedia_as_of"] = self.model.as_of.isoformat()
            # A token, when pages are remembered: the real commit goes in when the page
            # is written (``on_post_page``).
            shown = self.commit_token if self.ahead else commit.sha[:10] if commit else ""
            extra["govmedia_commit"] = shown if commit else ""
        src = page.file.src_uri
        if self.search_entries is not None:
            self.entry_start[src] = len(self.search_entries)
            found = self.remembered.get(src)
            if found is not None:
                self.search_entries.extend(json.loads(self.content_token.join(found.entries)))
        return context


def _search_entries(config: MkDocsConfig) -> list[Any] | None:
    """The search plugin's list of index entries (the theme's search plugin keeps them in
    ``search_index.entries``, in page order), or None: no such plugin or another kind."""
    for name, plugin in config.plugins.items():
        if name in ("search", "material/search"):
            entries = getattr(getattr(plugin, "search_index", None), "entries", None)
            return entries if isinstance(entries, list) else None
    return None


def _load_segmenter() -> None:
    """Load jieba's dictionary now (before workers are forked: they share it)."""
    try:
        import jieba
    except ImportError:
        return
    jieba.initialize()
