"""What the public site shows, gathered from a git ref: status, records, changes, history."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, ClassVar

import rtoml

from engine import authority as authority_mod
from engine import gitsafe
from engine import history as history_mod
from engine import policy as policy_mod
from engine import records as records_mod
from engine import snapshot as snapshot_mod
from engine.authority import Root
from engine.cache import Cache, digest, result_key
from engine.errors import InputError
from engine.evaluate import Result, evaluate
from engine.policy import Policy
from engine.pool import compute_all, new_pool, sigint_blocked, stop_workers
from engine.records import Record
from engine.site import scan
from engine.site.markup import Escaper
from engine.site.privacy import Finder
from engine.snapshot import SHALLOW_HINT, CommitInfo, Snapshot
from engine.timeutil import CHINA_TZ
from engine.violations import Reminder


@dataclass(frozen=True)
class Change:
    """A commit that touched records/. Its message is not kept: commit messages are free
    text that no schema marks private, so the site never publishes them."""

    sha: str
    when: datetime
    paths: tuple[str, ...]

    def ids(self, kind: str) -> list[str]:
        """Account or unit ids named by the changed paths."""
        return list(self._ids.get(kind, ()))

    @functools.cached_property
    def _ids(self) -> dict[str, dict[str, None]]:
        """Each kind of id named by the changed paths, in the paths' order, each once: one
        pass for every kind (a commit of a whole banner names 17,000 paths). A post file's
        path is told by its kind's own pattern, which no other kind's matches (as
        ``evaluate.plan`` does)."""
        is_post = records_mod.record_kind("posts").pattern.match
        found: dict[str, dict[str, None]] = {}
        for path in self.paths:
            post = is_post(path)
            if post is not None:
                ids = post.groupdict()
            else:
                try:
                    located = records_mod.kind_of(path)
                except InputError:
                    continue
                if not located:
                    continue
                ids = located[1]
            for name, value in ids.items():
                found.setdefault(name, {}).setdefault(value, None)
        return found


@dataclass(frozen=True)
class Seen:
    """What the site keeps of one open violation of a sampled commit (for the feed)."""

    fingerprint: str
    rule: str
    article: int
    day: str
    unit: str
    account: str
    message: str


@dataclass(frozen=True)
class MonthPoint:
    """One sampled commit of a month: violations open after it, opened and resolved since the last sample."""

    month: str
    sha: str
    as_of: date
    open: int
    opened: int
    resolved: int
    error: str = ""
    when: datetime | None = None
    new_items: tuple[Seen, ...] = ()
    resolved_items: tuple[Seen, ...] = ()


@dataclass
class SiteModel:
    policy: Policy
    ref: str
    as_of: date
    commit: CommitInfo | None
    result: Result | None
    changes: list[Change] = field(default_factory=list)
    history: list[MonthPoint] = field(default_factory=list)
    first_seen: dict[str, str] = field(default_factory=dict)  # fingerprint -> YYYY-MM
    # records/ path -> the day (China time) of the commit that first added it.
    entered: dict[str, date] = field(default_factory=dict)
    note: str = ""
    # The trust root of records/authority.toml (engine/authority.py), or why there is none.
    authority_root: Root | None = None
    authority_problem: str = ""
    escape: Escaper = field(default_factory=Escaper)
    # account id -> month -> number of posts its post records hold.
    post_counts: dict[str, dict[str, int]] = field(default_factory=dict)


# ---------------------------------------------------------------- privacy


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def public_fields(record: Record) -> dict[str, Any]:
    """The record's data without any field the schema marks private (at any depth)."""
    hidden = records_mod.private_fields(record.kind)

    def strip(node: Any, prefix: str) -> Any:
        if isinstance(node, list):
            return [strip(item, prefix) for item in node]
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                dotted = f"{prefix}.{key}" if prefix else key
                if dotted not in hidden:
                    out[key] = strip(value, dotted)
            return out
        return node

    result: dict[str, Any] = strip(record.data, "")
    return result


# ---------------------------------------------------------------- gathering


def _commit_or_none(repo: gitsafe.Repo, ref: str) -> gitsafe.Commit | None:
    """The commit ``ref`` names; None only for ``HEAD`` of a repository without commits."""
    if ref == "HEAD" and not gitsafe.has_commits(repo):
        return None
    return snapshot_mod.resolve_commit(repo, ref)


def _group(path: str) -> str:
    """The folder whose records are summarised together: an account's or a unit's, else the
    top folder of records/ (calendar, waivers, supervision, ...)."""
    parts = path.split("/")
    if len(parts) > 3 and parts[1] in ("accounts", "units"):
        return "/".join(parts[:3])
    return "/".join(parts[:2])


@dataclass
class Summary:
    """What the site keeps of a folder of record files: the private values they hold, their
    distinct public strings as one text (``_joined``; None while it is only in the cache)
    and, for an account's folder, its number of posts per month. ``key`` names its files'
    blobs."""

    private: list[str]
    text: str | None
    posts: dict[str, int]
    key: str = ""

    @property
    def public(self) -> list[str] | None:
        """The distinct public strings (None while they are only in the cache)."""
        return None if self.text is None else _split_joined(self.text)


def split_strings(kind: str, data: Any, private: set[str], public: set[str]) -> None:
    """Add the record's private values (``records.private_values``: every leaf under a field
    the schema marks private, as text) to ``private`` and its public strings (the strings
    of ``public_fields``) to ``public``."""
    _Splitter.of(kind).values([data], "", private, public)


def _parsed(path: str, raw: bytes) -> Any:
    """The record as the TOML parser gives it, date-times still objects (``_Splitter``
    turns those it meets into text as ``records.parse_toml`` does)."""
    try:
        return rtoml.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except Exception:  # bad input: the error as the check words it
        return records_mod.parse_toml(path, raw)


_NUMBERS = frozenset((int, float, bool))
_STAMPS = frozenset((datetime, date, time))
_TZINFO = attrgetter("tzinfo")


def _text(leaf: Any) -> str:
    """A leaf as text, a date-time as ``records.parse_toml`` writes it."""
    if isinstance(leaf, (datetime, date, time)):
        return str(records_mod._normalise(leaf))
    return str(leaf)


def _stamp_texts(stamps: list[Any]) -> Iterator[str]:
    """``_text`` of each date-time, date or time. Naive date-times of years from 1000
    without fractions of a second (what records hold) are turned into text in one go:
    their ``isoformat`` is the text ``records.parse_toml`` writes, 19 characters."""
    if set(map(type, stamps)) == {datetime} and set(map(_TZINFO, stamps)) == {None}:
        texts = list(map(datetime.isoformat, stamps))
        if min(map(len, texts)) == max(map(len, texts)) == 19 and min(texts) >= "1":
            return iter(texts)  # whole seconds, four-digit years from 1000
    return map(_text, stamps)


class _Splitter:
    """One record kind's walk, a column at a time: the values of one field in all the
    tables that hold it (every post of a folder's files) are looked at together, so the
    work per value is done by set and list operations, not one Python call per value. Each
    dotted path is resolved once to whether the schema marks it private."""

    _kinds: ClassVar[dict[str, _Splitter]] = {}

    @classmethod
    def of(cls, kind: str) -> _Splitter:
        found = cls._kinds.get(kind)
        if found is None:
            found = cls._kinds[kind] = cls(records_mod.private_fields(kind))
        return found

    def __init__(self, hidden: frozenset[str]) -> None:
        self.hidden = hidden
        self.children: dict[tuple[str, str], tuple[str, bool]] = {}

    def values(self, nodes: list[Any], prefix: str, private: set[str], public: set[str]) -> None:
        """What a walk of each node at ``prefix`` finds: tables walked key by key, lists
        item by item (at the same prefix), strings and date-times public, numbers skipped."""
        kinds = set(map(type, nodes))
        if len(kinds) == 1:
            kind = kinds.pop()
            if kind is str:
                public.update(nodes)
            elif kind is dict:
                self.tables(nodes, prefix, private, public)
            elif kind is list:
                self.values(list(chain.from_iterable(nodes)), prefix, private, public)
            elif kind in _STAMPS:
                public.update(_stamp_texts(nodes))
            elif kind not in _NUMBERS:
                self._mixed(nodes, prefix, private, public)
            return
        if kinds:
            self._mixed(nodes, prefix, private, public)

    def _mixed(self, nodes: list[Any], prefix: str, private: set[str], public: set[str]) -> None:
        tables: list[Any] = []
        lists: list[Any] = []
        stamps: list[Any] = []
        for node in nodes:
            if isinstance(node, str):
                public.add(node)
            elif isinstance(node, dict):
                tables.append(node)
            elif isinstance(node, list):
                lists.extend(node)
            elif isinstance(node, (datetime, date, time)):
                stamps.append(node)
        if tables:
            self.tables(tables, prefix, private, public)
        if lists:
            self.values(lists, prefix, private, public)
        if stamps:
            public.update(map(_text, stamps))

    def tables(self, rows: list[Any], prefix: str, private: set[str], public: set[str]) -> None:
        """Each key of the tables ``rows`` (all at ``prefix``): its values together."""
        keys = set().union(*rows) if len(rows) > 1 else rows[0].keys()
        for key in keys:
            child = self.children.get((prefix, key))
            if child is None:
                dotted = f"{prefix}.{key}" if prefix else str(key)
                child = self.children[(prefix, key)] = (dotted, dotted in self.hidden)
            found = [row[key] for row in rows if key in row]
            if child[1]:
                if set(map(type, found)) == {str}:
                    private.update(found)
                    private.discard("")
                else:
                    for value in found:
                        _leaves(value, private)
            else:
                self.values(found, child[0], private, public)


def _leaves(node: Any, out: set[str]) -> None:
    """Every leaf below ``node`` as text, when not empty (what ``records.private_values`` keeps)."""
    if type(node) is str:
        if node:
            out.add(node)
    elif isinstance(node, dict):
        for value in node.values():
            _leaves(value, out)
    elif isinstance(node, list):
        for item in node:
            _leaves(item, out)
    else:
        text = _text(node)
        if text:
            out.add(text)


def summarise(loaded: list[Record]) -> Summary:
    private: set[str] = set()
    public: set[str] = set()
    posts: dict[str, int] = {}
    for record in loaded:
        split_strings(record.kind, record.data, private, public)
        if record.kind == "posts":
            month = record.ids["month"]
            posts[month] = posts.get(month, 0) + len(record.data["post"])
    return Summary(sorted(private), _joined(list(public)), posts)


def _strings_or_none(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _cached_summary(hit: Any, key: str) -> Summary | None:
    if not isinstance(hit, dict):
        return None
    private, posts = _strings_or_none(hit.get("private")), hit.get("posts")
    if private is None or not isinstance(posts, dict):
        return None
    if not all(isinstance(k, str) and type(n) is int for k, n in posts.items()):
        return None
    return Summary(private, None, posts, key)


class Folders:
    """The snapshot's record files by folder (``_group``), each summarised once per set of
    blobs: from the cache when unchanged, else read, validated and summarised."""

    # Post files of the usual shape are read without the parser (engine/site/scan.py).
    scan = True

    def __init__(self, snap: Snapshot, cache: Cache) -> None:
        self.snap = snap
        self.cache = cache
        self.files: dict[str, list[tuple[str, str]]] = {}
        for path, blob in snap.entries.items():
            self.files.setdefault(_group(path), []).append((path, blob))

    def key(self, group: str) -> str:
        # result_key: the engine's code and schemas (which fields are private) are part of it.
        return result_key("site-summary/1", group, *(f"{p}={b}" for p, b in self.files[group]))

    def summaries(self) -> dict[str, Summary]:
        found: dict[str, Summary] = {}
        missed = []
        for group in self.files:
            key = self.key(group)
            summary = _cached_summary(self.cache.get(key), key)
            if summary is None:
                missed.append(group)
            else:
                found[group] = summary
        found.update(self.read(missed))
        return found

    def read(self, groups: list[str]) -> dict[str, Summary]:
        """Summaries of ``groups`` from their files (put in the cache). On two or more cores
        the folders are read by forked workers (``engine.pool.compute_all``); bad input is
        reported as one read of every missed folder reports it: all errors together."""
        if not groups:
            return {}
        tasks: list[Callable[[], dict[str, Any]]] = [
            functools.partial(self._summarise_folder, g) for g in groups
        ]
        paths = [p for g in groups for p, _ in self.files[g]]
        try:
            done = list(compute_all(tasks, lambda: self.snap.prefetch(paths)))
        except InputError:
            self._load(paths)  # raises every input error of these folders at once
            raise
        out = {}
        for group, raw in zip(groups, done, strict=True):
            out[group] = Summary(raw["private"], raw["text"], raw["posts"], raw["key"])
        return out

    def _load(self, paths: list[str]) -> list[Record]:
        return records_mod.load_many(
            (p, self.snap.entries[p], (lambda p=p: self.snap.read(p)))  # type: ignore[misc]
            for p in paths
        )

    def _summarise_folder(self, group: str) -> dict[str, Any]:
        """What ``summarise`` finds in the folder's records, read straight from the parser:
        ``gather`` evaluates the snapshot first, so every record is known valid here. The
        folder's files are read in one go, and the records of each kind walked together."""
        posts: dict[str, int] = {}
        by_kind: dict[str, list[Any]] = {}
        private: set[str] = set()
        public: set[str] = set()
        fast = self.scan and scan.usable()
        located = [(path, records_mod.kind_of(path)) for path, _ in self.files[group]]
        self.snap.prefetch([path for path, where in located if where is not None])
        for path, where in located:
            if where is None:
                continue
            kind, ids = where
            raw = self.snap.read(path)
            if kind == "posts" and fast:
                scanned = scan.post_strings(raw)  # a file of the usual shape, without the parser
                if scanned is not None:
                    private.update(scanned[0])
                    public.update(scanned[1])
                    by_kind.setdefault(kind, []).extend(scanned[2])
                    posts[ids["month"]] = posts.get(ids["month"], 0) + scanned[3]
                    continue
            data = _parsed(path, raw)
            by_kind.setdefault(kind, []).append(data)
            if kind == "posts":
                month = ids["month"]
                found = data.get("post") if isinstance(data, dict) else None
                posts[month] = posts.get(month, 0) + (len(found) if isinstance(found, list) else 0)
        for kind, records in by_kind.items():
            _Splitter.of(kind).values(records, "", private, public)
        # Put in the cache here: by the workers, side by side, when there are several.
        key = self.key(group)
        text = _joined(list(public))
        self.cache.put_bytes(key + "-text", text.encode("utf-8", "surrogatepass"))
        self.cache.put(key, {"private": sorted(private), "posts": posts})
        return {"private": sorted(private), "text": text, "posts": posts, "key": key}

    def text(self, group: str, summary: Summary) -> str:
        """The folder's public strings as one text (``_joined``): from the summary, else
        from the cache, else from its files read again."""
        if summary.text is None:
            body = self.cache.get_bytes(summary.key + "-text")
            if body is not None:
                try:
                    text = body.decode("utf-8", "surrogatepass")
                except UnicodeDecodeError:
                    text = ""
                if text.startswith("T") or _split_joined(text) is not None:
                    summary.text = text
        if summary.text is None:  # dropped from the cache: read the files again
            summary.text = self.read([group])[group].text or _joined([])
        return summary.text

    def public(self, group: str, summary: Summary) -> list[str]:
        return _split_joined(self.text(group, summary)) or []


# The public strings of a folder are cached as one text, joined with a character that
# TOML text may hold only escaped; a string that holds it is kept apart (see _joined).
_SEP = "\x00"


def _joined(strings: list[str]) -> str:
    """The strings as one text for the cache (fast to write and read back, unlike a JSON
    list of a million strings): "T" and the strings joined with ``_SEP``; "J" and a JSON
    list when a string holds ``_SEP`` itself."""
    text = _SEP.join(strings)
    if text.count(_SEP) != max(len(strings) - 1, 0):  # a string holds _SEP itself
        return "J" + json.dumps(strings, ensure_ascii=False)
    return "T" + text


def _split_joined(text: str) -> list[str] | None:
    if text.startswith("T"):
        return text[1:].split(_SEP) if len(text) > 1 else []
    if text.startswith("J"):
        return _strings_or_none(json.loads(text[1:]))
    return None


def summaries(snap: Snapshot, cache: Cache) -> dict[str, Summary]:
    """One summary per folder of records (``_group``), from the cache when its files' blobs
    are unchanged; the other folders' files are read and validated together."""
    return Folders(snap, cache).summaries()


def public_secrets(folders: Folders, found: dict[str, Summary]) -> set[str]:
    """The private values that stand in no public string of any record.

    A private value that is also part of public text (a herder's name that is also a
    township's, a name inside a published title, in this record or any other) is not
    hidden by masking that text; only values found nowhere public are masked and guarded.
    Whether a value stands in a folder's public strings depends on that value and that
    folder's files only: ``Occurring`` remembers, per folder, the values looked for and
    those found, and a later build looks only for the values it has not looked for yet
    (after one changed file, the new reviewer's name), and reads no folder's text when
    there are none. Every public string is read once, whatever the number of values.
    """
    secrets: set[str] = set()
    for summary in found.values():
        secrets.update(summary.private)
    if not secrets:
        return secrets
    occurring = Occurring(folders, secrets)
    public: set[str] = set()
    for group, summary in found.items():
        public.update(occurring.of(group, summary))
    occurring.save()
    return secrets - public


def _values_tag(body: bytes) -> str:
    return hashlib.sha256(b"site-values/1\0" + body).hexdigest()


class Occurring:
    """Which of a set of private values stand in each folder's public strings.

    A folder's answer is cached under its files' key with the tag (digest) of the set of
    values it answers for; the set itself is cached once under its tag. For another set,
    the answer is the old one for the values both sets hold, and a search of the folder's
    text for the others only. When those are few (a new reviewer's name), the folders'
    answers for them are cached together, in one entry per pair of tags, instead of each
    folder's answer written again."""

    # Up to this many new values are looked for one by one (``str.__contains__``), more
    # with one automaton over the text.
    FEW = 16

    def __init__(self, folders: Folders, values: set[str]) -> None:
        self.folders = folders
        self.cache = folders.cache
        self.values = values
        # The set as the cache keeps it (sorted, one text); its tag, the digest of that text.
        self._body = _joined(sorted(values)).encode("utf-8", "surrogatepass")
        self.tag = _values_tag(self._body)
        self._sets: dict[str, set[str] | None] = {self.tag: values}
        # Per tag of a set looked for before: the values it lacks, and their automaton.
        self._new: dict[str, set[str]] = {self.tag: set()}
        self._finders: dict[str, Finder] = {}
        self._spans: dict[str, bool] = {}  # whether a value of the set holds the separator
        self._stored = False
        # Per older tag: folder key -> which of the values that set lacks the folder holds.
        self._deltas: dict[str, dict[str, list[str]]] = {}
        self._changed: set[str] = set()  # older tags whose answers grew in this build

    def _entry_key(self, summary: Summary) -> str:
        return digest(["site-occurring/2", summary.key])

    def _set(self, tag: str) -> set[str] | None:
        """The set of values of ``tag``, from the cache (None: not there, or not valid)."""
        if tag not in self._sets:
            body = self.cache.get_bytes(digest(["site-values-set/1", tag]))
            strings = None
            # The tag is the digest of the set's text: a text that does not match is not used.
            if body is not None and _values_tag(body) == tag:
                with contextlib.suppress(UnicodeDecodeError):
                    strings = _split_joined(body.decode("utf-8", "surrogatepass"))
            self._sets[tag] = set(strings) if strings is not None else None
        return self._sets[tag]

    def _store_set(self) -> None:
        if not self._stored:
            self._stored = True
            self.cache.put_bytes(digest(["site-values-set/1", self.tag]), self._body)

    def _search(self, tag: str, values: set[str], group: str, summary: Summary) -> set[str]:
        """The values that stand in one of the folder's public strings (``tag`` names the
        set ``values``: its automaton is built once)."""
        if len(values) <= self.FEW and summary.text is None:
            found = self._search_stored(values, summary)
            if found is not None:
                return found
        text = self.folders.text(group, summary)
        spans = self._spans.get(tag)
        if spans is None:
            spans = self._spans[tag] = any(_SEP in v for v in values)
        # No value holds the separator: the joined text is searched as one; else each
        # string apart (a value could span two strings joined).
        one = not spans and text.startswith("T")
        strings = [text[1:]] if one else (_split_joined(text) or [])
        if len(values) <= self.FEW:
            return {v for v in values if any(v in s for s in strings)}
        finder = self._finders.get(tag)
        if finder is None:
            finder = self._finders[tag] = Finder(values)
        return finder.occurring(strings)

    def _search_stored(self, values: set[str], summary: Summary) -> set[str] | None:
        """``_search`` for a few values in the folder's text as the cache holds it (UTF-8),
        without turning it into text: in UTF-8 a text stands in another exactly where its
        bytes stand in the other's bytes. None when the cache holds no such text, or a
        value holds the separator."""
        if any(_SEP in v for v in values):
            return None
        body = self.cache.get_bytes(summary.key + "-text")
        if body is None or not body.startswith(b"T"):
            return None
        try:
            wanted = {v: v.encode("utf-8", "surrogatepass") for v in values}
        except UnicodeEncodeError:
            return None
        return {v for v, raw in wanted.items() if body.find(raw, 1) >= 0}  # after the "T"

    def _delta_key(self, tag: str) -> str:
        return digest(["site-occurring-delta/1", tag, self.tag])

    def _delta(self, tag: str) -> dict[str, list[str]]:
        """Folder key -> the values found among those the set of ``tag`` lacks."""
        if tag not in self._deltas:
            hit = self.cache.get(self._delta_key(tag))
            ok = isinstance(hit, dict) and all(
                isinstance(k, str) and _strings_or_none(v) is not None for k, v in hit.items()
            )
            self._deltas[tag] = hit if ok and isinstance(hit, dict) else {}
        return self._deltas[tag]

    def of(self, group: str, summary: Summary) -> set[str]:
        key = self._entry_key(summary) if summary.key else ""
        hit = self.cache.get(key) if key else None
        tag = hit.get("tag") if isinstance(hit, dict) else None
        known = _strings_or_none(hit.get("found")) if isinstance(hit, dict) else None
        looked = self._set(tag) if isinstance(tag, str) and known is not None else None
        if isinstance(tag, str) and looked is not None and known is not None:
            if tag == self.tag:
                return set(known)
            found = {v for v in known if v in self.values}
            new = self._new.get(tag)
            if new is None:
                new = self._new[tag] = self.values - looked
            if not new:
                return found
            if len(new) <= self.FEW:
                delta = self._delta(tag)
                more = delta.get(summary.key)
                if more is None:
                    more = delta[summary.key] = sorted(self._search(tag, new, group, summary))
                    self._changed.add(tag)
                return found | (set(more) & new)
            found |= self._search(tag, new, group, summary)
        else:
            found = self._search(self.tag, self.values, group, summary)
        if key:
            self._store_set()
            self.cache.put(key, {"tag": self.tag, "found": sorted(found)})
        return found

    def save(self) -> None:
        """Put in the cache the answers found this build for values of older sets' folders."""
        for tag in self._changed:
            self.cache.put(self._delta_key(tag), self._deltas[tag])
        self._changed = set()


def recent_changes(repo: gitsafe.Repo, sha: str, limit: int = 10) -> list[Change]:
    out = gitsafe.run(
        repo,
        "log",
        f"-n{limit}",
        "--format=%x00%H%x09%ct",
        "--name-only",
        sha,
        "--",
        snapshot_mod.RECORDS_DIR,
    )
    changes = []
    for chunk in out.split("\0"):
        if not chunk.strip():
            continue
        head, _, rest = chunk.partition("\n")
        commit_sha, stamp = head.split("\t", 1)
        paths = tuple(p for p in rest.splitlines() if p.strip())
        when = datetime.fromtimestamp(int(stamp), CHINA_TZ)
        changes.append(Change(commit_sha, when, paths))
    return changes


def _history_key(policy: Policy, sha: str, as_of: date) -> str:
    # result_key: the engine's code, schemas and the versions of the packages it relies on.
    return result_key("site-history/2", policy.digest, sha, as_of.isoformat())


def _seen(result: Result) -> list[dict[str, Any]]:
    out = {}
    for v in result.open:
        out[v.fingerprint] = {
            "fingerprint": v.fingerprint,
            "rule": v.rule,
            "article": v.article,
            "day": v.day,
            "unit": v.unit,
            "account": v.account or "",
            "message": v.message,
        }
    return [out[k] for k in sorted(out)]


def _seen_of(result: Result) -> list[Seen]:
    """``_as_seen(_seen(result))``, without the dicts in between."""
    out = {
        v.fingerprint: Seen(
            str(v.fingerprint),
            str(v.rule),
            int(v.article),
            str(v.day),
            str(v.unit),
            str(v.account or ""),
            str(v.message),
        )
        for v in result.open
    }
    return [out[k] for k in sorted(out)]


def _judge_commit(
    repo_path: str, sha: str, policy_dir: str, as_of: str, cache_dir: str | None
) -> tuple[list[dict[str, Any]], str]:
    """Open violations of one commit, or an input error's message (runs in a worker process)."""
    repo = snapshot_mod.open_repo(Path(repo_path))
    try:
        result = evaluate(
            snapshot_mod.from_commit(repo, sha),
            policy_mod.load(Path(policy_dir)),
            date.fromisoformat(as_of),
            Cache(Path(cache_dir) if cache_dir else None),
        )
    except InputError as exc:
        return [], exc.message
    return _seen(result), ""


def _samples(repo: gitsafe.Repo, sha: str, samples: int) -> list[tuple[str, str, datetime]]:
    """(month, commit, commit time): the newest commit of each month that touched records/."""
    out = gitsafe.run(repo, "log", "--format=%H%x09%ct", sha, "--", snapshot_mod.RECORDS_DIR)
    newest: dict[str, tuple[str, datetime]] = {}
    for line in out.splitlines():
        commit_sha, stamp = line.split("\t")
        when = datetime.fromtimestamp(int(stamp), CHINA_TZ)
        newest.setdefault(when.strftime("%Y-%m"), (commit_sha, when))
    months = sorted(newest)[-samples:] if samples > 0 else []
    return [(m, *newest[m]) for m in months]


def _as_seen(items: list[Any]) -> list[Seen] | None:
    """Cached open violations back as ``Seen``; None when the entry has another shape."""
    out = []
    for item in items:
        if not isinstance(item, dict):
            return None
        try:
            out.append(
                Seen(
                    str(item["fingerprint"]),
                    str(item["rule"]),
                    int(item["article"]),
                    str(item["day"]),
                    str(item["unit"]),
                    str(item["account"]),
                    str(item["message"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            return None
    return out


def history(
    repo: gitsafe.Repo,
    sha: str,
    policy: Policy,
    policy_dir: Path,
    cache: Cache,
    samples: int,
    final_as_of: date,
    final: Result,
) -> tuple[list[MonthPoint], dict[str, str]]:
    """Violations opened and resolved per month, "as recorded": the newest commit of each
    month touching records/.

    Each sample is judged as of its commit date, so absence rules see the time that had
    passed then. The newest sample holds the same records as the ref, so it is the
    site's own evaluation (``final``, as of the site's check date): the last point and
    every other count on the site are one set of numbers. A sample's open violations are
    cached by commit, date and rulebook, so a later build judges only new months; misses
    are judged in parallel.
    """
    plan = []
    found = _samples(repo, sha, samples)
    for i, (month, commit_sha, when) in enumerate(found):
        newest = i == len(found) - 1
        plan.append((month, commit_sha, final_as_of if newest else when.date(), when, newest))
    judged: dict[str, tuple[list[Seen], str]] = {}
    misses = []
    for _month, commit_sha, as_of, _when, newest in plan:
        if newest:
            judged[commit_sha] = (_seen_of(final), "")
            continue
        hit = cache.get(_history_key(policy, commit_sha, as_of))
        seen = hit.get("open") if isinstance(hit, dict) else None
        items = _as_seen(seen) if isinstance(seen, list) else None
        if isinstance(hit, dict) and items is not None:
            judged[commit_sha] = (items, str(hit.get("error", "")))
        else:
            misses.append((commit_sha, as_of))
    cache_dir = str(cache.directory) if cache.directory else None
    args = [
        (str(repo.working_dir), c, str(policy_dir), d.isoformat(), cache_dir) for c, d in misses
    ]
    workers = min(len(misses), os.cpu_count() or 1, 4)
    if workers > 1 and len(misses) >= 3:
        pool = new_pool(workers, "spawn")
        try:
            with sigint_blocked():  # workers are spawned while tasks are submitted
                # Not pool.map: see engine/pool.py, compute_all.
                pending = [pool.submit(_judge_commit, *a) for a in args]
            results = [future.result() for future in pending]
        except BaseException:  # interrupted, or a worker failed: no worker outlives the build
            stop_workers(pool)
            raise
        pool.shutdown()
    else:
        results = [_judge_commit(*a) for a in args]
    for (commit_sha, as_of), (raw, error) in zip(misses, results, strict=True):
        judged[commit_sha] = (_as_seen(raw) or [], error)
        cache.put(_history_key(policy, commit_sha, as_of), {"open": raw, "error": error})

    points: list[MonthPoint] = []
    first_seen: dict[str, str] = {}
    previous: dict[str, Seen] = {}
    for month, commit_sha, as_of, when, _newest in plan:
        items, error = judged[commit_sha]
        if error:
            points.append(
                MonthPoint(month, commit_sha, as_of, len(previous), 0, 0, error, when=when)
            )
            continue
        current = {s.fingerprint: s for s in items}
        for fp in current.keys() - previous.keys():
            first_seen.setdefault(fp, month)
        new = tuple(current[fp] for fp in sorted(current.keys() - previous.keys()))
        gone = tuple(previous[fp] for fp in sorted(previous.keys() - current.keys()))
        points.append(
            MonthPoint(
                month,
                commit_sha,
                as_of,
                len(current),
                len(new),
                len(gone),
                when=when,
                new_items=new,
                resolved_items=gone,
            )
        )
        previous = current
    return points, first_seen


def entered_dates(repo: gitsafe.Repo, sha: str) -> dict[str, date]:
    """records/ path -> the day its file was first committed (China time), from one git log."""
    out = gitsafe.run(
        repo,
        "log",
        "--reverse",
        "--diff-filter=A",
        "--no-renames",
        "--format=%x00%ct",
        "--name-only",
        sha,
        "--",
        snapshot_mod.RECORDS_DIR,
    )
    found: dict[str, date] = {}
    for chunk in out.split("\0"):
        if not chunk.strip():
            continue
        stamp, _, rest = chunk.partition("\n")
        day = datetime.fromtimestamp(int(stamp.strip()), CHINA_TZ).date()
        for path in rest.splitlines():
            if path.strip():
                found.setdefault(path.strip(), day)
    return found


def gather(
    repo_path: Path,
    ref: str,
    as_of: date | None,
    policy_dir: Path,
    cache: Cache,
    history_samples: int = 24,
) -> SiteModel:
    """Everything the site shows about ``ref`` (raises InputError for a bad ref or bad records)."""
    policy = policy_mod.load(policy_dir)
    repo = snapshot_mod.open_repo(repo_path)
    commit = _commit_or_none(repo, ref)
    if commit is None:
        day = as_of or datetime.now(CHINA_TZ).date()
        return SiteModel(policy, ref, day, None, None, note="仓库还没有任何提交,暂无记录可检查。")
    if snapshot_mod.is_shallow(repo):
        # The site publishes history and which waivers carry authority: both need it all.
        raise InputError(
            "此仓库是浅克隆(shallow clone),缺少生成网站所需的历史"
            "(历史页、豁免和监管记录的签名核验都要用到完整历史)",
            hint=SHALLOW_HINT,
        )
    snap = snapshot_mod.from_commit(repo, commit.hexsha)
    day = as_of or snap.default_as_of()
    # Evaluated first: bad input is reported as the check reports it, and the folders'
    # summaries then read records known to be valid.
    result = evaluate(snap, policy, day, cache)
    folders = Folders(snap, cache)
    found = folders.summaries()
    secrets = public_secrets(folders, found)
    result.reminders = sorted(
        result.reminders
        + history_mod.backfill_reminders(repo, commit.hexsha, set(snap.entries), cache),
        key=Reminder.sort_key,
    )
    note = "" if snap.entries else "该提交中没有 records/ 目录,暂无记录可检查。"
    root, problem = authority_mod.trust_root(gitsafe.where(repo), commit.hexsha, policy)
    points, first_seen = history(
        repo, commit.hexsha, policy, policy_dir, cache, history_samples, day, result
    )
    return SiteModel(
        policy=policy,
        ref=ref,
        as_of=day,
        commit=snap.commit,
        result=result,
        changes=recent_changes(repo, commit.hexsha),
        history=points,
        first_seen=first_seen,
        entered=entered_dates(repo, commit.hexsha),
        note=note,
        escape=Escaper(secrets),
        post_counts={
            group.split("/")[2]: summary.posts
            for group, summary in found.items()
            if group.startswith(records_mod.directory("account")) and summary.posts
        },
        authority_root=root,
        authority_problem=problem,
    )
