"""Evaluation: snapshot -> records -> facts -> rules -> violations.

Work is split into partitions whose results are cached by content: one for
banner-wide facts, one per account folder. A partition's key digests the blob
ids it reads, the rulebook, the schemas, the check date and the engine version,
so a second run, or a hook after one file changed, re-evaluates only what
changed. Post files of an account are parsed only when its partition misses.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
    BANNER_BUILDERS,
    VIOLATION_VALUES,
    Context,
    Fact,
    assert_declared,
    load_builders,
    tracked_from,
)
from engine.labels import account_zh, article_zh, count_zh, message_values
from engine.policy import Check, Policy, Version
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
    facts: list[Fact], policy: Policy, ctx: Context, uncounted: Uncounted | None = None
) -> tuple[list[Violation], list[Reminder]]:
    """Run every rule over the facts: version by the fact's date, condition by durable_rules.

    A check that a fact's doubt decides (see ``engine.facts.Doubt``) gives a reminder
    for the fact instead of a violation: one per fact, whatever the number of checks.

    Facts dated before the measures took effect (``ctx.judged_from``) are never judged,
    whatever period a rule version claims: the measures bind nothing before that day.
    A fact some check cannot judge for want of a calendar year is tallied in
    ``uncounted`` (the check's reminder, ``calendar_reminders``), not reported as a violation.
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
                violations, doubted = _judge_version(
                    version, kind, members, rule.article, ctx, tally
                )
                found.extend(violations)
                for fact in doubted:
                    reminders.setdefault(fact.key, _doubt_reminder(fact, rule.article))
    return found, list(reminders.values())


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
        for run in _runs(found):
            out.append(_violation(check, version, run, article, ctx))
    for fact in facts:
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
        message=render(check.message, message_values(values)),
        message_en=render(check.message_en, values) if check.message_en else "",
        hint=render(check.hint, message_values(values)),
        fingerprint=fingerprint(version.rule, check.id, fact.key),
        fact_key=fact.key,
        day=fact.day.isoformat(),
        evidence={**fact.fields, **fact.context, **derived, **extra},
        fact_keys=[f.key for f in run] if len(run) > 1 else [],
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


# Partitions computed at once by worker processes (forked: they share the parent's memory).
_TASKS: list[Callable[[], dict[str, Any]]] = []
# Fewer missed partitions than this are computed in-process (a hook misses one or two).
_MIN_PARALLEL = 8


def _jobs() -> int:
    """Worker processes for cold partitions: GOVMEDIA_JOBS, else the usable cores."""
    wanted = os.environ.get("GOVMEDIA_JOBS", "")
    if wanted.isdigit():
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0))


def _start_worker(parent: int) -> None:
    # The parent alone answers Ctrl-C (sent to the whole process group) and SIGTERM:
    # it stops the workers itself. A worker ignores Ctrl-C and dies quietly of
    # SIGTERM, instead of running the parent's handlers and printing tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    # What the worker inherited stays put: not scanned by the collector, nor copied
    # by it touching the pages. Parsing allocates millions of acyclic containers,
    # which would trigger a collection every few hundred allocations.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies, even of SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's own clean-up must do
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def new_pool(jobs: int, method: str) -> ProcessPoolExecutor:
    """Worker processes that leave Ctrl-C and SIGTERM to their parent and die with it;
    end them with ``stop_workers`` when the run is interrupted."""
    return ProcessPoolExecutor(
        jobs, multiprocessing.get_context(method), _start_worker, (os.getpid(),)
    )


@contextlib.contextmanager
def sigint_blocked() -> Iterator[None]:
    """Hold Ctrl-C back while worker processes are spawned: a spawned worker inherits the
    blocked signal (the mask survives exec), so it can never die of KeyboardInterrupt
    before its initializer ignores SIGINT; the parent gets the held Ctrl-C right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now (the run was interrupted), without waiting for their tasks."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # Taken before shutdown(), which forgets it: it must have ended before the
    # interpreter's exit handler wakes it through a pipe it may be closing.
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in processes:
        if process.is_alive():
            process.terminate()
    # Pending futures are left as they are (not cancelled): the pool marks them broken
    # once its workers are gone, and a cancelled one would make that fail (CPython 3.11).
    pool.shutdown(wait=False)
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            process.kill()
            process.join(timeout=2)
    # The pool's manager thread notices the dead workers and ends; waiting for it keeps
    # the interpreter's exit from racing it (CPython then prints a spurious traceback).
    if manager is not None:
        manager.join(timeout=5)


def _run_task(index: int) -> dict[str, Any] | None:
    try:
        return _TASKS[index]()
    except Exception:
        return None  # the parent runs the task again itself, and raises the same error


def _compute_all(
    tasks: list[Callable[[], dict[str, Any]]], prefetch: Callable[[], None]
) -> Generator[dict[str, Any], None, None]:
    """Each task's result in order; on two or more cores, computed by forked workers.

    ``prefetch`` reads ahead, in one go, the files the tasks will read; when the
    tasks run in workers, each worker reads its own files instead, meanwhile.
    """
    jobs = min(_jobs(), len(tasks))
    if (
        jobs < 2
        or len(tasks) < _MIN_PARALLEL
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        prefetch()
        threshold = gc.get_threshold()
        if len(tasks) >= _MIN_PARALLEL:  # a cold run on one core: collect rarely meanwhile
            gc.set_threshold(100_000, 50, 50)
        try:
            yield from (task() for task in tasks)
        finally:
            gc.set_threshold(*threshold)
        return
    _TASKS[:] = tasks
    done = 0
    finished = False
    pool = new_pool(jobs, "fork")
    try:
        try:
            # Futures submitted one by one, not pool.map: map cancels the pending ones when
            # interrupted, and CPython 3.11's pool then fails to mark a cancelled future
            # broken (InvalidStateError printed from its manager thread).
            for future in [pool.submit(_run_task, i) for i in range(len(tasks))]:
                result = future.result()
                value = tasks[done]() if result is None else result
                done += 1
                yield value
        except BrokenProcessPool:
            pass  # a worker died (a crash in native code): what is left runs here, in the open
        yield from (task() for task in tasks[done:])
        finished = True
    finally:
        # Interrupted (Ctrl-C, SIGTERM, an input error) or abandoned by the caller:
        # no worker may outlive the run.
        if finished:
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            stop_workers(pool)
        _TASKS.clear()


def _load(snapshot: Snapshot, paths: Iterable[str]) -> list[Record]:
    paths = list(paths)
    snapshot.prefetch(paths)
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
        fresh = _load(snapshot, missing)
    found = {key: _RECENT[key] for key in keys if key in _RECENT}
    found.update(((r.path, r.blob), r) for r in fresh)
    _RECENT = found
    if missing and saved is None:
        store.put(saved_key, {r.path: r.data for r in found.values()})
    return [found[key] for key in keys if key in found]


def _saved_record(path: str, data: Any) -> bool:
    """A record's data from the cache is used only if it is valid by the record's schema."""
    located = records.kind_of(path)
    return located is not None and isinstance(data, dict) and records.surely_valid(located[0], data)


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
    load_builders()
    store = cache or Cache(None)
    post_paths: dict[str, list[str]] = defaultdict(list)
    other_paths: list[str] = []
    for path in snapshot.entries:
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
    shared_dirs = ("records/units/", "records/calendar/", "records/supervision/")
    shared = [p for p in other_paths if p.startswith(shared_dirs)]
    base = digest(
        [__version__, engine_digest(), policy.digest, as_of.isoformat(), f"as_stood={as_stood}"],
        # A supervision record without authority is judged as withheld, whatever it says.
        [f"{p}=withheld" if p in the_banner.withheld else f"{p}={entries[p]}" for p in shared]
        # Supervision records kept in force in their last signed version (engine/authority.py).
        + [f"{p}=kept:{r.blob}" for p, r in sorted(verdict.kept.items())],
    )
    violations: list[Violation] = []
    facts_count: dict[str, int] = defaultdict(int)

    def compute(build: Callable[[], tuple[list[Fact], list[str]]]) -> dict[str, Any]:
        facts, later = build()
        if os.environ.get("GOVMEDIA_DEBUG"):
            assert_declared(facts)
        tally: Uncounted = {}
        found, noted = judge(facts, policy, ctx, tally)
        counts: dict[str, int] = defaultdict(int)
        for fact in facts:
            counts[fact.kind] += 1
        return {
            "violations": [v.to_dict() for v in found],
            "facts": counts,
            "uncounted": [[y, a, name, n] for (y, a, name), n in sorted(tally.items())],
            "later": later,
            "reminders": [r.to_dict() for r in noted],
        }

    # (cache key, fact builder, post files it reads), the banner's first.
    partitions: list[tuple[str, Callable[[], tuple[list[Fact], list[str]]], list[str]]] = []
    account_meta = [p for p in other_paths if p.startswith("records/accounts/")]
    partitions.append(
        (
            digest([base, "banner"], [f"{p}={entries[p]}" for p in account_meta]),
            lambda: ([f for b in BANNER_BUILDERS.values() for f in b(ctx)], []),
            [],
        )
    )
    meta_of: dict[str, list[str]] = defaultdict(list)
    for p in account_meta:
        meta_of[p.split("/", 3)[2]].append(p)
    for account_id, files in the_banner.accounts.items():
        own = meta_of[account_id] + files.post_paths
        key = digest([base, "account", account_id], [f"{p}={entries[p]}" for p in own])

        def build(files: banner.AccountFiles = files) -> tuple[list[Fact], list[str]]:
            later = banner.attach_posts(
                files, _load(snapshot, files.post_paths), ctx.as_of, as_stood=as_stood
            )
            tracked = tracked_from(files) or date.min
            try:
                # Post records start at the account's tracked_from (纳入管理日期): a post
                # recorded from before it is not judged, like the weeks before it.
                return [
                    f
                    for b in ACCOUNT_BUILDERS.values()
                    for f in b(ctx, files)
                    if f.day >= tracked or f.record.kind != "posts"
                ], later
            finally:
                # The facts keep the records they cite; letting go of the rest keeps
                # memory (and the garbage collector's work) to one account at a time.
                files.posts = []

        partitions.append((key, build, files.post_paths))

    results = [_partition_result(store.get(key)) for key, _, _ in partitions]
    missed = [i for i, cached in enumerate(results) if cached is None]
    hits = len(partitions) - len(missed)
    tasks: list[Callable[[], dict[str, Any]]] = [partial(compute, partitions[i][1]) for i in missed]
    prefetch = partial(snapshot.prefetch, [p for i in missed for p in partitions[i][2]])
    with closing(_compute_all(tasks, prefetch)) as computing:
        for i, computed in zip(missed, computing, strict=True):
            store.put(partitions[i][0], computed)
            results[i] = _partition_result(computed)
    tally: Uncounted = {}
    later: list[str] = []
    reminders: list[Reminder] = []
    for cached in results:
        assert cached is not None
        found, counts, uncounted, late, noted = cached
        violations.extend(found)
        reminders.extend(noted)
        for kind, n in counts.items():
            facts_count[kind] += n
        for counted, n in uncounted.items():
            tally[counted] = tally.get(counted, 0) + n
        later.extend(late)
    reminders += calendar_reminders(tally) + later_reminders(later, as_of)

    if not trust_all:
        # Accounts whose files left records/ without a closure (engine/removed.py).
        violations.extend(removed_accounts(snapshot, policy, as_of))
    # Only the waivers that count (their unit signed them) waive anything.
    violations = apply_waivers(violations, list(verdict.waivers), as_of)
    violations = apply_acknowledgements(violations, the_banner.acknowledgements)
    reminders += unmatched_waivers(violations, list(verdict.waivers))
    violations.sort(key=Violation.sort_key)
    return Result(
        snapshot=snapshot,
        as_of=as_of,
        policy=policy,
        banner=the_banner,
        violations=violations,
        facts=dict(facts_count),
        partitions=1 + len(the_banner.accounts),
        cache_hits=hits,
        authority=verdict,
        reminders=sorted(reminders, key=Reminder.sort_key),
    )


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


def _partition_result(cached: Any) -> PartitionResult | None:
    """A cached partition result (its violations and fact counts), or None (a miss) if it
    is not shaped like one.

    The cache is a directory anyone can write to: an entry that parses but is not
    what ``compute`` stores (a damaged or foreign file) is recomputed, never trusted.
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
    violations = cached_violations(found)
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
}


def _violation_shaped(item: Any) -> bool:
    return isinstance(item, dict) and all(
        isinstance(item.get(name), kind) for name, kind in _VIOLATION_TYPES.items()
    )


def cached_violations(cached: Any) -> list[Violation] | None:
    """Violations read back from the cache, or None (a miss) if not shaped like them."""
    if not isinstance(cached, list) or not all(_violation_shaped(item) for item in cached):
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
