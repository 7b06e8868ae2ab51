"""The site's privacy check: which private values stand in public text, and which are hidden.

``engine.site.privacy.Finder`` replaced a regular expression made of every private value
(its time grew with values x text). These tests hold it to what the expression did: the
same values found (also inside longer words and inside one another), the same text
masked, and the site-level rule that a private value written in any public field of any
record is public, while one written nowhere public is masked and guarded.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from engine import records as records_mod
from engine import snapshot as snapshot_mod
from engine.cache import Cache
from engine.records import Record
from engine.site.markup import REDACTED, Escaper
from engine.site.model import (
    Folders,
    Summary,
    _group,
    _joined,
    _split_joined,
    _strings,
    public_fields,
    public_secrets,
    split_strings,
    summaries,
    summarise,
)
from engine.site.privacy import Finder

ROOT = Path(__file__).resolve().parent.parent

# A small alphabet makes values overlap, nest and repeat inside the texts.
WORDS = st.text(alphabet="张三丰李a1-", min_size=1, max_size=4)
TEXTS = st.lists(st.text(alphabet="张三丰李a1- \n", max_size=30), max_size=5)


def regex_occurring(values: set[str], text: str) -> set[str]:
    """The old check: one expression of all values, repeated until no new value is found."""
    found: set[str] = set()
    left = sorted(values, key=len, reverse=True)
    while left:
        new = set(re.findall("|".join(re.escape(v) for v in left), text))
        if not new:
            break
        found |= new
        left = [v for v in left if v not in found]
    return found


@given(st.sets(WORDS, max_size=8), TEXTS)
def test_finder_finds_what_a_search_for_each_value_finds(
    values: set[str], texts: list[str]
) -> None:
    expected = {v for v in values if any(v in t for t in texts)}
    assert Finder(values).occurring(texts) == expected
    # The old regular expression agrees on one text (every value found, nested ones too).
    for text in texts:
        assert Finder(values).occurring([text]) == regex_occurring(values, text)


@given(st.sets(WORDS, max_size=8), st.text(alphabet="张三丰李a1- ", max_size=40))
def test_masking_matches_the_longest_first_expression(values: set[str], text: str) -> None:
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
    expected = pattern.sub(REDACTED, text) if values else text
    assert Finder(values).replace(text, REDACTED) == expected


def test_nested_and_overlapping_values() -> None:
    finder = Finder({"张三", "张三丰", "三丰李", "李"})
    assert finder.occurring(["记者张三丰来访"]) == {"张三", "张三丰"}
    assert finder.occurring(["张三丰李"]) == {"张三", "张三丰", "三丰李", "李"}
    assert finder.replace("张三丰李四", "*") == "**四"  # 张三丰 first, then 李
    assert not Finder([]) and Finder([]).occurring(["张三"]) == set()


def test_escaper_masks_and_reports_leaks() -> None:
    e = Escaper(["张三", "张三丰", "王五", " 李 "])  # 李 alone is too short to mask
    assert e.redact("张三丰与张三、王五") == f"{REDACTED}与{REDACTED}、{REDACTED}"
    assert e("<张三>") == f"&lt;{REDACTED}&gt;"
    assert e.leaks("…张三丰…王五") == ["张三丰", "张三", "王五"]
    assert e.leaks("李") == []


def _posts(path: str, posts: list[dict[str, object]]) -> Record:
    kind, ids = records_mod.kind_of(path) or ("", {})
    return Record(kind, path, "0" * 40, {"post": posts}, ids, lambda: b"")


def test_a_private_value_in_any_public_field_of_any_record_is_public() -> None:
    own = _posts(
        "records/accounts/a-wx/posts/2026-01.toml",
        [
            {"title": "通知", "review": [{"level": 1, "reviewer": "张三"}]},
            # A reviewer whose name stands inside this post's own title.
            {"title": "孟和巴特尔获奖", "review": [{"level": 1, "reviewer": "孟和"}]},
            {"title": "简报", "review": [{"level": 1, "reviewer": "乌兰其其格"}]},
        ],
    )
    # Another account's title holds 张三 inside a longer word: across records and fields.
    other = _posts(
        "records/accounts/b-wx/posts/2026-02.toml",
        [{"title": "张三丰纪念馆开馆", "review": [{"level": 1, "reviewer": "斯琴"}]}],
    )
    first, second = summarise([own]), summarise([other])
    assert first.private == ["乌兰其其格", "孟和", "张三"]
    assert "孟和巴特尔获奖" in first.public and "张三" not in first.public
    assert first.posts == {"2026-01": 3}
    secrets = public_secrets(_no_folders(), {"a": first, "b": second})
    assert secrets == {"乌兰其其格", "斯琴"}
    # Only values written nowhere public are masked on the site.
    e = Escaper(secrets)
    assert (
        e.redact("审核:乌兰其其格、张三、孟和、斯琴") == f"审核:{REDACTED}、张三、孟和、{REDACTED}"
    )


def test_no_private_values_no_secrets() -> None:
    assert public_secrets(_no_folders(), {"a": Summary([], _joined(["张三"]), {})}) == set()


def _no_folders() -> Folders:
    return Folders(snapshot_mod.Snapshot("commit", "x", {}, _NoReads()), Cache(None))


class _NoReads(snapshot_mod._Reader):
    def read(self, path: str, blob: str) -> bytes:
        raise AssertionError(f"read {path} although its summary is cached")

    def prefetch(self, blobs: list[str]) -> None:
        if blobs:
            raise AssertionError("prefetched although every summary is cached")


def test_summaries_come_from_the_cache_by_blob(tmp_path: Path) -> None:
    snap = snapshot_mod.from_worktree(ROOT)
    cache = Cache(tmp_path / "cache")
    first = summaries(snap, cache)
    loaded = records_mod.load_many(
        (p, b, (lambda p=p: snap.read(p)))  # type: ignore[misc]
        for p, b in snap.entries.items()
    )
    assert set().union(*(s.private for s in first.values())) == set().union(
        *(summarise([r]).private for r in loaded)
    )
    accounts = {g.split("/")[2] for g, s in first.items() if s.posts}
    assert accounts == {r.ids["account"] for r in loaded if r.kind == "posts"}
    again = snapshot_mod.Snapshot("commit", "x", dict(snap.entries), _NoReads())
    cached = summaries(again, cache)
    assert {g: (s.private, s.posts, s.key) for g, s in cached.items()} == {
        g: (s.private, s.posts, s.key) for g, s in first.items()
    }
    # The public strings stay in the cache until the privacy check needs them.
    folders = Folders(again, cache)
    assert all(s.public is None for s in cached.values())
    assert all(folders.public(g, s) == first[g].public for g, s in cached.items())
    secrets = public_secrets(folders, cached)
    assert secrets == public_secrets(Folders(again, cache), first)
    assert secrets and secrets <= set().union(*(s.private for s in first.values()))
    # A changed blob is a miss: that folder is read again.
    path = next(p for p in snap.entries if "/posts/" in p)
    changed = dict(snap.entries, **{path: "f" * 40})
    try:
        summaries(snapshot_mod.Snapshot("commit", "x", changed, _NoReads()), cache)
    except AssertionError as exc:
        assert path in str(exc) or "prefetched" in str(exc)
    else:
        raise AssertionError("a changed record file was not read again")


# Record-shaped data: keys that the schemas mark private at several depths, lists of
# tables, scalars of every TOML type (as parse_toml leaves them: text, numbers, booleans).
_KEYS = st.sampled_from(["post", "review", "reviewer", "title", "contact", "phone", "name", "x"])
_SCALARS = st.one_of(
    st.text(alphabet="张三丰李a1-", max_size=4), st.integers(-3, 3), st.booleans(), st.floats(0, 2)
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)


@given(st.sampled_from(["posts", "account", "unit", "event"]), st.dictionaries(_KEYS, _DATA))
def test_one_walk_splits_as_private_values_and_public_fields_do(kind: str, data: dict) -> None:
    """``split_strings`` (one walk, the site's summaries) finds the same private values as
    ``records.private_values`` and the same public strings as ``public_fields``."""
    record = Record(kind, "records/x.toml", "0" * 40, data, {}, lambda: b"")
    private: set[str] = set()
    public: set[str] = set()
    split_strings(kind, data, private, public)
    assert private == records_mod.private_values(kind, data)
    assert public == set(_strings(public_fields(record)))


def test_the_walk_knows_each_kinds_private_fields() -> None:
    data = {
        "post": [
            {"title": "通知", "review": [{"level": 1, "reviewer": "张三", "at": "2026-01-02"}]}
        ]
    }
    private: set[str] = set()
    public: set[str] = set()
    split_strings("posts", data, private, public)
    assert (private, public) == ({"张三"}, {"通知", "2026-01-02"})
    assert records_mod.private_fields("posts") >= {"post.review.reviewer"}


def test_cached_public_text_round_trips() -> None:
    for strings in ([], ["a"], ["", "b"], ["a\x00b", "c"], ["张三", "李四", "王五"]):
        assert _split_joined(_joined(strings)) in (strings, [s for s in strings if s])


def test_folders_read_from_the_parser_as_from_loaded_records(tmp_path: Path) -> None:
    """The folders' summaries (records straight from the TOML parser, date-times turned into
    text by the walk) hold what ``summarise`` finds in the same records loaded and
    validated by ``records.load_many``: private values, public strings, posts per month."""
    snap = snapshot_mod.from_worktree(ROOT)
    found = summaries(snap, Cache(None))
    loaded = records_mod.load_many(
        (p, b, (lambda p=p: snap.read(p)))  # type: ignore[misc]
        for p, b in snap.entries.items()
    )
    by_group: dict[str, list[Record]] = {}
    for record in loaded:
        by_group.setdefault(_group(record.path), []).append(record)
    assert set(by_group) <= set(found)
    for group, records in by_group.items():
        expected = summarise(records)
        got = found[group]
        assert (got.private, got.posts) == (expected.private, expected.posts), group
        assert set(got.public or []) == set(expected.public or []), group
    # The real records hold date-times, which the parser gives as objects.
    assert any("T" in s and s[:4].isdigit() for g in found.values() for s in g.public or [])
