"""The site model's shortcuts give what the plain ways give.

- The column walk (``_Splitter.values``: the values of one field in all the tables of a
  folder's records of one kind, looked at together) finds, for many records at once, the
  union of what each record's private values (``records.private_values``) and public
  strings (``public_fields``) are once the record is read as ``parse_toml`` reads it.
- ``public_secrets`` with the answers of an earlier build in the cache (looking only for
  the values it has not looked for yet) finds what a search of every folder's public
  strings for every value finds.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import records as records_mod
from engine import snapshot as snapshot_mod
from engine.cache import Cache, digest
from engine.records import Record
from engine.site.model import (
    Folders,
    Summary,
    _joined,
    _Splitter,
    _strings,
    public_fields,
    public_secrets,
)

_KEYS = st.sampled_from(["post", "review", "reviewer", "title", "contact", "phone", "name", "x"])
_STAMPS = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(2100, 1, 1)),
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]),
    ),
    st.dates(),
    st.times(),
    # Whole seconds from 2020: the shape of the records' own date-times; and before 1000.
    st.integers(0, 10**8).map(lambda s: datetime(2020, 1, 1) + timedelta(seconds=s)),
    st.integers(0, 10**8).map(lambda s: datetime(999, 1, 1) + timedelta(seconds=s)),
)
_SCALARS = st.one_of(
    st.text(alphabet="张三丰李a1-:T0", max_size=4),
    st.integers(-3, 3),
    st.booleans(),
    st.floats(0, 2),
    _STAMPS,
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)
_RECORD = st.dictionaries(_KEYS, _DATA, max_size=4)


def _reference(kind: str, data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The plain way: the record read as ``parse_toml`` reads it (date-times as text), its
    private values and the strings of its public fields."""
    parsed = records_mod._normalise(copy.deepcopy(data))
    record = Record(kind, "records/x.toml", "0" * 40, parsed, {}, lambda: b"")
    return records_mod.private_values(kind, parsed), set(_strings(public_fields(record)))


@settings(max_examples=300)
@given(
    st.sampled_from(["posts", "account", "unit", "event", "messages"]),
    st.lists(_RECORD, min_size=1, max_size=4),
)
def test_the_column_walk_finds_what_each_record_holds(kind: str, datas: list[dict]) -> None:
    private: set[str] = set()
    public: set[str] = set()
    _Splitter.of(kind).values(datas, "", private, public)
    want_private: set[str] = set()
    want_public: set[str] = set()
    for data in datas:
        p, q = _reference(kind, data)
        want_private |= p
        want_public |= q
    assert (private, public) == (want_private, want_public)


def test_the_column_walk_on_posts_shaped_like_the_records() -> None:
    """Many posts of several files: date-times as the parser gives them, a review table
    list per post, a private field at depth three, an aware date-time among naive ones."""
    files = [
        {
            "post": [
                {
                    "published": datetime(2026, 11, d, 8, m),
                    "title": f"标题{d}-{m}",
                    "category": "routine",
                    "concerns_units": ["旗教育局"],
                    "ad": False,
                    "review": [
                        {"level": 1, "at": datetime(2026, 11, d, 7, m), "reviewer": f"审核{m}"},
                        {"level": 2, "day": date(2026, 11, d), "reviewer": "李四"},
                    ],
                }
                for m in range(3)
            ]
        }
        for d in (1, 2)
    ]
    files[1]["post"][0]["published"] = datetime(
        2026, 11, 2, 8, 0, 30, 5, tzinfo=timezone(timedelta(hours=-5))
    )
    files[1]["post"][1]["review"][0]["at"] = time(9, 30)
    # A year before 1000 among whole-second naive date-times: parse_toml writes it unpadded.
    files.append({"post": [{"published": datetime(999, 1, 2, 3, 4, 5), "title": "古"}]})
    private: set[str] = set()
    public: set[str] = set()
    _Splitter.of("posts").values(files, "", private, public)
    want = [_reference("posts", f) for f in files]
    assert private == want[0][0] | want[1][0] == {"审核0", "审核1", "审核2", "李四"}
    assert public == want[0][1] | want[1][1] | want[2][1]
    assert "2026-11-02T21:00:30" in public  # the aware one, in China time
    assert "09:30:00" in public


class _NoReads(snapshot_mod._Reader):
    def read(self, path: str, blob: str) -> bytes:
        raise AssertionError(f"read {path}")


def _folders(cache: Cache) -> Folders:
    return Folders(snapshot_mod.Snapshot("commit", "x", {}, _NoReads()), cache)


def _plain_secrets(found: dict[str, Summary]) -> set[str]:
    """Every value looked for in every public string."""
    values = set().union(*(s.private for s in found.values()))
    strings = [t for s in found.values() for t in s.public or []]
    return {v for v in values if not any(v in t for t in strings)}


_NAMES = st.text(alphabet="张三丰李四王五", min_size=1, max_size=3)
_FOLDER = st.tuples(st.lists(_NAMES, max_size=4), st.lists(_NAMES, max_size=4))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_FOLDER, min_size=1, max_size=4), min_size=1, max_size=4))
def test_secrets_from_earlier_answers_are_the_plain_ones(
    tmp_path_factory: Any, builds: list[list[tuple[list[str], list[str]]]]
) -> None:
    """Builds one after another with one cache: folders whose files did not change keep
    their key, and each build's secrets are what a search of everything finds."""
    cache = Cache(tmp_path_factory.mktemp("cache"))
    for build in builds:
        found = {}
        for i, (private, public) in enumerate(build):
            # The key names the folder's content: the same content, the same key.
            key = digest(["folder", str(i), *private, "|", *public])
            found[f"g{i}"] = Summary(sorted(set(private)), _joined(public), {}, key)
        assert public_secrets(_folders(cache), found) == _plain_secrets(found)
        # Again with the texts only in the cache, as a later build reads them.
        for summary in found.values():
            cache.put_bytes(summary.key + "-text", (summary.text or "").encode())
        again = {g: Summary(s.private, None, {}, s.key) for g, s in found.items()}
        assert public_secrets(_folders(cache), again) == _plain_secrets(found)


def test_a_new_value_is_looked_for_in_unchanged_folders(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    a = Summary(["张三"], _joined(["张三丰纪念馆", "通知"]), {}, "a" * 64)
    b = Summary(["李四"], _joined(["简报"]), {}, "b" * 64)
    assert public_secrets(_folders(cache), {"a": a, "b": b}) == {"李四"}
    # A new reviewer, 王五, whose name stands in folder a's unchanged title only.
    a2 = Summary(["张三"], None, {}, "a" * 64)  # text only in the cache from here on
    cache.put_bytes(a2.key + "-text", _joined(["张三丰纪念馆", "王五路通知"]).encode())
    c = Summary(["王五"], _joined(["新闻"]), {}, "c" * 64)
    assert public_secrets(_folders(cache), {"a": a2, "b": b, "c": c}) == {"李四"}


def test_a_forged_set_of_values_is_not_used(tmp_path: Path) -> None:
    """An entry naming a set of values that does not match its tag is a miss: the folder's
    text is searched for every value again."""
    cache = Cache(tmp_path)
    a = Summary(["张三"], _joined(["张三丰"]), {}, "a" * 64)
    assert public_secrets(_folders(cache), {"a": a}) == set()
    for entry in tmp_path.glob("*/*.json"):
        body = entry.read_bytes().split(b"\n", 1)[1]
        if body.startswith(b"T") and "张三".encode() in body:
            key = entry.stem
            cache.put_bytes(key, _joined(["张三", "李四"]).encode())  # 李四 never looked for
    b = Summary(["李四"], _joined(["简报"]), {}, "b" * 64)
    a_again = Summary(["张三"], _joined(["李四季度", "张三丰"]), {}, "a" * 64)
    assert public_secrets(_folders(cache), {"a": a_again, "b": b}) == set()


def test_a_new_value_is_not_found_in_the_mark_of_a_cached_text(tmp_path: Path) -> None:
    """The cached text starts with a mark ("T"): a value is not found across it."""
    cache = Cache(tmp_path)
    a = Summary(["李四"], _joined(["张三丰"]), {}, "a" * 64)
    assert public_secrets(_folders(cache), {"a": a}) == {"李四"}
    cache.put_bytes(a.key + "-text", (a.text or "").encode())
    cached = Summary(["李四"], None, {}, "a" * 64)
    new = Summary(["T张三", "张三"], _joined([]), {}, "c" * 64)
    assert public_secrets(_folders(cache), {"a": cached, "c": new}) == {"李四", "T张三"}


def test_the_newest_history_point_is_the_results_open_violations() -> None:
    from engine import evaluate
    from engine.site.model import _as_seen, _seen, _seen_of

    root = Path(__file__).resolve().parent.parent
    snap = snapshot_mod.from_worktree(root)
    from engine import policy as policy_mod
    from engine.resources import bundled_policy_dir

    result = evaluate.evaluate(
        snap, policy_mod.load(bundled_policy_dir()), date(2026, 11, 26), Cache(None)
    )
    assert result.open
    assert _seen_of(result) == _as_seen(_seen(result))


def test_answers_for_new_values_are_kept_per_pair_of_sets(tmp_path: Path) -> None:
    """Folders answered for one set of values; later builds add one value, then another
    instead: each build's secrets are the plain ones, and the folder entries are not
    written again for a few new values."""
    cache = Cache(tmp_path)
    a = Summary(["张三"], _joined(["张三丰纪念馆", "王五路通知"]), {}, "a" * 64)
    b = Summary(["李四"], _joined(["简报"]), {}, "b" * 64)
    for summary in (a, b):
        cache.put_bytes(summary.key + "-text", (summary.text or "").encode())
    assert public_secrets(_folders(cache), {"a": a, "b": b}) == {"李四"}
    entries = {p: p.read_bytes() for p in tmp_path.glob("*/*.json")}

    def build(new: str) -> set[str]:
        found = {
            "a": Summary(["张三"], None, {}, "a" * 64),
            "b": Summary(["李四"], None, {}, "b" * 64),
            "c": Summary([new], _joined(["新闻"]), {}, digest(["c", new])),
        }
        got = public_secrets(_folders(cache), found)
        assert got == _plain_secrets(
            {
                "a": Summary(["张三"], _joined(["张三丰纪念馆", "王五路通知"]), {}),
                "b": Summary(["李四"], _joined(["简报"]), {}),
                "c": Summary([new], _joined(["新闻"]), {}),
            }
        )
        return got

    assert build("赵六") == {"李四", "赵六"}
    assert build("赵六") == {"李四", "赵六"}  # the answers for 赵六 from the cache
    assert build("王五") == {"李四"}  # 王五 stands in folder a's text
    assert build("赵六") == {"李四", "赵六"}
    # Folder a's and b's entries as the first build wrote them.
    assert all(p.read_bytes() == body for p, body in entries.items())
