"""The cold check's shortcuts give the same answers as the plain ways they replace:
post facts built positionally with fewer sets, account weeks counted by day text, the
judge grouping facts by their fields and versions by span, the one-walk normalisation
that also finds floats, and ``Violation.to_dict`` without ``asdict``.

The plain ways are kept here as they were in the engine before the shortcuts."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import factkit
import jsonschema_rs
import pytest
import rtoml

from engine import evaluate as evaluate_mod
from engine import lines as lines_mod
from engine import policy as policy_mod
from engine import records, rules_engine, snapshot
from engine.banner import AccountFiles
from engine.evaluate import Uncounted
from engine.facts import Context, Fact
from engine.facts import posts as posts_mod
from engine.facts.posts import account_weeks, post_facts
from engine.labels import CATEGORY, label
from engine.policy import Policy, Version
from engine.records import Record
from engine.timeutil import CHINA_TZ, iso_local, parse_date, parse_datetime
from engine.violations import Reminder, Violation

ROOT = Path(__file__).resolve().parent.parent


def _plain_post_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """``post_facts`` as it was before its fast path (keyword-built facts, sets always)."""
    if not files.posts:
        return
    unit, account = files.unit, files.id
    for record in files.posts:
        for i, post in enumerate(record.data["post"]):
            text = post["published"]
            plain = posts_mod._plain(text)
            published = None if plain else parse_datetime(text)
            stamp = text if published is None else iso_local(published)
            before: set[int] = set()
            after: set[int] = set()
            same_day: set[int] = set()  # reviews known only to the publication day
            late = 0
            reviewers: dict[str, set[int]] = {}
            for review in post.get("review", []):
                level = int(review["level"])
                who = str(review.get("reviewer", "")).strip()
                if who:
                    reviewers.setdefault(who, set()).add(level)
                if "day" in review:
                    reviewed, day = parse_date(review["day"]), posts_mod._day(text)
                    if reviewed == day:
                        same_day.add(level)
                        continue
                    early = reviewed < day
                else:
                    at = review["at"]
                    if plain and posts_mod._plain(at):
                        early = at <= text
                    else:
                        early = parse_datetime(at) <= (published or parse_datetime(text))
                if early:
                    before.add(level)
                else:
                    after.add(level)
                    late += 1
            levels = posts_mod._chain(before)
            possible = posts_mod._chain(before | same_day)
            # The lowest level reviewed only after publication: a late review that stands
            # in for that level (art-14 judges it only if the category needs that level).
            late_only = min(after - before - same_day, default=0)
            shared = sorted(
                (sorted(ls) for ls in reviewers.values() if len(ls) > 1), key=lambda ls: ls[0]
            )
            repost = post.get("repost")
            title = str(post["title"])
            shown = stamp.replace("T", " ")
            yield Fact(
                kind="post",
                key=f"{account}/post/{stamp}",
                day=posts_mod._day(text) if published is None else published.date(),
                record=record,
                where=("post", i),
                unit=unit,
                account=account,
                fields={
                    "category": str(post["category"]),
                    "reviewed_levels": levels,
                    "late_reviews": late,
                    "late_only_level": late_only,
                    # Levels signed by one reviewer (never the name: reviewers are private).
                    "same_reviewer_levels": "、".join(
                        "、".join(f"第 {n} 级" for n in ls) for ls in shared
                    ),
                    "ad": bool(post.get("ad", False)),
                    "personal_opinion": bool(post.get("personal_opinion", False)),
                    "personal_data": bool(post.get("personal_data", False)),
                    "deidentified": bool(post.get("deidentified", False)),
                    "disclosure_basis": str(post.get("disclosure_basis", "")),
                    "is_repost": repost is not None,
                },
                context={
                    "title": title,
                    "published": shown,
                    "category_zh": label(CATEGORY, str(post["category"])),
                },
                doubt=posts_mod._same_day_doubt(title, shown, levels, possible, same_day),
            )


def _plain_judge(
    facts: list[Fact], policy: Policy, ctx: Context, uncounted: Uncounted | None = None
) -> tuple[list[Violation], list[Reminder]]:
    """``evaluate.judge`` as it was before facts were grouped (each fact projected, each
    version looked up day by day).
    """
    tally: Uncounted = {} if uncounted is None else uncounted
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    keys: set[tuple[str, str]] = set()
    for fact in facts:
        if fact.day < ctx.judged_from:
            continue
        if (fact.kind, fact.key) in keys:
            # Two things judged alike (two posts of one account at the same minute) still
            # get distinct fingerprints: number the repeats in record order.
            n = 2
            while (fact.kind, f"{fact.key}#{n}") in keys:
                n += 1
            fact = replace(fact, key=f"{fact.key}#{n}")
        keys.add((fact.kind, fact.key))
        by_kind[fact.kind].append(fact)
    found: list[Violation] = []
    reminders: dict[str, Reminder] = {}
    for rule in policy.rules.values():
        on_day: dict[date, Version | None] = {}  # many facts share a day
        for kind in sorted(rule.fact_kinds):
            groups: dict[int, list[Fact]] = defaultdict(list)
            for fact in by_kind.get(kind, ()):
                day = fact.day
                if day in on_day:
                    version = on_day[day]
                else:
                    version = on_day[day] = rule.version_on(day)
                if version is not None:
                    groups[version.number].append(fact)
            for number, members in groups.items():
                version = rule.version(number)
                violations, doubted = _plain_judge_version(
                    version, kind, members, rule.article, ctx, tally
                )
                found.extend(violations)
                for fact in doubted:
                    reminders.setdefault(fact.key, evaluate_mod._doubt_reminder(fact, rule.article))
    return found, list(reminders.values())


def _plain_judge_version(
    version: Version,
    kind: str,
    facts: list[Fact],
    article: int,
    ctx: Context,
    tally: Uncounted,
) -> tuple[list[Violation], list[Fact]]:
    """The violations of one rule version over facts of one kind, and the facts whose
    doubt decided a check (they get a reminder instead)."""
    checks = {c.name: c for c in version.checks if c.fact == kind}
    if not checks:
        return [], []
    wanted = sorted(set().union(*(c.fields for c in checks.values())) - {"fact"})
    # Conditions see only the fields they name, so facts with equal projections
    # match alike: durable_rules judges each distinct projection once.
    distinct: dict[tuple[Any, ...], list[int]] = {}
    for index, fact in enumerate(facts):
        fields = fact.fields
        projection = tuple([(f, fields[f]) for f in wanted if f in fields])
        distinct.setdefault(projection, []).append(index)
    keys = list(distinct)
    # Facts with a doubt are also judged as if it went the unit's way (after the rest).
    doubtful = [i for i, f in enumerate(facts) if f.doubt is not None]
    for index in doubtful:
        fields = {**facts[index].fields, **facts[index].doubt.fields}  # type: ignore[union-attr]
        keys.append(tuple([(f, fields[f]) for f in wanted if f in fields]))
    payload = [{"fact": kind, **dict(k)} for k in keys]
    favourable = {index: len(distinct) + n for n, index in enumerate(doubtful)}
    favourable_hits: set[tuple[str, int]] = set()
    conditions = {name: c.condition for name, c in checks.items()}
    matched: dict[str, list[int]] = defaultdict(list)
    # At most one violation per fact and check: an "$or" can match one fact through
    # several branches, and the expansions of an ``each`` check share its id (and so
    # its fingerprint).
    seen: set[tuple[str, int]] = set()
    for name, i in rules_engine.match(conditions, payload):
        check_id = checks[name].id
        if i >= len(distinct):
            favourable_hits.add((name, i))
            continue
        for index in distinct[keys[i]]:
            if (check_id, index) not in seen:
                seen.add((check_id, index))
                matched[name].append(index)
    out = []
    undecided: dict[int, Fact] = {}
    for name, indexes in matched.items():
        check = checks[name]
        decided = []
        for i in sorted(indexes):
            if i in favourable and (name, favourable[i]) not in favourable_hits:
                undecided[i] = facts[i]  # the doubt decides this check: a reminder
            else:
                decided.append(i)
        found = [facts[i] for i in decided]
        # A check reading a field no calendar could count is not judged on that fact.
        found = [f for f in found if not f.uncounted or check.fields.isdisjoint(f.uncounted)]
        for run in evaluate_mod._runs(found):
            out.append(evaluate_mod._violation(check, version, run, article, ctx))
    for fact in facts:
        for name, year in fact.uncounted.items():
            if name in wanted:
                key = (year, article, name)
                tally[key] = tally.get(key, 0) + 1
    return out, [undecided[i] for i in sorted(undecided)]


# ---------------------------------------------------------------- post facts


def _random_time(rnd: random.Random, day: date) -> str:
    """A time on ``day`` (China), written one of the ways records hold them."""
    at = datetime.combine(day, time(rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)))
    way = rnd.randrange(5)
    if way == 0:
        return at.replace(tzinfo=CHINA_TZ).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if way == 1:
        return at.strftime("%Y-%m-%d %H:%M")
    if way == 2:
        return at.strftime("%Y-%m-%dT%H:%M:%S") + ".250"
    return at.strftime("%Y-%m-%dT%H:%M:%S")  # plain, the usual form


def _random_post(rnd: random.Random) -> dict[str, Any]:
    day = date(2024, 3, 1) + timedelta(days=rnd.randrange(28))
    post: dict[str, Any] = {
        "published": _random_time(rnd, day),
        "title": rnd.choice(["通知", "公告", " 政策解读 "]),
        "category": rnd.choice(["routine", "major", "policy-interpretation", "unknown"]),
    }
    for flag in ("ad", "personal_opinion", "personal_data", "deidentified"):
        if rnd.random() < 0.3:
            post[flag] = rnd.random() < 0.5
    if rnd.random() < 0.3:
        post["disclosure_basis"] = rnd.choice(["", "依申请公开"])
    if rnd.random() < 0.2:
        post["repost"] = {"source_unit": "旗政府办"}
    reviews = []
    for _ in range(rnd.randrange(5)):
        review: dict[str, Any] = {"level": rnd.randint(1, 3)}
        if rnd.random() < 0.8:
            review["reviewer"] = rnd.choice(["甲", "乙", "丙", " 甲 ", ""])
        when = day + timedelta(days=rnd.choice([-2, -1, 0, 0, 0, 1]))
        if rnd.random() < 0.25:
            review["day"] = when.isoformat()
        else:
            review["at"] = _random_time(rnd, when)
        reviews.append(review)
    if reviews or rnd.random() < 0.5:
        post["review"] = reviews
    return post


def _files(posts: list[dict[str, Any]]) -> AccountFiles:
    record = Record(
        "posts",
        "records/accounts/a/posts/2024-03.toml",
        "0" * 40,
        {"post": posts},
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
    return AccountFiles("a", account=account, posts=[record])


def _typed(fact: Fact) -> tuple[Any, ...]:
    """Everything about a fact, the types of its fields included (True is not 1 here)."""
    values = dataclasses.astuple(fact)
    return (*values, [(k, type(v)) for k, v in fact.fields.items()])


def test_post_facts_match_the_plain_way() -> None:
    rnd = random.Random(16)
    ctx = Context.__new__(Context)  # post facts read nothing from the context
    doubts = shared = 0
    for _ in range(300):
        files = _files([_random_post(rnd) for _ in range(rnd.randint(1, 12))])
        fast = [_typed(f) for f in post_facts(ctx, files)]
        plain = [_typed(f) for f in _plain_post_facts(ctx, files)]
        assert fast == plain
        doubts += sum(f[-2] is not None for f in fast)
        shared += sum(bool(f[7]["same_reviewer_levels"]) for f in fast)
    assert doubts and shared, "the random posts reach the doubt and the shared reviewer"


def test_account_weeks_count_every_post_in_its_week() -> None:
    rnd = random.Random(15)
    posts = []
    published: list[date] = []
    for n in range(200):
        day = date(2021, 2, 1) + timedelta(days=rnd.randrange(300))
        text = _random_time(rnd, day)
        published.append(parse_datetime(text).astimezone(CHINA_TZ).date())
        posts.append((day, f'[[post]]\ntitle = "第{n}条"\ncategory = "routine"\n'
                      f'published = "{text}"\n'))  # fmt: skip
    by_month: dict[str, str] = defaultdict(str)
    for day, text in posts:
        by_month[f"accounts/wx/posts/{day:%Y-%m}.toml"] += text
    weeks = factkit.account_facts(account_weeks, factkit.base(**by_month), date(2022, 1, 1))
    assert len(weeks) > 40
    for week in weeks:
        expected = sum(week.day <= d <= week.day + timedelta(days=6) for d in published)
        assert week.fields["posts"] == expected, week.key
    assert sum(int(w.fields["posts"]) for w in weeks) > 150


# ---------------------------------------------------------------- the judge


def _sample_facts() -> tuple[Policy, Context, list[list[Fact]]]:
    if not (ROOT / "records" / "accounts").is_dir():
        pytest.skip("no bundled sample")
    snap = snapshot.from_worktree(ROOT)
    policy = policy_mod.load(ROOT / "policy")
    planned = evaluate_mod.plan(snap, policy, date(2026, 11, 26))
    built = [p.build() for p in planned.partitions]
    return (
        policy,
        planned.ctx,
        [[*facts, *(f for t in tables for f in t.facts())] for facts, tables, _ in built],
    )


def _judged(
    judge: Any, facts: list[Fact], policy: Policy, ctx: Context
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Uncounted]:
    tally: Uncounted = {}
    found, noted = judge(facts, policy, ctx, tally)
    return [v.to_dict() for v in found], [r.to_dict() for r in noted], tally


def test_judge_matches_the_plain_way_on_the_sample() -> None:
    policy, ctx, partitions = _sample_facts()
    found = 0
    for facts in partitions:
        fast = _judged(evaluate_mod.judge, facts, policy, ctx)
        assert fast == _judged(_plain_judge, facts, policy, ctx)
        found += len(fast[0])
    assert found > 30, "the sample's violations are judged"


def test_judge_numbers_repeated_keys_as_the_plain_way() -> None:
    """Facts that violate, recorded three times (the same key): numbered ``#2``, ``#3``
    as the plain way numbers them, and only kinds with a repeat are renumbered."""
    policy, ctx, partitions = _sample_facts()
    numbered = 0
    for facts in partitions:
        found, _ = evaluate_mod.judge(facts, policy, ctx, {})
        violating = {v.fact_key for v in found}
        if not violating:
            continue
        tripled = facts + [f for f in facts if f.key in violating] * 2
        fast = _judged(evaluate_mod.judge, tripled, policy, ctx)
        assert fast == _judged(_plain_judge, tripled, policy, ctx)
        numbered += sum(v["fact_key"].endswith("#3") for v in fast[0])
    assert numbered > 10


def test_judge_matches_the_plain_way_on_changed_facts() -> None:
    """The sample's facts with their fields, days, doubts and keys shuffled: equal
    fields in other orders, repeated keys, days before the measures, in other versions."""
    policy, ctx, partitions = _sample_facts()
    rnd = random.Random(2026)
    facts = [f for part in partitions for f in part]
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_kind[fact.kind].append(fact)
    for _ in range(20):
        changed = []
        for fact in rnd.sample(facts, min(len(facts), 800)):
            other = rnd.choice(by_kind[fact.kind])
            fields = dict(other.fields if rnd.random() < 0.5 else fact.fields)
            if rnd.random() < 0.3:
                fields = dict(reversed(list(fields.items())))  # same fields, other order
            day = fact.day + timedelta(days=rnd.choice([0, 0, -400, -2500, 365]))
            key = other.key if rnd.random() < 0.1 else fact.key  # a repeated key
            doubt = other.doubt if rnd.random() < 0.5 else fact.doubt
            changed.append(replace(fact, fields=fields, day=day, key=key, doubt=doubt))
        assert _judged(evaluate_mod.judge, changed, policy, ctx) == _judged(
            _plain_judge, changed, policy, ctx
        )


def test_one_version_agrees_with_version_on_day_by_day() -> None:
    policy = factkit.rulebook()
    rnd = random.Random(3)
    rules = list(policy.rules.values())
    # A rule with overlapping versions: a later one in force inside an earlier one's span.
    base = next(r for r in rules if r.versions)
    first = base.versions[0]
    inner = replace(
        first, number=first.number + 1, effective_from=date(2023, 1, 1),
        effective_to=date(2023, 2, 1),
    )  # fmt: skip
    rules.append(replace(base, versions=(replace(first, effective_to=None), inner)))
    for rule in rules:
        for _ in range(40):
            start = date(2019, 1, 1) + timedelta(days=rnd.randrange(3000))
            end = start + timedelta(days=rnd.choice([0, 1, 30, 400, 2000]))
            days = range((end - start).days + 1)
            daily = [rule.version_on(start + timedelta(days=n)) for n in days]
            alone = evaluate_mod._one_version(rule, start, end)
            if alone is not None:
                assert all(v is alone for v in daily)
            else:
                assert daily[0] is None or any(v is not daily[0] for v in daily)
    split = rules[-1]
    assert evaluate_mod._one_version(split, date(2022, 12, 1), date(2023, 3, 1)) is None
    assert evaluate_mod._one_version(split, date(2023, 3, 1), date(2023, 4, 1)) is split.versions[0]
    assert evaluate_mod._one_version(split, date(2023, 1, 5), date(2023, 1, 9)) is split.versions[1]


# ---------------------------------------------------------------- parsing


def _tree(rnd: random.Random, depth: int = 0) -> Any:
    choice = rnd.randrange(10 if depth < 4 else 7)
    if choice == 0:
        return rnd.choice(["文本", "", "2024-03-05T10:00:00"])
    if choice == 1:
        return rnd.choice([0, 7, -3, True, False])
    if choice == 2:
        return rnd.choice([0.5, 1.0, -2.25])
    if choice == 3:
        zone = rnd.choice([None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
        return datetime(rnd.choice([999, 2024]), 3, 5, 10, 0, 0, rnd.choice([0, 5000]), zone)
    if choice == 4:
        return date(2024, 3, rnd.randint(1, 28))
    if choice == 5:
        return time(10, rnd.randint(0, 59))
    if choice == 6:
        return rnd.choice(["a", 1])
    if choice in (7, 8):
        return {f"k{i}": _tree(rnd, depth + 1) for i in range(rnd.randrange(4))}
    return [_tree(rnd, depth + 1) for _ in range(rnd.randrange(4))]


def test_one_walk_normalises_and_finds_floats_as_the_plain_ways() -> None:
    rnd = random.Random(11)
    floats = 0
    for _ in range(3000):
        tree = {"root": _tree(rnd)}
        expected = records._normalise(records.copy.deepcopy(tree))
        found = records._normalise_tree(tree)
        assert tree == expected
        assert repr(tree) == repr(expected)  # the same types too
        assert found == records.has_float(expected)
        floats += bool(found)
    assert floats > 100


def _post_value(rnd: random.Random) -> Any:
    """A value of a post file's table: mostly plain, sometimes anything ``_tree`` makes."""
    return _tree(rnd, 3) if rnd.random() < 0.1 else rnd.choice(["文本", 3, True])


def _post_file(rnd: random.Random) -> dict[str, Any]:
    """A parsed post file, mostly of the usual shape, sometimes departing from it."""
    posts: list[Any] = []
    for _ in range(rnd.randrange(6)):
        post: dict[str, Any] = {
            "published": datetime(2024, 3, 5, 10, rnd.randrange(60)),
            "title": "通知",
            "category": "routine",
        }
        if rnd.random() < 0.1:
            post["published"] = _tree(rnd, 3)
        for name in ("url", "ad", "level"):
            if rnd.random() < 0.3:
                post[name] = _post_value(rnd)
        if rnd.random() < 0.1:
            post["repost"] = {"source_unit": _post_value(rnd), "source_named": _post_value(rnd)}
        if rnd.random() < 0.1:
            post["concerns_units"] = [_post_value(rnd) for _ in range(rnd.randrange(3))]
        if rnd.random() < 0.8:
            reviews: Any = []
            for _ in range(rnd.randrange(4)):
                review: dict[str, Any] = {"level": rnd.randint(1, 3), "reviewer": "甲"}
                at = datetime(2024, 3, 5, 9, rnd.randrange(60))
                review["at"] = at if rnd.random() < 0.9 else _tree(rnd, 3)
                if rnd.random() < 0.05:
                    review["day"] = date(2024, 3, 5)
                reviews.append(review if rnd.random() < 0.97 else _tree(rnd, 3))
            post["review"] = reviews if rnd.random() < 0.97 else _tree(rnd, 3)
        posts.append(post if rnd.random() < 0.98 else _tree(rnd, 3))
    tree: dict[str, Any] = {"post": posts}
    if rnd.random() < 0.03:
        tree["other"] = 1
    return tree


def test_post_file_normalisation_is_the_one_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_normalise_posts`` (the usual post file's shortcut) gives ``_normalise_tree``'s
    tree and answer, whether it takes the shortcut or hands the tree over."""
    rnd = random.Random(12)
    walk = records._normalise_tree
    calls: list[object] = []

    def counted(tree: dict[str, Any]) -> bool | None:
        calls.append(tree)
        return walk(tree)

    monkeypatch.setattr(records, "_normalise_tree", counted)
    handed = 0
    for _ in range(4000):
        tree = _post_file(rnd)
        expected = records.copy.deepcopy(tree)
        answer = walk(expected)
        calls.clear()
        found = records._normalise_posts(tree)
        assert repr(tree) == repr(expected)  # the same values and types, keys in order
        assert found == answer
        handed += bool(calls)
    assert 400 < handed < 3600, "both the shortcut and the whole walk are reached"


def test_parsing_tells_validate_whether_floats_are_there() -> None:
    text = "a = 1.5\nb = [1, {c = 2024-03-05T10:00:00+08:00}]\n"
    data, floats = records._parse("x.toml", text.encode())
    assert floats is True
    assert data == records._normalise(rtoml.loads(text))
    data, floats = records._parse("x.toml", b"a = 1\nb = 2024-03-05T10:00:00\n")
    assert (data, floats) == ({"a": 1, "b": "2024-03-05T10:00:00"}, False)


# ---------------------------------------------------------------- violations


def test_violation_to_dict_is_asdict() -> None:
    violation = Violation(
        rule="art-14", check="review-missing", article=14, version=1, severity="error",
        path="records/x.toml", line=3, unit="u", account=None, message="m", message_en="e",
        hint="h", fingerprint="f", fact_key="k", day="2024-03-05",
        evidence={"a": 1, "b": "x", "c": True, "d": 1.5, "nested": {"x": [1, {"y": 2}]}},
        fact_keys=["k", "k2"], read=["a"],
    )  # fmt: skip
    out = violation.to_dict()
    assert out == dataclasses.asdict(violation)
    assert list(out) == list(dataclasses.asdict(violation))
    out["evidence"]["nested"]["x"][1]["y"] = 3
    out["fact_keys"].append("k3")
    assert violation.evidence["nested"] == {"x": [1, {"y": 2}]}  # a copy, as asdict's
    assert violation.fact_keys == ["k", "k2"]
    reminder = Reminder(kind="x", message="m")
    assert reminder.to_dict() == dataclasses.asdict(reminder)
    flat = replace(violation, evidence={"a": 1, "b": "x", "c": None}, fact_keys=[], read=["a"])
    out = flat.to_dict()
    assert out == dataclasses.asdict(flat) and list(out) == list(dataclasses.asdict(flat))
    out["evidence"]["a"] = 2
    out["read"].append("b")
    assert flat.evidence["a"] == 1 and flat.read == ["a"]  # copies, as asdict's


def _plain_from_dict(data: dict[str, Any]) -> Violation:
    """``Violation.from_dict`` as it was: through the generated ``__init__``."""
    return Violation(**json.loads(json.dumps(data)))


def test_violation_from_dict_is_the_plain_way() -> None:
    rnd = random.Random(3)
    for n in range(300):
        violation = Violation(
            rule="art-14", check="review-missing", article=14, version=1 + n % 2,
            severity=rnd.choice(["error", "warning"]), path=f"records/x{n % 7}.toml", line=n,
            unit="u", account=rnd.choice([None, "a"]), message=f"m{n}", message_en="",
            hint="h", fingerprint=f"{n:016x}", fact_key=f"k{n}", day="2024-03-05",
            evidence={"a": n, "b": "x" * rnd.randrange(60), "c": [1, {"y": 2}], "d": None},
            status=rnd.choice(["open", "waived"]), waiver=rnd.choice([None, "w.toml"]),
            fact_keys=rnd.choice([[], ["k", "k2"]]), acknowledged=rnd.choice([None, "ack.toml"]),
            check_name="review-missing", read=rnd.choice([[], ["levels", "category"]]),
        )  # fmt: skip
        data = json.loads(json.dumps(violation.to_dict()))
        made = Violation.from_dict(json.loads(json.dumps(data)))
        assert made == _plain_from_dict(data) == violation
        assert repr(made) == repr(violation)
        assert made.to_dict() == violation.to_dict()
        # Fewer fields (an older entry) or one more: as the generated __init__ takes them.
        data.pop("read")
        assert Violation.from_dict(dict(data)) == _plain_from_dict(data)
        with pytest.raises(TypeError):
            Violation.from_dict({**data, "read": [], "other": 1})
    # Made by from_dict, it is as frozen as any.
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.line = 3  # type: ignore[misc]


def test_facts_with_equal_values_under_other_names_are_not_alike() -> None:
    policy, ctx, partitions = _sample_facts()
    posts = [f for part in partitions for f in part if f.kind == "post"][:50]
    assert posts
    changed = []
    for n, fact in enumerate(posts):
        fields = dict(fact.fields)
        if n % 2:  # the same values in the same order, under names in another order
            names = list(fields)
            names[1], names[2] = names[2], names[1]
            fields = dict(zip(names, fact.fields.values(), strict=True))
        changed.append(replace(fact, fields=fields))
    groups = evaluate_mod._Facts(changed).alike
    assert all(all(changed[i].fields == fields for i in indexes) for fields, indexes in groups)
    assert _judged(evaluate_mod.judge, changed, policy, ctx) == _judged(
        _plain_judge, changed, policy, ctx
    )


# ---------------------------------------------------------------- line numbers


def _plain_table(brackets: str, name: str, counters: dict[Any, int]) -> Any:
    """``lines._table`` as it was (no shortcut for one-part names)."""
    names = lines_mod._split_key(name)
    concrete: list[str | int] = []
    for i, part in enumerate(names):
        concrete.append(part)
        is_last = i == len(names) - 1
        if is_last and brackets == "[[":
            n = counters.get(tuple(concrete), -1) + 1
            counters[tuple(concrete)] = n
            concrete.append(n)
        elif not is_last and tuple(concrete) in counters:
            concrete.append(counters[tuple(concrete)])
    return tuple(concrete)


def _plain_headers(text: str) -> dict[Any, tuple[int, int, int]]:
    """``LineIndex._headers`` as it was: each header line matched anew."""
    tables: dict[Any, tuple[int, int, int]] = {}
    counters: dict[Any, int] = {}
    current: Any = ()
    line, begins, last = 1, 0, 0
    pos = text.find("[")
    while pos != -1:
        starts = text.rfind("\n", 0, pos) + 1
        ends = text.find("\n", pos)
        ends = len(text) if ends == -1 else ends
        header = (
            lines_mod._HEADER.match(text[starts:ends]) if not text[starts:pos].strip() else None
        )
        if header is not None:
            tables.setdefault(current, (line, begins, starts))
            line += text.count("\n", last, starts)
            last = starts
            current = _plain_table(header.group(1), header.group(2), counters)
            begins = ends
        pos = text.find("[", ends)
    tables.setdefault(current, (line, begins, len(text)))
    tables.setdefault((), (1, 0, 0))
    return tables


_PIECES = [
    "[[post]]", "[[post.review]]", "  [[post]]  ", "\t[ post ]", "[[ post . review ]] # 注释",
    '["a b".c]', "[a]]", "[[a]", "[]", "x = [1, 2]", "title = \"[[post]]\"", "\u3000[[post]]",
    "\xa0[unit]", "[[post]]\u3000", "# [[post]]", "", "   ", "a = 1", "[[post]] x", "[a.'b c']",
    "[[post]]\r", "key = \"v\"\r", "[x] # c\r", "[a]", "[[a.b]]", "[[a.b.c]]", "[a.b]",
]  # fmt: skip


def test_header_scan_matches_the_plain_way() -> None:
    rnd = random.Random(5)
    for _ in range(3000):
        text = "\n".join(rnd.choice(_PIECES) for _ in range(rnd.randrange(12)))
        if rnd.random() < 0.5:
            text += "\n"
        if lines_mod._simple(text):
            assert lines_mod.LineIndex(text)._headers() == _plain_headers(text), repr(text)
    sample = sorted((ROOT / "records" / "accounts").rglob("*.toml"))[:300]
    for path in sample:
        text = path.read_text("utf-8")
        assert lines_mod.LineIndex(text)._headers() == _plain_headers(text), path


# ---------------------------------------------------------------- formats


def test_strict_date_patterns_accept_exactly_the_days_that_exist() -> None:
    """Checked by jsonschema-rs itself (ECMA-262 regular expressions), on every day number
    of every month from 1899 to 2100: a date it accepts exists, and one it rejects is
    outside 1900-2099 or does not exist (then jsonschema decides)."""
    strict = {
        name: jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
        for name, pattern in records._STRICT_FORMATS.items()
    }
    for year in range(1899, 2101):
        for month in range(1, 13):
            for day in range(0, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    exists = date(year, month, day) is not None
                except ValueError:
                    exists = False
                # 29 February of 1900-1999 is left to jsonschema too (leap years: 2000s only)
                leap_day_left = month == 2 and day == 29 and year < 2000
                expected = exists and 1900 <= year <= 2099 and not leap_day_left
                assert strict["date"].is_valid(text) == expected, text
                assert records._is_date(text) == exists, text
                stamp = f"{text}T23:59:59"
                assert strict["datetime-cn"].is_valid(stamp) == expected, stamp
                assert records._is_datetime_cn(stamp) == exists, stamp


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05T24:00:00", "2024-03-05T10:60:00", "2024-03-05T10:00:60", "2024-03-05 10:00:00",
        "2024-03-05T10:00", "2024-03-05T10:00:00Z", "2024-03-05T10:00:00+08:00",
        "2024-03-05T10:00:00.5", "２０２４-03-05T10:00:00", "2024-03-05T10:00:00\n", "2024-3-05",
        "2024-03-05\n", "20240305", "", "2024-03-05T10:00:00 ",
    ],
)  # fmt: skip
def test_strict_patterns_never_accept_other_forms(value: str) -> None:
    """Other ways of writing a time may be valid: the compiled validator leaves them to
    jsonschema (it rejects them; it never accepts what the format functions reject)."""
    for pattern in records._STRICT_FORMATS.values():
        assert not jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(
            value
        )


def test_strict_formats_replace_every_date_format_of_the_schemas() -> None:
    replaced = 0
    for kind in (*records.KINDS, "policy"):
        before = json.dumps(records.schema(kind))
        after = json.dumps(records._strict_formats(records.schema(kind)))
        assert '"format": "date' not in after, kind
        for name, pattern in records._STRICT_FORMATS.items():
            count = before.count(f'"format": "{name}"')
            assert after.count(json.dumps(pattern)) == count, (kind, name)
            replaced += count
    assert replaced > 30


_POST_PIECES = [
    "[[post]]", "[[post]]", "[[post]]", "[[post.review]]", "[[post.review]]", "level = 1",
    'title = "通知"', 'title = "[[post]]"', 'title = "a[[post.review]]"', "  [[post]]",
    "[[post]] # 注释", "[[ post ]]", '[["post"]]', "# [[post]]", "", "[unit]", "[[post.review]]x",
    '""" x', "'''", "a = '''\n[[post]]\n'''", "\u2028", "\x85", "\r", "[[post]]\r", "\ufeff",
    "tags = [1]", "“引号”", "[[post]][[post]]", "[[post.review]]]", "[[post]]x", "[[post]] = 1",
    "a = 1\rb = 2", "a = 1\x0cb = 2",
]  # fmt: skip


def _plain_line(text: str, path: tuple[str | int, ...]) -> int:
    """``LineIndex.line`` without the post files' shortcut."""
    index = lines_mod.LineIndex(text)
    index._posts = None  # as if the text were not a post file's
    return index.line(path)


def test_post_header_lines_match_the_plain_way() -> None:
    rnd = random.Random(16)
    shortcuts = 0
    for _ in range(4000):
        pieces = _POST_PIECES[: 7 if rnd.random() < 0.6 else None]  # mostly a clerk's file
        text = "\n".join(rnd.choice(pieces) for _ in range(rnd.randrange(14)))
        if rnd.random() < 0.5:
            text += "\n"
        if rnd.random() < 0.1:
            text = "\ufeff" + text
        raw = text.encode("utf-8")
        shortcuts += lines_mod._post_lines(raw.removeprefix(lines_mod._BOM)) is not None
        for i in range(-1, text.count("[[post") + 2):
            expected = _plain_line(text, ("post", i))
            assert lines_mod.LineIndex(text).line(("post", i)) == expected, (text, i)
            assert lines_mod.LineIndex(raw).line(("post", i)) == expected, (text, i)
            # As a record asks: bytes, decoded only if the shortcut cannot answer.
            index = lines_mod.LineIndex(raw)
            assert [index.line(("post", i)), index.line(("post", i, "title"))] == [
                expected,
                _plain_line(text, ("post", i, "title")),
            ]
    assert shortcuts > 300
    for path in sorted((ROOT / "records" / "accounts").rglob("posts/*.toml"))[:200]:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        assert lines_mod._post_lines(raw) is not None, path  # the sample's files take it
        for i in range(text.count("[[post]]") + 1):
            assert lines_mod.LineIndex(raw).line(("post", i)) == _plain_line(text, ("post", i))
