"""Violation tables and their CSV downloads remembered between site builds.

A banner that has fallen behind has tens of thousands of open violations: the home
page lists them all, each article's page those of its rule, each unit's and account's
page its own. Making those rows is most of the time the pages take, and a new commit
changes few of them. A table's Markdown and its CSV text are functions of:

- per violation, the fields its row shows and is sorted by (article, rule, day, unit,
  account, severity, message, whether acknowledged, path, line) and the day its record
  file was first committed (``entered``);
- the table's options and the page it stands on (links are relative to it);
- the build's *context*: this engine's code (``result_key``), the names and words that
  ``plain`` puts in for ids (every unit's name and account's title), the pages that exist
  (a link to a page that does not is plain text), the private values the escaper hides
  (``TableMemo``), ``use_directory_urls``, and with a ``repo_url`` that address and the
  commit (the "源文件" links name it).

Each table is remembered under the digest of all that (``TableMemo``), in the check's
content-addressed cache: a damaged entry is a miss, and the table is made again. The
pages themselves are still put together in every build, and every page still goes
through the leak check before it is written (engine/site/plugin.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from engine.cache import Cache, digest, result_key
from engine.site.markup import REDACTED, Escaper
from engine.site.pages.tables import Tables, _order
from engine.site.verified import PrivateSet
from engine.textsafe import UNSAFE
from engine.violations import Violation

# What a table entry looks like; a new layout is a new key.
_FORMAT = "govmedia-site-table/2"
# Characters that HTML escaping, ``clean_lines`` or CSV quoting write otherwise.
_ALTERED = re.compile("[&<>\"'" + UNSAFE.pattern[1:-1] + "\ud800-\udfff]")


class TableMemo:
    """Tables remembered in ``cache`` for one build's ``context`` (``context_of``).

    The private values the escaper hides change with the records (a new reviewer's name)
    and are not part of the key: an entry names the set of values it was made with
    (engine/site/verified.py). A text made with another set is used only if it holds no
    hidden value (no mask, ``REDACTED``) and none of this build's values: its text before
    escaping then held none either, so escaping it now changes nothing. Only the values
    the other set lacked are looked for (``PrivateSet.new_since``), or all of them when
    that set is not known. That holds when no private value holds a character that
    escaping or CSV quoting writes otherwise (``_ALTERED``); else an entry is used only
    with the same set of values.
    """

    def __init__(self, cache: Cache, context: str, escaper: Escaper, private: PrivateSet) -> None:
        self.cache = cache
        self.context = context
        self.escaper = escaper
        self.private = private
        self.plain_values = not any(map(_ALTERED.search, escaper.private))
        self.used: list[str] = []  # the keys this build read or wrote

    def recall(self, key: str) -> str | None:
        """The text remembered under ``key`` that this build would make, or None."""
        self.used.append(key)
        body = self.cache.get_bytes(key)
        if body is None:
            return None
        try:
            tag, _, text = body.decode("utf-8").partition("\n")
        except UnicodeDecodeError:
            return None
        if tag == self.private.tag:
            return text
        if not self.plain_values or REDACTED in text:
            return None
        new = self.private.new_since(tag)
        if new is None:
            return None if self.escaper.leaks(text) else text
        return None if any(v in text for v in new) else text

    def remember(self, key: str, text: str) -> None:
        """Remember ``text``, just made with this build's private values."""
        self.used.append(key)
        self.cache.put_bytes(key, f"{self.private.tag}\n{text}".encode())

    def keep(self, builds: int) -> None:
        """Mark this build's entries as just used, and delete all but about ``builds``
        builds' worth of entries."""
        used = set(self.used)
        for key in used:
            self.cache.touch(key)
        self.cache.keep_newest(len(used) * builds)


def context_of(maker: Tables) -> str:
    """The digest of what every table of the build depends on besides its rows."""
    model = maker.m
    commit = model.commit.sha if model.commit is not None and maker.repo_url else ""
    words = json.dumps(sorted(maker.words.items()), ensure_ascii=False)
    return result_key(
        _FORMAT,
        words,
        digest(sorted(maker.existing)),
        str(maker.link.use_directory_urls),
        maker.repo_url,
        commit,
    )


def _rows_digest(maker: ReusedTables, items: Sequence[Violation]) -> str:
    """The digest of what each violation's row shows, in the order given (each
    violation's part made once per build: it stands in up to four tables)."""
    entered = maker.m.entered
    made = maker._row_texts
    if made is None:
        made = maker._row_texts = {}
        maker._row_owners = []
    texts = []
    for v in items:
        text = made.get(id(v))
        if text is None:
            row = (
                v.rule,
                v.article,
                v.day,
                v.unit,
                v.account,
                v.severity,
                v.message,
                bool(v.acknowledged),
                v.path,
                v.line,
                str(entered.get(v.path, "")),
            )
            text = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
            made[id(v)] = text
            maker._row_owners.append(v)  # the id stays this violation's
        texts.append(text)
    # One line per row: JSON text holds no raw line break.
    return hashlib.sha256("\n".join(texts).encode("utf-8", "surrogatepass")).hexdigest()


class ReusedTables(Tables):
    """``violation_table`` and ``violation_csv`` from the memo when the build has one
    (``memo``, set by the site plugin), else made as ``Tables`` makes them."""

    memo: TableMemo | None = None
    # Each violation's part of a table's digest (``_rows_digest``), by ``id``; the
    # violations themselves are kept in ``_row_owners`` while their ids are keys.
    _row_texts: dict[int, str] | None = None
    _row_owners: list[Violation]

    def violation_csv(self, items: Iterable[Violation]) -> str:
        memo = self.memo
        if memo is None:
            return super().violation_csv(items)
        items = list(items)
        hint = self._csv_hint  # the table's own rows, just digested (``violation_table``)
        same = hint is not None and _same(hint[0], items)
        rows = hint[1] if hint is not None and same else _rows_digest(self, items)
        return self._remembered_csv(memo, digest([memo.context, "csv", rows]), items)

    _csv_hint: tuple[list[Violation], str] | None = None

    def _remembered_csv(self, memo: TableMemo, key: str, items: list[Violation]) -> str:
        found = memo.recall(key)
        if found is None:
            found = super().violation_csv(items)
            memo.remember(key, found)
        return found

    def violation_table(
        self,
        items: Iterable[Violation],
        *,
        who: bool,
        waived: bool = False,
        csv_path: str = "",
        article: bool = True,
    ) -> str:
        memo = self.memo
        options: dict[str, Any] = {
            "who": who,
            "waived": waived,
            "csv_path": csv_path,
            "article": article,
        }
        if memo is None:
            return super().violation_table(items, **options)
        # In the table's order (the same sort again leaves it as it is).
        items = sorted(items, key=_order)
        rows = _rows_digest(self, items)
        page = self.link.current
        key = digest([memo.context, "table", page, json.dumps(options, sort_keys=True), rows])
        found = memo.recall(key)
        if found is None:
            # Its CSV (``violation_csv``, called inside) is remembered on its own.
            self._csv_hint = (items, rows)
            try:
                found = super().violation_table(items, **options)
            finally:
                self._csv_hint = None
            memo.remember(key, found)
        elif csv_path and items:  # the download the table links to, as making it registers
            csv_key = digest([memo.context, "csv", rows])
            self.files[csv_path] = self._remembered_csv(memo, csv_key, items)
        return found


def _same(a: list[Violation], b: list[Violation]) -> bool:
    """The same violations (the same objects) in the same order."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
