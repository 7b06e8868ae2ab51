"""The shortcuts taken for speed give the same answers as the plain ways they replace."""

from __future__ import annotations

import copy
import random
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from engine import evaluate as evaluate_mod
from engine import policy as policy_mod
from engine import records, snapshot
from engine.banner import AccountFiles
from engine.cache import Cache
from engine.errors import InputError
from engine.facts import Context
from engine.facts.posts import post_facts
from engine.records import Record
from engine.timeutil import iso_local

ROOT = Path(__file__).resolve().parent.parent

POSTS: dict[str, Any] = {
    "post": [
        {
            "published": "2024-03-05T10:00:00",
            "title": "通知",
            "category": "routine",
            "review": [{"level": 1, "at": "2024-03-05T09:00:00", "reviewer": "甲"}],
        }
    ]
}


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


# Each is invalid by jsonschema, or valid only by a rule the fast validator may
# apply more strictly; none may be accepted by the fast validator alone.
TRICKY = [
    ("post", 0, "published"),
    ("post", 0, "review", 0, "at"),
]
VALUES = [
    "2024-02-30T10:00:00",  # no such day
    "2024-03-05T25:00:00",  # no such hour
    "２０２４-03-05T10:00:00",  # full-width digits match Python's \d
    "2024-03-05T10:00:00\n",  # Python's $ matches before a final newline
    "0000-01-01",  # year 0
    "2024-03-05",  # a bare date: valid
    "2024-03-05 10:00",  # valid
    "2024-03-05T10:00:00.5+08:00",  # valid
    "2024-03-05T10:00Z",  # valid
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("where", TRICKY)
def test_fast_validator_never_accepts_what_jsonschema_rejects(
    where: tuple[str | int, ...], value: str
) -> None:
    data = _set(POSTS, where, value)
    slow_errors = list(records._validator("posts").iter_errors(data))
    if records.surely_valid("posts", data):
        assert slow_errors == []


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("posts", _set(POSTS, ("post", 0, "category"), "gossip")),
        ("posts", _set(POSTS, ("post", 0, "review", 0, "level"), True)),
        ("posts", _set(POSTS, ("post", 0, "review", 0, "level"), 1.0)),
        ("posts", _set(POSTS, ("post", 0, "colour"), "red")),
        ("posts", _set(POSTS, ("post", 0, "title"), "")),
        ("posts", _set(POSTS, ("post", 0, "review", 0, "level"), float("nan"))),
        ("event", {"type": "opening", "date": "2024-02-30"}),
        ("event", {"type": "opening", "date": "0000-01-01"}),
        ("event", {"type": "opening", "date": "2024-03-05"}),
    ],
)
def test_fast_validator_agrees_or_defers(kind: str, data: dict[str, Any]) -> None:
    slow_valid = not list(records._validator(kind).iter_errors(data))
    if records.surely_valid(kind, data):
        assert slow_valid
    if not slow_valid:
        assert not records.surely_valid(kind, data)


def test_date_format_is_jsonschemas() -> None:
    checker = jsonschema.FormatChecker(formats=("date",))
    for value in [
        "2024-03-05",
        "2024-02-30",
        "0000-01-01",
        "2024-3-5",
        "２０２４-03-05",
        "2024-03-05\n",
        "2024-03-05T10:00",
        20240305,
        None,
    ]:
        assert records._is_date(value) == checker.conforms(value, "date"), value


def test_normalised_datetimes_match_strftime() -> None:
    rnd = random.Random(7)
    zones = [None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))]
    for _ in range(5000):
        value = datetime(
            rnd.choice([1, 999, 1000, 2024, 9999]),
            rnd.randint(1, 12),
            rnd.randint(1, 28),
            rnd.randint(0, 23),
            rnd.randint(0, 59),
            rnd.randint(0, 59),
            rnd.choice([0, 500000]),
            tzinfo=rnd.choice(zones),
        )
        try:
            expected = (
                value.strftime("%Y-%m-%dT%H:%M:%S") if value.tzinfo is None else iso_local(value)
            )
        except OverflowError:
            continue
        assert records._normalise({"at": [value]}) == {"at": [expected]}


def _post_fields(published: str, reviews: list[str]) -> tuple[Any, ...]:
    data = {
        "post": [
            {
                "published": published,
                "title": "通知",
                "category": "routine",
                "review": [{"level": i + 1, "at": at} for i, at in enumerate(reviews)],
            }
        ]
    }
    record = Record(
        "posts",
        "records/accounts/a/posts/2024-03.toml",
        "0" * 40,
        data,
        {"account": "a", "month": "2024-03"},
        lambda: b"",
    )
    account = Record(
        "account",
        "records/accounts/a/account.toml",
        "1" * 40,
        {"unit": "u", "name": "号", "platform": "weibo", "opened": "2020-01-01"},
        {"account": "a"},
        lambda: b"",
    )
    files = AccountFiles("a", account=account, posts=[record])
    ctx = Context.__new__(Context)  # post facts read nothing from the context
    (fact,) = post_facts(ctx, files)
    return fact.key, fact.day, fact.fields, fact.context


@pytest.mark.parametrize(
    ("plain", "other"),
    [
        # the same instants written as canonical China time and otherwise
        (
            ("2024-03-05T10:00:00", ["2024-03-05T09:00:00", "2024-03-05T10:00:00"]),
            ("2024-03-05T02:00:00Z", ["2024-03-05T01:00:00+00:00", "2024-03-05 10:00"]),
        ),
        (
            ("2024-03-05T00:30:00", ["2024-03-05T00:30:01", "2024-03-04T23:00:00"]),
            ("2024-03-04T16:30:00Z", ["2024-03-05T00:30:01+08:00", "2024-03-04T23:00:00+08:00"]),
        ),
    ],
)
def test_post_facts_plain_strings_match_parsed_times(
    plain: tuple[str, list[str]], other: tuple[str, list[str]]
) -> None:
    assert _post_fields(*plain) == _post_fields(*other)


def test_post_facts_fractional_seconds_are_compared_as_times() -> None:
    _key, _day, fields, _context = _post_fields(
        "2024-03-05T10:00:00.500", ["2024-03-05T10:00:00.700", "2024-03-05T10:00:00"]
    )
    assert fields["reviewed_levels"] == 0  # level 1 came after publication
    assert fields["late_reviews"] == 1


def test_parallel_partitions_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (ROOT / "records" / "accounts").is_dir():
        pytest.skip("no bundled sample")
    snap = snapshot.from_worktree(ROOT)
    policy = policy_mod.load(ROOT / "policy")
    as_of = date(2026, 11, 26)
    results = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("GOVMEDIA_JOBS", jobs)
        result = evaluate_mod.evaluate(snap, policy, as_of)
        assert result.cache_hits == 0
        results.append(([v.to_dict() for v in result.violations], result.facts))
    assert len(snapshot.from_worktree(ROOT).entries) > 0
    assert results[0][0], "the sample has violations to compare"
    assert results[0] == results[1]


def test_records_saved_in_the_cache_match_parsed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (ROOT / "records" / "accounts").is_dir():
        pytest.skip("no bundled sample")
    snap = snapshot.from_worktree(ROOT)
    policy = policy_mod.load(ROOT / "policy")
    store = Cache(tmp_path / "cache")

    def loaded() -> dict[str, Any]:
        monkeypatch.setattr(evaluate_mod, "_RECENT", {})  # as in a new process
        result = evaluate_mod.evaluate(snap, policy, date(2026, 11, 26), store)
        units = {r.path: (r.kind, r.ids, r.data) for r in result.banner.units.values()}
        accounts = {
            f.record.path: (f.record.data, [(e.path, e.data) for e in f.events])
            for f in result.banner.accounts.values()
        }
        return {"units": units, "accounts": accounts, "violations": len(result.violations)}

    parsed = loaded()

    def no_parsing(path: str, data: bytes) -> tuple[dict[str, Any], bool | None]:
        raise AssertionError(f"{path} parsed again")

    monkeypatch.setattr(records, "_parse", no_parsing)  # what load_record parses with
    saved = loaded()  # now from the cache entries the first run wrote
    assert parsed["units"] and parsed["accounts"]
    assert saved == parsed


def test_parallel_partitions_report_the_same_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (ROOT / "records" / "accounts").is_dir():
        pytest.skip("no bundled sample")
    shutil.copytree(ROOT / "records", tmp_path / "records")
    accounts = sorted((tmp_path / "records" / "accounts").iterdir())
    for account in (accounts[3], accounts[-2]):  # two bad files in two partitions
        post_file = sorted((account / "posts").glob("*.toml"))[0]
        post_file.write_text(
            post_file.read_text("utf-8") + '\n[[post]]\ntitle = "缺少发布时间"\n', "utf-8"
        )
    snap = snapshot.from_worktree(tmp_path)
    policy = policy_mod.load(ROOT / "policy")
    rendered = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("GOVMEDIA_JOBS", jobs)
        with pytest.raises(InputError) as caught:
            evaluate_mod.evaluate(snap, policy, date(2026, 11, 26))
        rendered.append(caught.value.render())
    assert accounts[3].name in rendered[0]
    assert rendered[0] == rendered[1]


@pytest.mark.parametrize(
    "text",
    [
        'x = nan\ntitle = "information"\n',
        "x = [1.5, -inf]\n",
        "[t]\ny = +inf\n",
        'y = [[1, 2], [3.0, nan]]\nz = "inf"\n',
    ],
)
def test_non_finite_floats_are_refused_whatever_else_the_file_holds(text: str) -> None:
    with pytest.raises(InputError, match=r"nan|inf"):
        records.parse_toml("records/x.toml", text.encode())


def test_a_file_without_floats_is_not_searched_for_nan_or_inf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No float in the tree (the normalising walk says so): no nan or inf to refuse,
    whatever words the text holds."""

    def searched(*args: Any) -> None:
        raise AssertionError("searched for nan/inf")

    monkeypatch.setattr(records, "_refuse_non_finite", searched)
    text = 'title = "information nan inf"\nn = 1\n[[post]]\nat = 2024-03-05T10:00:00\n'
    assert records.parse_toml("records/x.toml", text.encode())["title"] == "information nan inf"
    with pytest.raises(AssertionError, match="searched"):
        records.parse_toml("records/x.toml", b'title = "information"\nf = 1.5\n')


def test_engine_sources_are_listed_as_pathlib_lists_them(tmp_path: Path) -> None:
    """The engine digest's file order is ``sorted(rglob("*.py"))``'s: by path components
    ("report/" before "report.py"), no symlinked folder entered, files of other kinds left."""
    from engine import cache as cache_mod

    for name in ["report.py", "report/x.py", "report_x.py", "a/b/c.py", "a/b.py", "z.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "linked").symlink_to(tmp_path / "a")
    for root in (tmp_path, ROOT / "engine"):
        expected = [str(p) for p in sorted(root.rglob("*.py"))]
        assert cache_mod._sources(str(root)) == expected
    assert len(cache_mod._sources(str(tmp_path))) == 5


def test_records_other_than_posts_keep_their_bytes_for_line_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not (ROOT / "records" / "accounts").is_dir():
        pytest.skip("no bundled sample")
    snap = snapshot.from_worktree(ROOT)
    paths = [p for p in snap.entries if p.endswith("/account.toml")][:20]
    assert paths
    keys = [("name",), ("unit",), ("no-such-key",)]
    plain = {r.path: [r.line(*k) for k in keys] for r in evaluate_mod._load(snap, paths)}
    kept = evaluate_mod._load(snap, paths, keep=True)

    def no_reading(path: str) -> bytes:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(snap._reader, "read", lambda path, blob: no_reading(path))
    assert {r.path: [r.line(*k) for k in keys] for r in kept} == plain
    assert all(lines[0] > 1 for lines in plain.values())


def _post_file(rnd: random.Random, month: str) -> dict[str, Any]:
    def published() -> Any:
        day = f"{month}-{rnd.randint(1, 3):02d}"
        return rnd.choice(
            [f"{day}T10:00:00"] * 6
            + [f"{day}T10:00:00+08:00", f"{day}T10:00:00.5", "2023-01-05T10:00:00"]
            + [datetime(2024, 3, 1, 2, 0, tzinfo=UTC).isoformat()]
        )

    titles = ["通知", "通知 ", "公告", 7]
    return {
        "post": [
            {"published": published(), "title": rnd.choice(titles)} for _ in range(rnd.randrange(4))
        ]
    }


def _post_record(month: str, data: dict[str, Any]) -> Record:
    path = f"records/accounts/a/posts/{month}.toml"
    return Record("posts", path, "", data, {"account": "a", "month": month}, lambda: b"")


def test_usual_post_files_are_checked_as_the_plain_way() -> None:
    """Post files found usual have nothing ``_check_post_months`` and
    ``_check_post_duplicates`` would report; the others are looked at by them."""
    from engine import banner

    rnd = random.Random(8)
    usual = 0
    for _ in range(1000):
        months = rnd.sample(["2024-03", "2024-04"], rnd.randint(1, 2))
        posts = [_post_record(m, _post_file(rnd, m)) for m in months]
        errors: list[InputError] = []
        for record in posts:
            banner._check_post_months(record, errors)
        banner._check_post_duplicates(posts, errors)
        found = banner._usual_posts(posts)
        assert not (found and errors), posts
        usual += found
    assert usual > 100
