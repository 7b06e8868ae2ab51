"""Evaluation: snapshot -> records -> facts -> rules -> violations.

Work is split into partitions whose results are cached by content: one for
banner-wide facts, one per account folder. A partition's key digests the blob
ids it reads, the rulebook, the schemas, the check date and the engine version,
so a second run, or a hook after one file changed, re-evaluates only what
changed. Post files of an account are parsed only when its partition misses.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Any

from engine import __version__, banner, records, rules_engine
from engine.cache import Cache
from engine.errors import InputError, InputErrors
from engine.facts import ACCOUNT_BUILDERS, BANNER_BUILDERS, Context, Fact, load_builders
from engine.policy import Check, Policy, Version
from engine.records import Record
from engine.snapshot import Snapshot
from engine.timeutil import parse_date
from engine.violations import Violation, fingerprint


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


def _digest(*parts: Iterable[str] | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        for item in [part] if isinstance(part, str) else part:
            h.update(item.encode())
            h.update(b"\0")
    return h.hexdigest()


@cache
def _schemas_digest() -> str:
    """The engine's own inputs to every result: its version, schemas and source code."""
    package = Path(__file__).resolve().parent
    code = [p.read_text("utf-8") for p in sorted(package.rglob("*.py"))]
    return _digest(
        [__version__] + [str(records.schema(k)) for k in (*records.KINDS, "policy")] + code
    )


def judge(facts: list[Fact], policy: Policy, ctx: Context) -> list[Violation]:
    """Run every rule over the facts: version by the fact's date, condition by durable_rules."""
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_kind[fact.kind].append(fact)
    found: list[Violation] = []
    for rule in policy.rules.values():
        for kind in sorted(rule.fact_kinds):
            groups: dict[int, list[Fact]] = defaultdict(list)
            for fact in by_kind.get(kind, ()):
                version = rule.version_on(fact.day)
                if version is not None:
                    groups[version.number].append(fact)
            for number, members in groups.items():
                found.extend(_judge_version(rule.version(number), kind, members, rule.article, ctx))
    return found


def _judge_version(
    version: Version, kind: str, facts: list[Fact], article: int, ctx: Context
) -> list[Violation]:
    checks = {c.name: c for c in version.checks if c.fact == kind}
    if not checks:
        return []
    wanted = sorted(set().union(*(c.fields for c in checks.values())) - {"fact"})
    # Conditions see only the fields they name, so facts with equal projections
    # match alike: durable_rules judges each distinct projection once.
    distinct: dict[tuple[Any, ...], list[int]] = {}
    for index, fact in enumerate(facts):
        projection = tuple((f, fact.fields[f]) for f in wanted if f in fact.fields)
        distinct.setdefault(projection, []).append(index)
    keys = list(distinct)
    payload = [{"fact": kind, **dict(k)} for k in keys]
    conditions = {name: c.condition for name, c in checks.items()}
    out = []
    for name, i in rules_engine.match(conditions, payload):
        for index in distinct[keys[i]]:
            out.append(_violation(checks[name], version, facts[index], article, ctx))
    return out


def _violation(check: Check, version: Version, fact: Fact, article: int, ctx: Context) -> Violation:
    units = ctx.banner.units
    account = ctx.banner.accounts.get(fact.account) if fact.account else None
    values: dict[str, Any] = {
        **version.parameters,
        **fact.fields,
        **fact.context,
        "key": check.key,
        "value": check.value,
        "date": fact.day.isoformat(),
        "unit_name": units[fact.unit].data["name"] if fact.unit in units else fact.unit,
        "account_name": account.record.data["name"] if account and account.account else "",
    }
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
        message=render(check.message, values),
        message_en=render(check.message_en, values) if check.message_en else "",
        hint=render(check.hint, values),
        fingerprint=fingerprint(version.rule, check.id, fact.key),
        fact_key=fact.key,
        day=fact.day.isoformat(),
        evidence={**fact.fields, **fact.context},
    )


def _load(snapshot: Snapshot, paths: Iterable[str]) -> list[Record]:
    return records.load_many((p, snapshot.entries[p], partial(snapshot.read, p)) for p in paths)


def evaluate(snapshot: Snapshot, policy: Policy, as_of: date, cache: Cache | None = None) -> Result:
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
    the_banner = banner.build(_load(snapshot, other_paths), post_paths)
    check_waivers(the_banner.waivers, policy)
    ctx = Context(the_banner, the_banner.calendar(), as_of, policy.measures_effective)

    entries = snapshot.entries
    # Unit records (with their evidence), calendars and supervision records feed every partition.
    shared_dirs = ("records/units/", "records/calendar/", "records/supervision/")
    shared = [p for p in other_paths if p.startswith(shared_dirs)]
    base = _digest(
        [__version__, _schemas_digest(), policy.digest, as_of.isoformat()],
        [f"{p}={entries[p]}" for p in shared],
    )
    violations: list[Violation] = []
    facts_count: dict[str, int] = defaultdict(int)
    hits = 0

    def run_partition(key: str, build: Any) -> None:
        nonlocal hits
        cached = store.get(key)
        if cached is None:
            facts: list[Fact] = list(build())
            found = judge(facts, policy, ctx)
            counts: dict[str, int] = defaultdict(int)
            for fact in facts:
                counts[fact.kind] += 1
            cached = {"violations": [v.to_dict() for v in found], "facts": counts}
            store.put(key, cached)
        else:
            hits += 1
        violations.extend(Violation.from_dict(v) for v in cached["violations"])
        for kind, n in cached["facts"].items():
            facts_count[kind] += n

    account_meta = [p for p in other_paths if p.startswith("records/accounts/")]
    run_partition(
        _digest([base, "banner"], [f"{p}={entries[p]}" for p in account_meta]),
        lambda: (f for b in BANNER_BUILDERS.values() for f in b(ctx)),
    )
    for account_id, files in the_banner.accounts.items():
        prefix = f"records/accounts/{account_id}/"
        own = [p for p in account_meta if p.startswith(prefix)] + files.post_paths
        key = _digest([base, "account", account_id], [f"{p}={entries[p]}" for p in own])

        def build(files: banner.AccountFiles = files) -> list[Fact]:
            banner.attach_posts(files, _load(snapshot, files.post_paths))
            return [f for b in ACCOUNT_BUILDERS.values() for f in b(ctx, files)]

        run_partition(key, build)

    violations = apply_waivers(violations, the_banner.waivers, as_of)
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
    )


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
