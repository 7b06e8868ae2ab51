"""Evaluation: snapshot -> records -> facts -> rules -> violations.

Work is split into partitions whose results are cached by content: one for
banner-wide facts, one per account folder. A partition's key digests the blob
ids it reads, the rulebook, the schemas, the check date and the engine version,
so a second run, or a hook after one file changed, re-evaluates only what
changed. Post files of an account are parsed only when its partition misses.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from engine import __version__, banner, records, rules_engine
from engine.authority import TRUST_ALL, Verdict, settle, verify
from engine.cache import Cache, digest, engine_digest
from engine.errors import InputError, InputErrors
from engine.facts import (
    ACCOUNT_BUILDERS,
    ACCOUNT_TABLES,
    BANNER_BUILDERS,
    VIOLATION_VALUES,
    Context,
    Fact,
    FactTable,
    assert_declared,
    load_builders,
    tracked_from,
)
from engine.labels import account_zh, article_zh, count_zh, message_values
from engine.policy import Check, Policy, Rule, Version
from engine.pool import compute_all
from engine.records import Record
from engine.removed import removed_accounts
from engine.snapshot import Snapshot
from engine.timeutil import parse_date
from engine.violations import Reminder, Violation, fingerprint
from engine.workdays import missing_hint


@dataclass
class Result:
    snapshot: Snapshot
    as_of: date
    policy: Policy
    banner: banner.Banner
    violations: list[Violation]
    facts: dict[str, int] = field(default_factory=dict)
    partitions: int = 0
    cache_hits: int = 0
    # Which waivers and supervision records carry authority (engine/authority.py).
    authority: Verdict = field(default_factory=lambda: Verdict(frozenset()))
    # What could not be judged or deserves a look, never a violation (engine/violations.py).
    reminders: list[Reminder] = field(default_factory=list)
    # Waived violations in partitions this result did not load (the hook's check of a
    # change, engine/delta.py): counted, not listed. 0 for a whole evaluation.
    waived_elsewhere: int = 0

    @property
    def open(self) -> list[Violation]:
        return [v for v in self.violations if v.status == "open"]

    @property
    def waived(self) -> list[Violation]:
        return [v for v in self.violations if v.status == "waived"]


class _Format(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict[str, Any]) -> str:
    return template.format_map(_Format(values))


# What a partition could not count: (year, article, fact field) -> number of facts.
Uncounted = dict[tuple[int, int, str], int]


def judge(
    facts: list[Fact],
    policy: Policy,
    ctx: Context,
    uncounted: Uncounted | None = None,
    tables: Iterable[FactTable] = (),
) -> tuple[list[Violation], list[Reminder]]:
    """Run every rule over the facts: version by the fact's date, condition by durable_rules.

    A check that a fact's doubt decides (see ``engine.facts.Doubt``) gives a reminder
    for the fact instead of a violation: one per fact, whatever the number of checks.

    Facts dated before the measures took effect (``ctx.judged_from``) are never judged,
    whatever period a rule version claims: the measures bind nothing before that day.
    A fact some check cannot judge for want of a calendar year is tallied in
    ``uncounted`` (the check's reminder, ``calendar_reminders``), not reported as a violation.

    ``tables`` hold more facts (``FactTable``), judged as if they came after ``facts``.
    A table is judged as it is (its repeated keys numbered, ``FactTable.number``) when it
    alone holds its kind's facts and has no fact before ``judged_from``: its Facts are
    made only for what is reported. Any other table is judged the plain way, its facts
    made first.
    """
    tally: Uncounted = {} if uncounted is None else uncounted
    judged_from = ctx.judged_from
    facts, whole_tables = _as_judged(facts, tables, judged_from)
    by_kind: dict[str, list[Fact]] = {}
    keys: dict[str, set[str]] = {}  # the keys taken, per kind
    for fact in facts:
        if fact.day < judged_from:
            continue
        taken = keys.get(fact.kind)
        if taken is None:
            taken = keys[fact.kind] = set()
            by_kind[fact.kind] = []
        by_kind[fact.kind].append(_numbered(fact, taken))
    for kind, table in whole_tables.items():
        if kind in by_kind:  # facts of its kind besides: judged with them, the plain way
            table.number(repeats=False)
            by_kind[kind] += [_numbered(fact, keys[kind]) for fact in table.facts()]
        else:
            table.number()
    found: list[Violation] = []
    reminders: dict[str, Reminder] = {}
    indexed: dict[str, _Facts] = {}  # each kind's facts, grouped once for every rule
    for rule in policy.rules.values():
        on_day: dict[date, Version | None] = {}  # many facts share a day
        for kind in sorted(rule.fact_kinds):
            members: list[Fact] | FactTable | None = by_kind.get(kind) or whole_tables.get(kind)
            if not members:
                continue
            whole = indexed.get(kind)
            if whole is None:
                whole = indexed[kind] = _Facts(members)
            groups: dict[int, _Facts] = {}
            alone = _one_version(rule, whole.first, whole.last)
            if alone is not None:
                groups[alone.number] = whole  # every fact is judged by the same version
            else:
                split: dict[int, list[Fact]] = defaultdict(list)
                for fact in members if isinstance(members, list) else members.facts():
                    day = fact.day
                    if day in on_day:
                        version = on_day[day]
                    else:
                        version = on_day[day] = rule.version_on(day)
                    if version is not None:
                        split[version.number].append(fact)
                groups = {number: _Facts(part) for number, part in split.items()}
            for number, group in groups.items():
                version = rule.version(number)
                violations, doubted = _judge_version(version, kind, group, rule.article, ctx, tally)
                found.extend(violations)
                for fact in doubted:
                    reminders.setdefault(fact.key, _doubt_reminder(fact, rule.article))
    return found, list(reminders.values())


def _as_judged(
    facts: list[Fact], tables: Iterable[FactTable], judged_from: date
) -> tuple[list[Fact], dict[str, FactTable]]:
    """The facts to judge one by one (``facts`` and the facts of tables not judged as
    they are, in order), and the tables judged as they are, by kind (``judge``)."""
    of_kind: dict[str, list[FactTable]] = defaultdict(list)
    for table in tables:
        if len(table):
            of_kind[table.kind].append(table)
    whole: dict[str, FactTable] = {}
    for kind, alone in of_kind.items():
        if len(alone) == 1 and min(alone[0].days) >= judged_from:
            whole[kind] = alone[0]
            continue
        for table in alone:  # judged the plain way, as facts after ``facts``
            table.number(repeats=False)  # numbered with the facts, if need be
            facts = [*facts, *table.facts()]
    return facts, whole


def _numbered(fact: Fact, taken: set[str]) -> Fact:
    """``fact``, its key taken; a repeat of a key taken before numbered ``#2``, ``#3``...:
    two things judged alike (two posts of one account at the same minute) still get
    distinct fingerprints, numbered in record order."""
    if fact.key in taken:
        n = 2
        while f"{fact.key}#{n}" in taken:
            n += 1
        fact = replace(fact, key=f"{fact.key}#{n}")
    taken.add(fact.key)
    return fact


def _one_version(rule: Rule, first: date, last: date) -> Version | None:
    """The version ``rule.version_on`` gives every day from ``first`` to ``last``, if it
    gives one and the same (not None) for all of them; else None (ask day by day)."""
    version = rule.version_on(first)
    if version is None or rule.version_on(last) is not version:
        return None
    # In force on both ends, so on every day between (a version's period is one span);
    # a later version in force on some day between would win there (``version_on``).
    later = rule.versions[rule.versions.index(version) + 1 :]
    for other in later:
        if other.effective_from <= last and (
            other.effective_to is None or first < other.effective_to
        ):
            return None
    return version


_NAMED = object()  # marks a signature of names and values (``_Facts``)


class _Facts:
    """Facts of one kind judged by one rule version, grouped for ``_judge_version``: by
    their fields (facts with equal fields match alike), with those that carry a doubt or
    an uncounted field, and the first and last day. A ``FactTable`` comes grouped by its
    builder: its Facts are made only for the indexes ``_judge_version`` reports."""

    __slots__ = ("alike", "doubtful", "facts", "first", "last", "uncounted")

    def __init__(self, facts: list[Fact] | FactTable) -> None:
        self.facts = facts
        if isinstance(facts, FactTable):  # grouped by its builder, no uncounted fields
            self.alike = facts.alike
            self.doubtful = sorted(facts.doubts)
            self.uncounted: list[Fact] = []
            self.first, self.last = min(facts.days), max(facts.days)
            return
        # By the fields' values, in order; a fact whose values equal an earlier one's but
        # whose fields differ (other names, or names in another order) is grouped by its
        # names and values.
        alike: dict[tuple[Any, ...], tuple[dict[str, Any], list[int]]] = {}
        doubtful: list[int] = []
        uncounted = []
        first = last = facts[0].day
        # Builders of many facts share one fields dict among facts with equal fields
        # (engine/facts/posts.py): grouped by the dict first.
        shared: dict[int, tuple[dict[str, Any], list[int]]] = {}
        for index, fact in enumerate(facts):
            fields = fact.fields
            same = shared.get(id(fields))
            if same is None:
                shared[id(fields)] = (fields, [index])
            else:
                same[1].append(index)
            if fact.doubt is not None:
                doubtful.append(index)
            if fact.uncounted:
                uncounted.append(fact)
            day = fact.day
            if day < first:
                first = day
            elif day > last:
                last = day
        for fields, indexes in shared.values():  # in the order of their first facts
            signature: tuple[Any, ...] = tuple(fields.values())
            same = alike.get(signature)
            if same is not None and same[0] != fields:
                signature = (_NAMED, tuple(fields.items()))
                same = alike.get(signature)
            if same is None:
                alike[signature] = (fields, indexes)
            else:
                same[1].extend(indexes)
        self.alike = list(alike.values())  # (fields, indexes) in the order of first facts
        self.doubtful = doubtful
        self.uncounted = uncounted
        self.first, self.last = first, last


def _doubt_reminder(fact: Fact, article: int) -> Reminder:
    assert fact.doubt is not None
    return Reminder(
        kind=fact.doubt.kind,
        message=fact.doubt.message,
        hint=fact.doubt.hint,
        message_en=fact.doubt.message_en,
        path=fact.record.path,
        line=fact.record.line(*fact.where),
        article=article,
        unit=fact.unit,
        account=fact.account,
        day=fact.day.isoformat(),
    )


CALENDAR_MISSING = "calendar-missing"


def _judge_version(
    version: Version,
    kind: str,
    group: _Facts,
    article: int,
    ctx: Context,
    tally: Uncounted,
) -> tuple[list[Violation], list[Fact]]:
    """The violations of one rule version over facts of one kind, and the facts whose
    doubt decided a check (they get a reminder instead)."""
    checks = {c.name: c for c in version.checks if c.fact == kind}
    if not checks:
        return [], []
    facts = group.facts
    wanted = sorted(set().union(*(c.fields for c in checks.values())) - {"fact"})
    # Conditions see only the fields they name, so facts with equal projections
    # match alike: durable_rules judges each distinct projection once. Facts with equal
    # fields have equal projections: one projection per such group, in the order of
    # their first facts (so the first fact of each projection is its representative).
    distinct: dict[tuple[Any, ...], list[int]] = {}
    for fields, indexes in group.alike:
        projection = tuple([(f, fields[f]) for f in wanted if f in fields])
        same = distinct.get(projection)
        if same is None:
            distinct[projection] = list(indexes)
        else:
            same.extend(indexes)
    keys = list(distinct)
    # Facts with a doubt are also judged as if it went the unit's way (after the rest).
    doubtful = group.doubtful
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
        for run in _runs(found):
            out.append(_violation(check, version, run, article, ctx))
    for fact in group.uncounted:
        for name, year in fact.uncounted.items():
            if name in wanted:
                key = (year, article, name)
                tally[key] = tally.get(key, 0) + 1
    return out, [undecided[i] for i in sorted(undecided)]


def _runs(facts: list[Fact]) -> list[list[Fact]]:
    """Facts one check found, as runs: consecutive facts of one series form one run."""
    runs: list[list[Fact]] = []
    last: dict[str, list[Fact]] = {}
    for fact in sorted(facts, key=lambda f: (f.series, f.day)):
        if fact.series:
            run = last.get(fact.series)
            before = run[-1].until if run else None
            if run is not None and before is not None and fact.day == before + timedelta(days=1):
                run.append(fact)
                continue
            last[fact.series] = [fact]
            runs.append(last[fact.series])
        else:
            runs.append([fact])
    return runs


def _period_values(context: dict[str, str]) -> dict[str, str]:
    """``gap_period``: a gap as people read it, 「2026-11-01 当天」 for one day, else
    「2026-11-01 至 2026-11-05(共 5 天)」."""
    start, end = context.get("gap_from"), context.get("gap_to")
    if not start or not end:
        return {}
    if start == end:
        return {"gap_period": f"{start} 当天"}
    days = (parse_date(end) - parse_date(start)).days + 1
    return {"gap_period": f"{start} 至 {end}(共 {days} 天)"}


def _values(version: Version, fact: Fact, ctx: Context) -> dict[str, Any]:
    units = ctx.banner.units
    account = ctx.banner.accounts.get(fact.account) if fact.account else None
    return {
        **version.parameters,
        **fact.fields,
        **fact.context,
        **_period_values(fact.context),
        "date": fact.day.isoformat(),
        "unit_name": units[fact.unit].data["name"] if fact.unit in units else fact.unit,
        "account_name": account_zh(
            str(account.record.data["platform"]), str(account.record.data["name"]), account.id
        )
        if account and account.account
        else "",
        "as_of": ctx.as_of.isoformat(),
    }


def _violation(
    check: Check, version: Version, run: list[Fact], article: int, ctx: Context
) -> Violation:
    """One violation for a fact, or for a run of consecutive facts of a series.

    A run is named after its first fact (its key, so its fingerprint stays the same while
    the run grows), and its messages see ``run_from``, ``run_to``, ``run_count`` and, for
    every numeric field, ``run_<field>``: the sum over the run.
    """
    fact = run[0]
    values = _values(version, fact, ctx)
    derive = VIOLATION_VALUES.get(fact.kind)
    derived = derive(ctx, fact, version.parameters) if derive is not None else {}
    values.update({**derived, "key": check.key, "value": check.value})
    extra: dict[str, Any] = {}
    if fact.series:
        until = run[-1].until or run[-1].day
        extra = {
            "run_from": fact.day.isoformat(),
            "run_to": until.isoformat(),
            "run_count": len(run),
            # How the run reads in Chinese: one week is 「这一周」, more 「连续 N 周」.
            "run_weeks": "这一周" if len(run) == 1 else f"连续 {len(run)} 周",
        }
        for name, value in fact.fields.items():
            if isinstance(value, int) and not isinstance(value, bool):
                extra[f"run_{name}"] = sum(int(f.fields[name]) for f in run)
        values.update(extra)
    shown = message_values(values)  # the Chinese message's and hint's values
    return Violation(
        rule=version.rule,
        check=check.id,
        article=article,
        version=version.number,
        severity=check.severity,
        path=fact.record.path,
        line=fact.record.line(*fact.where),
        unit=fact.unit,
        account=fact.account,
        message=render(check.message, shown),
        message_en=render(check.message_en, values) if check.message_en else "",
        hint=render(check.hint, shown),
        fingerprint=fingerprint(version.rule, check.id, fact.key),
        fact_key=fact.key,
        day=fact.day.isoformat(),
        evidence={**fact.fields, **fact.context, **derived, **extra},
        fact_keys=[f.key for f in run] if len(run) > 1 else [],
        check_name=check.name,
        read=sorted(check.fields - {"fact"}),
    )


def calendar_reminders(tally: Uncounted) -> list[Reminder]:
    """One reminder per calendar year no calendar covers, for the whole check: which
    counts of which articles it stopped, and how many records wait for it. Not a
    violation: a missing calendar is no unit's fault (docs/decisions/0003-*)."""
    by_year: dict[int, dict[tuple[int, str], int]] = defaultdict(dict)
    for (year, article, name), n in tally.items():
        by_year[year][(article, name)] = by_year[year].get((article, name), 0) + n
    out = []
    for year, counts in sorted(by_year.items()):
        affected = "、".join(
            f"{article_zh(article)}的{count_zh(name)}({n} 条记录)"
            for (article, name), n in sorted(counts.items())
        )
        out.append(
            Reminder(
                kind=CALENDAR_MISSING,
                message=f"{year} 年的工作日历还没有登记(缺少 records/calendar/{year}.toml),"
                f"{affected}暂时无法评判;登记后即按日历评判",
                hint=missing_hint(year),
                message_en=f"no working-day calendar covers {year}: "
                f"{sum(counts.values())} records cannot be judged yet",
                path=f"records/calendar/{year}.toml",
                # The article, when the year stops the counts of one article only.
                article=next(iter(articles)) if len(articles := {a for a, _ in counts}) == 1 else 0,
                day=f"{year}-01-01",
            )
        )
    return out


def _load(snapshot: Snapshot, paths: Iterable[str], keep: bool = False) -> list[Record]:
    """The records of ``paths``; ``keep``: each holds its file's bytes once read (else
    it reads them again when asked for a line number)."""
    paths = list(paths)
    snapshot.prefetch(paths)
    if keep:
        return records.load_many(
            (p, snapshot.entries[p], functools.cache(partial(snapshot.read, p))) for p in paths
        )
    return records.load_many((p, snapshot.entries[p], partial(snapshot.read, p)) for p in paths)


# Records other than posts by (path, blob id), kept from the last evaluation: the hook
# evaluates the index, then HEAD, and the two share nearly all of them.
_RECENT: dict[tuple[str, str], Record] = {}


def _load_recent(snapshot: Snapshot, paths: list[str], store: Cache) -> list[Record]:
    """``_load``, reusing what was parsed before: the records of the last evaluation whose
    path and blob are unchanged, else the parsed (and valid) data of the same set of files
    from the cache, keyed by their blob ids and the schemas."""
    global _RECENT
    keys = [(p, snapshot.entries[p]) for p in paths]
    missing = [p for p, key in zip(paths, keys, strict=True) if key not in _RECENT]
    fresh: list[Record] = []
    saved_key = digest([engine_digest(), "records"], [f"{p}={b}" for p, b in keys])
    saved = store.get(saved_key) if missing else None
    wanted = [p for p in missing if records.kind_of(p) is not None]
    if isinstance(saved, dict) and all(_saved_record(p, saved.get(p)) for p in wanted):
        for p in wanted:
            kind, ids = records.kind_of(p) or ("", {})
            fresh.append(
                Record(kind, p, snapshot.entries[p], saved[p], ids, partial(snapshot.read, p))
            )
    else:
        # Their bytes kept (a few hundred small files): a violation's line is then found
        # without asking git again for its file (from a worker, one round trip each).
        fresh = _load(snapshot, missing, keep=True)
    found = {key: _RECENT[key] for key in keys if key in _RECENT}
    found.update(((r.path, r.blob), r) for r in fresh)
    _RECENT = found
    if missing and saved is None:
        store.put(saved_key, {r.path: r.data for r in found.values()})
    return [found[key] for key in keys if key in found]


def _saved_record(path: str, data: Any) -> bool:
    """A record's data from the cache is used only if it is valid by the record's schema:
    the cache is not trusted for the shape of what it holds (tests/test_cache.py forges
    entries with the right checksum and the wrong insides)."""
    located = records.kind_of(path)
    return located is not None and isinstance(data, dict) and records.surely_valid(located[0], data)


# What a partition's facts are built as: facts, tables of more facts (``judge``), and the
# times of the posts left out as dated after the check date (``later_reminders``).
Built = tuple[list[Fact], list[FactTable], list[str]]


@dataclass
class Partition:
    """One unit of cached work: the banner-wide facts (``pid`` "") or one account's."""

    pid: str
    key: str  # digest of everything its result depends on (the cache key)
    build: Callable[[], Built]
    post_paths: list[str]


@dataclass
class Plan:
    """A snapshot ready to judge: records other than posts read, the banner built, authority
    verified, and each partition's cache key known. Nothing is judged yet (``judge_partitions``)."""

    snapshot: Snapshot
    policy: Policy
    as_of: date
    banner: banner.Banner
    verdict: Verdict
    ctx: Context
    partitions: list[Partition]
    store: Cache
    trust_all: bool
    as_stood: bool
    hits: int = 0  # partitions found in the cache by the last ``judge_partitions``

    @property
    def marks(self) -> str:
        """What turns a partition's violations into the reported ones, besides the partition
        itself: the waivers that count and the acknowledgements (their blobs), the check date."""
        return digest(
            [self.as_of.isoformat(), self.policy.digest],
            [f"{r.path}={r.blob}" for r in (*self.verdict.waivers, *self.banner.acknowledgements)],
        )


def evaluate(
    snapshot: Snapshot,
    policy: Policy,
    as_of: date,
    cache: Cache | None = None,
    *,
    trust_all: bool = False,
    as_stood: bool = False,
) -> Result:
    """Judge ``snapshot`` as of ``as_of``.

    ``as_stood`` (an explicit check date): post records dated after ``as_of`` are left
    out, and one reminder says so; otherwise such a post is bad input (a typing mistake,
    since the check date is then today or the commit's date).

    ``trust_all`` is for the rule cases' runner only (records without git history):
    every waiver and supervision record counts without a signature check.
    """
    return judge_all(plan(snapshot, policy, as_of, cache, trust_all=trust_all, as_stood=as_stood))


def judge_all(planned: Plan) -> Result:
    """Every partition of the plan judged (or found in the cache), and the whole Result."""
    results = judge_partitions(planned, [p.pid for p in planned.partitions])
    return finish(planned, [results[p.pid] for p in planned.partitions])


def plan(
    snapshot: Snapshot,
    policy: Policy,
    as_of: date,
    cache: Cache | None = None,
    *,
    trust_all: bool = False,
    as_stood: bool = False,
) -> Plan:
    """Everything ``evaluate`` does before it judges: see ``Plan``."""
    load_builders()
    store = cache or Cache(None)
    post_paths: dict[str, list[str]] = defaultdict(list)
    other_paths: list[str] = []
    # Most paths are post files: their kind's own pattern says so at once (no other
    # kind's pattern can match them), without asking ``kind_of`` for each.
    is_post = records.record_kind("posts").pattern.match
    for path in snapshot.entries:
        post = is_post(path)
        if post is not None:
            post_paths[post["account"]].append(path)
            continue
        located = records.kind_of(path)
        if located is None:
            continue
        kind, ids = located
        if kind == "posts":
            post_paths[ids["account"]].append(path)
        else:
            other_paths.append(path)
    loaded = _load_recent(snapshot, other_paths, store)
    the_banner = banner.build(loaded, post_paths)
    banner.check_as_of(the_banner, as_of)
    check_waivers(the_banner.waivers, policy)
    verdict = _authority(snapshot, loaded, the_banner, policy, store, trust_all)
    the_banner = as_judged(the_banner, verdict)
    ctx = Context(the_banner, the_banner.calendar(), as_of, policy.measures_effective, policy)

    entries = snapshot.entries
    # Unit records (with their evidence), calendars and supervision records feed every partition.
    shared_dirs = tuple(records.directory(k) for k in ("unit", "calendar", "supervision"))
    shared = [p for p in other_paths if p.startswith(shared_dirs)]
    base = digest(
        [__version__, engine_digest(), policy.digest, as_of.isoformat(), f"as_stood={as_stood}"],
        # A supervision record without authority is judged as withheld, whatever it says.
        [f"{p}=withheld" if p in the_banner.withheld else f"{p}={entries[p]}" for p in shared]
        # Supervision records kept in force in their last signed version (engine/authority.py).
        + [f"{p}=kept:{r.blob}" for p, r in sorted(verdict.kept.items())],
    )
    # The banner's partition first, then one per account.
    account_meta = [p for p in other_paths if p.startswith(records.directory("account"))]
    partitions = [
        Partition(
            "",
            digest([base, "banner"], [f"{p}={entries[p]}" for p in account_meta]),
            lambda: ([f for b in BANNER_BUILDERS.values() for f in b(ctx)], [], []),
            [],
        )
    ]
    meta_of: dict[str, list[str]] = defaultdict(list)
    for p in account_meta:
        meta_of[p.split("/", 3)[2]].append(p)
    for account_id, files in the_banner.accounts.items():
        own = meta_of[account_id] + files.post_paths
        key = digest([base, "account", account_id], [f"{p}={entries[p]}" for p in own])

        def build(files: banner.AccountFiles = files) -> Built:
            later = banner.attach_posts(
                files, _load(snapshot, files.post_paths), ctx.as_of, as_stood=as_stood
            )
            tracked = tracked_from(files) or date.min
            try:
                # The builders with a table form give a table (FactTable) but for one
                # that holds facts dated before tracked_from.
                tables: list[FactTable] = []
                made: list[Iterable[Fact]] = []
                for kind, builder in ACCOUNT_BUILDERS.items():
                    table = ACCOUNT_TABLES[kind](ctx, files) if kind in ACCOUNT_TABLES else None
                    if table is not None and (not len(table) or min(table.days) >= tracked):
                        tables.append(table)
                    else:
                        made.append(table.facts() if table is not None else builder(ctx, files))
                # Post records start at the account's tracked_from (纳入管理日期): a post
                # recorded from before it is not judged, like the weeks before it.
                facts = [f for m in made for f in m if f.day >= tracked or f.record.kind != "posts"]
                return facts, tables, later
            finally:
                # The facts keep the records they cite; letting go of the rest keeps
                # memory (and the garbage collector's work) to one account at a time.
                files.posts = []

        partitions.append(Partition(account_id, key, build, files.post_paths))
    return Plan(
        snapshot, policy, as_of, the_banner, verdict, ctx, partitions, store, trust_all, as_stood
    )


def _compute(planned: Plan, build: Callable[[], Built]) -> dict[str, Any]:
    """One partition's result, as the cache stores it."""
    facts, tables, later = build()
    if os.environ.get("GOVMEDIA_DEBUG"):
        assert_declared([*facts, *(f for t in tables for f in t.facts())])
    tally: Uncounted = {}
    found, noted = judge(facts, planned.policy, planned.ctx, tally, tables)
    counts: dict[str, int] = defaultdict(int)
    for fact in facts:
        counts[fact.kind] += 1
    for table in tables:
        if len(table):
            counts[table.kind] += len(table)
    return {
        "violations": [v.to_dict() for v in found],
        "facts": counts,
        "uncounted": [[y, a, name, n] for (y, a, name), n in sorted(tally.items())],
        "later": later,
        "reminders": [r.to_dict() for r in noted],
    }


def judge_partitions(planned: Plan, pids: Iterable[str]) -> dict[str, PartitionResult]:
    """The results of the partitions ``pids``: from the cache, else computed (and cached);
    on two or more cores, the misses by forked workers."""
    wanted = set(pids)
    chosen = [p for p in planned.partitions if p.pid in wanted]
    store = planned.store
    results: dict[str, PartitionResult | None] = {
        p.pid: partition_result(store.get(p.key)) for p in chosen
    }
    missed = [p for p in chosen if results[p.pid] is None]
    planned.hits = len(chosen) - len(missed)
    tasks: list[Callable[[], dict[str, Any]]] = [
        partial(_compute, planned, p.build) for p in missed
    ]
    prefetch = partial(planned.snapshot.prefetch, [path for p in missed for path in p.post_paths])
    with closing(compute_all(tasks, prefetch, planned.snapshot.release)) as computing:
        for p, computed in zip(missed, computing, strict=True):
            store.put(p.key, computed)
            results[p.pid] = partition_result(computed, made_here=True)
    return {pid: r for pid, r in results.items() if r is not None}


def finish(planned: Plan, results: list[PartitionResult]) -> Result:
    """The Result of a whole snapshot from all its partitions' results."""
    violations: list[Violation] = []
    reminders: list[Reminder] = []
    for found, _, _, _, noted in results:
        violations.extend(found)
        reminders.extend(noted)
    facts_count, tally, later = finish_totals((r[1], r[2], r[3]) for r in results)
    reminders += calendar_reminders(tally) + later_reminders(later, planned.as_of)
    violations.extend(removed_violations(planned))
    violations = mark(planned, violations)
    reminders += unmatched_waivers(violations, list(planned.verdict.waivers))
    return result_of(planned, violations, facts_count, reminders, planned.hits)


def result_of(
    planned: Plan,
    violations: list[Violation],
    facts: dict[str, int],
    reminders: list[Reminder],
    cache_hits: int,
    waived_elsewhere: int = 0,
) -> Result:
    """The Result of a plan's (reported) violations and reminders, both put in order."""
    return Result(
        snapshot=planned.snapshot,
        as_of=planned.as_of,
        policy=planned.policy,
        banner=planned.banner,
        violations=sorted(violations, key=Violation.sort_key),
        facts=facts,
        partitions=len(planned.partitions),
        cache_hits=cache_hits,
        authority=planned.verdict,
        reminders=sorted(reminders, key=Reminder.sort_key),
        waived_elsewhere=waived_elsewhere,
    )


def removed_violations(planned: Plan) -> list[Violation]:
    """Accounts whose files left records/ without a closure (engine/removed.py); none for
    the rule cases' runner (no git history)."""
    if planned.trust_all:
        return []
    return removed_accounts(planned.snapshot, planned.policy, planned.as_of, planned.store)


def finish_totals(
    parts: Iterable[tuple[dict[str, int], Uncounted, list[str]]],
) -> tuple[dict[str, int], Uncounted, list[str]]:
    """Partitions' fact counts, uncounted tallies and later posts, added up."""
    facts: dict[str, int] = defaultdict(int)
    tally: Uncounted = {}
    later: list[str] = []
    for counts, uncounted, late in parts:
        for kind, n in counts.items():
            facts[kind] += n
        for counted, n in uncounted.items():
            tally[counted] = tally.get(counted, 0) + n
        later.extend(late)
    return dict(facts), tally, later


def mark(planned: Plan, violations: list[Violation]) -> list[Violation]:
    """Violations as reported: waived by the waivers that count, marked as acknowledged."""
    violations = apply_waivers(violations, list(planned.verdict.waivers), planned.as_of)
    return apply_acknowledgements(violations, planned.banner.acknowledgements)


def later_reminders(later: list[str], as_of: date) -> list[Reminder]:
    """One line for the post records dated after the check date, left out (``as_stood``)."""
    if not later:
        return []
    newest = max(later)
    first = (as_of + timedelta(days=1)).isoformat()
    return [
        Reminder(
            kind="later-records",
            message=f"按 {as_of.isoformat()} 当天的状况评判:{len(later)} 条发布记录的发布时间晚于这一天"
            f"(最晚 {newest}),不计入",
            hint=f"要看那天仓库里实际有哪些记录,检查那天的提交:govmedia check "
            f"$(git rev-list -1 --before={first}T00:00:00+08:00 HEAD) --as-of {as_of.isoformat()}",
            message_en=f"judged as the records stood on {as_of.isoformat()}: "
            f"{len(later)} posts dated later (up to {newest}) are left out",
            day=as_of.isoformat(),
        )
    ]


def _authority(
    snapshot: Snapshot,
    loaded: list[Record],
    the_banner: banner.Banner,
    policy: Policy,
    store: Cache,
    trust_all: bool,
) -> Verdict:
    """The waivers and supervision records their units signed, and why the others do not
    count (engine/authority.py); the banner is left as it is on file."""
    if trust_all:
        return settle(TRUST_ALL, the_banner)
    registry = next((r for r in loaded if r.kind == "authority"), None)
    governed = [*the_banner.waivers, *the_banner.supervision]
    verdict = verify(snapshot, governed, registry, policy, the_banner.units, store)
    return settle(verdict, the_banner)


def as_judged(the_banner: banner.Banner, verdict: Verdict) -> banner.Banner:
    """A copy of the banner that the facts judge: its supervision records in force and
    those withheld for lack of authority (``the_banner`` itself is not changed)."""
    return replace(
        the_banner,
        supervision=list(verdict.supervision),
        withheld=verdict.withheld,
    )


PartitionResult = tuple[list[Violation], dict[str, int], Uncounted, list[str], list[Reminder]]


def partition_result(cached: Any, made_here: bool = False) -> PartitionResult | None:
    """A cached partition result (its violations and fact counts), or None (a miss) if it
    is not shaped like one.

    The cache is a directory anyone can write to: an entry that parses but is not
    what ``compute`` stores (a damaged or foreign file) is recomputed, never trusted.
    ``made_here``: just made by ``_compute`` (here or in a worker), not read back: the
    shape of each of its violations is not looked at again (``to_dict`` made it).
    """
    if not isinstance(cached, dict):
        return None
    found, facts = cached.get("violations"), cached.get("facts")
    uncounted, later = cached.get("uncounted"), cached.get("later")
    if not isinstance(found, list) or not isinstance(facts, dict):
        return None
    if not all(isinstance(k, str) and type(n) is int for k, n in facts.items()):
        return None
    if not isinstance(later, list) or not all(isinstance(x, str) for x in later):
        return None
    if not isinstance(uncounted, list) or not all(
        isinstance(u, list) and len(u) == 4 and type(u[0]) is int and type(u[1]) is int
        and isinstance(u[2], str) and type(u[3]) is int
        for u in uncounted
    ):  # fmt: skip
        return None
    violations = cached_violations(found, made_here)
    if violations is None:
        return None
    reminders = _cached_reminders(cached.get("reminders"))
    if reminders is None:
        return None
    tally = {(int(y), int(a), str(name)): int(n) for y, a, name, n in uncounted}
    return violations, facts, tally, [str(x) for x in later], reminders


_REMINDER_TYPES: dict[str, type | tuple[type, ...]] = {
    "kind": str,
    "message": str,
    "hint": str,
    "message_en": str,
    "path": str,
    "line": int,
    "article": int,
    "unit": str,
    "account": (str, type(None)),
    "day": str,
}


def _cached_reminders(cached: Any) -> list[Reminder] | None:
    """Reminders read back from the cache, or None (a miss) if not shaped like them."""
    if not isinstance(cached, list):
        return None
    for item in cached:
        if not isinstance(item, dict) or set(item) != set(_REMINDER_TYPES):
            return None
        if not all(isinstance(item[k], t) for k, t in _REMINDER_TYPES.items()):
            return None
    return [Reminder(**item) for item in cached]


_VIOLATION_TYPES: dict[str, type | tuple[type, ...]] = {
    "rule": str,
    "check": str,
    "article": int,
    "version": int,
    "severity": str,
    "path": str,
    "line": int,
    "unit": str,
    "account": (str, type(None)),
    "message": str,
    "message_en": str,
    "hint": str,
    "fingerprint": str,
    "fact_key": str,
    "day": str,
    "evidence": dict,
    "status": str,
    "waiver": (str, type(None)),
    "fact_keys": list,
    "acknowledged": (str, type(None)),
    "check_name": str,
    "read": list,
}


def _violation_shaped(item: Any) -> bool:
    return isinstance(item, dict) and all(
        isinstance(item.get(name), kind) for name, kind in _VIOLATION_TYPES.items()
    )


def cached_violations(cached: Any, made_here: bool = False) -> list[Violation] | None:
    """Violations read back from the cache, or None (a miss) if not shaped like them;
    ``made_here``: ``Violation.to_dict``'s dicts, shaped by it."""
    if not isinstance(cached, list):
        return None
    if not made_here and not all(_violation_shaped(item) for item in cached):
        return None
    try:
        return [Violation.from_dict(item) for item in cached]
    except (TypeError, ValueError, KeyError):
        return None


def check_waivers(waivers: list[Record], policy: Policy) -> None:
    """Every waiver names a rule (and check) of the rulebook: a misspelt one would hide nothing."""
    errors: list[InputError] = []
    for waiver in waivers:
        name = str(waiver.data["rule"])
        rule_id, _, check = name.partition("/")
        rule = policy.rules.get(rule_id)
        known = {c.id for v in rule.versions for c in v.checks} if rule else set()
        if rule is not None and known and (not check or check in known):
            continue
        if rule is None:
            what = f"豁免针对的规则「{rule_id}」不存在"
        elif not known:
            what = f"规则「{rule_id}」没有任何检查项,无需豁免"
        else:
            what = f"规则「{rule_id}」没有检查项「{check}」"
        errors.append(
            InputError(
                what,
                path=waiver.path,
                line=waiver.line("rule"),
                hint="rule 写成 art-NN 或 art-NN/检查项 id,取自违规报告中的规则 id;"
                "用 govmedia rules 查看全部规则。",
            )
        )
    if errors:
        raise InputErrors(errors)


def _matches(waiver: Record, violation: Violation) -> bool:
    rule = str(waiver.data["rule"])
    return (
        rule in (violation.rule, violation.check_id)
        and waiver.data["target"] == violation.path
        and waiver.data.get("fingerprint", violation.fingerprint) == violation.fingerprint
    )


def unmatched_waivers(violations: list[Violation], waivers: list[Record]) -> list[Reminder]:
    """A waiver (one that counts) that matches no violation at all: its rule, target or
    fingerprint is probably mistyped, or the violation is gone. A reminder, not an error."""
    return [
        Reminder(
            kind="waiver-unmatched",
            message=f"豁免没有对应任何违规(规则 {w.data['rule']}、文件 {w.data['target']}"
            + (f"、指纹 {w.data['fingerprint']}" if w.data.get("fingerprint") else "")
            + ")",
            hint="核对 rule、target、fingerprint 是否与 govmedia check 报告的违规一致;"
            "违规已不存在的,可以请批准单位撤销这条豁免。",
            message_en="the waiver matches no violation",
            path=w.path,
            line=w.line("target"),
        )
        for w in waivers
        if not any(_matches(w, v) for v in violations)
    ]


def apply_waivers(
    violations: list[Violation], waivers: list[Record], as_of: date
) -> list[Violation]:
    """Mark violations covered by a waiver in force on the check date as waived."""
    active = [
        w
        for w in waivers
        if parse_date(w.data["expires"]) >= as_of >= parse_date(w.data["approved"])
    ]
    out = []
    for violation in violations:
        for waiver in active:
            rule = str(waiver.data["rule"])
            if rule not in (violation.rule, violation.check_id):
                continue
            if waiver.data["target"] != violation.path:
                continue
            if waiver.data.get("fingerprint", violation.fingerprint) != violation.fingerprint:
                continue
            violation = violation.waived_by(waiver.path)
            break
        out.append(violation)
    return out


def apply_acknowledgements(
    violations: list[Violation], acknowledgements: list[Record]
) -> list[Violation]:
    """Mark the violations a clerk acknowledged as recorded truthfully (如实登记).

    Only a mark: an acknowledged violation stays open (or waived) and counts as before;
    the hook lets a new one through when its acknowledgement is added in the same commit.
    """
    by_fingerprint: dict[str, str] = {}
    for record in acknowledgements:
        by_fingerprint.setdefault(str(record.data["fingerprint"]), record.path)
    if not by_fingerprint:
        return violations
    return [
        v.acknowledged_by(by_fingerprint[v.fingerprint]) if v.fingerprint in by_fingerprint else v
        for v in violations
    ]
