"""Facts: what rules judge, derived from records by plain Python.

Each fact has a kind, a stable key (for fingerprints), the date that picks the
rule version in force, the record and key path it comes from, and flat
``fields`` — the only values rule conditions see. Aggregation (account-weeks,
closure timelines in working days, review chains, coverage gaps) happens here;
rules only compare measurements with parameters.

Builders are registered per scope: ``banner`` builders see every unit and
account file; ``account`` builders see one account folder, posts included, so
their results can be cached per account.

Every fact kind declares its fields and their types with ``declare``, next to the
builder that emits them. Loading the policy checks each check's ``fact`` and every
field its ``when`` names against these declarations (engine/policy.py), so a
misspelt name is an input error, never a check that silently stays quiet;
``undeclared`` tells whether a built fact keeps to its declaration (tests/facts/).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from engine.banner import AccountFiles, Banner
from engine.lines import KeyPath
from engine.records import Record
from engine.timeutil import parse_date
from engine.workdays import CalendarMissing, WorkCalendar

FactValue = str | int | float | bool
FieldType = type[str] | type[int] | type[float] | type[bool]


@dataclass(frozen=True)
class FactKind:
    """The declared shape of one fact kind: the fields its builder emits and their types.

    ``optional`` fields are emitted only when they can be measured (a repost's
    ``title_changed`` needs the original title); a condition on one does not match a
    fact without it (durable_rules: a missing field never matches).

    ``reads`` names the parameters of other articles the builder reads with ``parameter``
    (rule id -> parameter names): a law's constant has one home, the article that defines
    it. Loading a rulebook whose checks judge this kind refuses one that lacks them.
    """

    kind: str
    fields: Mapping[str, FieldType]
    optional: frozenset[str]
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


FACT_KINDS: dict[str, FactKind] = {}


def declare(
    kind: str,
    fields: Mapping[str, FieldType],
    *,
    optional: Iterable[str] = (),
    reads: Mapping[str, Iterable[str]] | None = None,
) -> FactKind:
    """Declare a fact kind's fields (name -> str, int, float or bool), and the parameters
    of articles its builder reads (``reads``); call it beside the builder."""
    optional = frozenset(optional)
    assert optional <= set(fields), f"{kind}: optional fields must be declared"
    needed = {rule: tuple(names) for rule, names in (reads or {}).items()}
    declared = FactKind(kind, dict(fields), optional, needed)
    assert FACT_KINDS.get(kind, declared) == declared, f"fact kind {kind} declared twice"
    FACT_KINDS[kind] = declared
    return declared


def declared_in(kind: str) -> str:
    """The builder module whose constant holds ``kind``'s declaration, for messages."""
    declared = FACT_KINDS.get(kind)
    for name, module in sorted(sys.modules.items()):
        if (
            declared is not None
            and name.startswith(f"{__name__}.")
            and any(value is declared for value in vars(module).values())
        ):
            return name.replace(".", "/") + ".py"
    return __name__.replace(".", "/") + "/"


def fact_kinds() -> dict[str, FactKind]:
    """Every declared fact kind (the builder modules imported first)."""
    load_builders()
    return FACT_KINDS


def assert_declared(facts: Iterable[Fact]) -> None:
    """Raise AssertionError if a fact departs from its declaration (``GOVMEDIA_DEBUG=1`` runs
    this on every fact an evaluation builds; the tests run it on the sample's)."""
    for fact in facts:
        problems = undeclared(fact)
        assert not problems, f"{fact.key}: {'; '.join(problems)}"


def undeclared(fact: Fact) -> list[str]:
    """How ``fact`` departs from its kind's declaration (empty when it keeps to it)."""
    declared = FACT_KINDS.get(fact.kind)
    if declared is None:
        return [f"kind {fact.kind!r} is not declared"]
    problems = []
    for name in sorted(set(declared.fields) - set(fact.fields) - declared.optional):
        problems.append(f"{fact.kind}: field {name!r} declared but not emitted")
    for name, value in sorted(fact.fields.items()):
        want = declared.fields.get(name)
        if want is None:
            problems.append(f"{fact.kind}: field {name!r} emitted but not declared")
        elif type(value) is not want and not (want is float and type(value) is int):
            problems.append(
                f"{fact.kind}: field {name!r} is {type(value).__name__}, declared {want.__name__}"
            )
    for name in fact.uncounted:
        if name not in declared.fields:
            problems.append(f"{fact.kind}: uncounted field {name!r} not declared")
    for name, value in sorted(fact.doubt.fields.items() if fact.doubt else ()):
        want = declared.fields.get(name)
        if want is None or type(value) is not want:
            problems.append(f"{fact.kind}: doubt field {name!r} does not match the declaration")
    return problems


@dataclass(frozen=True, slots=True)
class Doubt:
    """What a builder could not establish about a fact, and the reminder to give for it.

    ``fields`` are the fact's fields as they would be if the unknown turned out in the
    unit's favour (a review known only to the day of publication: done before it). A
    check that matches the fact but not the fact with these fields is not judged on it:
    the fact gets a ``Reminder`` of ``kind`` with this message instead of a violation
    (engine/evaluate.py). A check that matches both is a violation as usual.
    """

    fields: dict[str, FactValue]
    kind: str  # the reminder's stable id, e.g. "review-same-day"
    message: str  # Chinese, shown to people
    hint: str = ""
    message_en: str = ""


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building a fact five times slower, and a large banner builds half a million. Facts are
# still never changed once built (``dataclasses.replace`` makes a new one); unsafe_hash
# keeps the hash a frozen one had.
@dataclass(slots=True, unsafe_hash=True)
class Fact:
    kind: str
    key: str
    day: date
    record: Record
    where: KeyPath
    unit: str
    account: str | None
    fields: dict[str, FactValue]
    context: dict[str, str] = field(default_factory=dict)
    # Facts of one series (an account's weeks) that are consecutive (one starts the day
    # after the other's ``until``) and break the same check are reported as one run.
    series: str = ""
    until: date | None = None  # the last day the fact covers (series facts)
    # Fields that could not be measured because no working-day calendar covers a year
    # they need: field name -> year. Checks reading them are not judged on this fact;
    # it is tallied into the check's calendar-missing reminder instead (engine/evaluate.py).
    uncounted: dict[str, int] = field(default_factory=dict)
    # What the builder could not establish (see Doubt): undecided checks give a reminder.
    doubt: Doubt | None = None


class FactTable:
    """Facts of one kind from one builder, held in columns until the judge needs one.

    A large banner has hundreds of thousands of posts, and nearly all break no rule. The
    judge matches facts by their fields (facts with equal fields match alike,
    engine/evaluate.py), so a post needs a ``Fact`` of its own (its record, key path and
    context) only when it is reported or gives a reminder. A table holds what the judge
    reads of every fact: row ``j``'s day (``days[j]``), the name its key is made of
    (``prefix + names[j]``), its fields (rows with equal fields share one dict; ``alike``
    lists each such dict with its rows, in the order of their first rows; no two of its
    dicts are equal) and its doubt, if
    any. ``table[j]`` makes row ``j``'s Fact (once) with ``make(table, j)``; ``facts()``
    makes them all, in row order: what the builder would have yielded.

    A table's facts have no ``uncounted`` fields and no series (the judge relies on it).
    """

    __slots__ = (
        "alike",
        "days",
        "doubts",
        "fields",
        "kind",
        "made",
        "make",
        "names",
        "numbered",
        "prefix",
    )

    def __init__(self, kind: str, prefix: str, make: Callable[[FactTable, int], Fact]) -> None:
        self.kind = kind
        self.prefix = prefix
        self.make = make
        self.days: list[date] = []
        self.names: list[str] = []
        self.fields: list[dict[str, FactValue]] = []
        self.alike: list[tuple[dict[str, FactValue], list[int]]] = []
        self.doubts: dict[int, Doubt] = {}
        self.made: dict[int, Fact] = {}
        self.numbered: dict[int, str] = {}  # rows named as a row before them (``number``)

    def __len__(self) -> int:
        return len(self.days)

    def __getitem__(self, j: int) -> Fact:
        fact = self.made.get(j)
        if fact is None:
            fact = self.made[j] = self.make(self, j)
        return fact

    def key(self, j: int) -> str:
        return self.prefix + self.numbered.get(j, self.names[j])

    def number(self, repeats: bool = True) -> None:
        """Give each row named as a row before it a key of its own, numbered as the judge
        numbers facts with equal keys (``#2``, ``#3``... in row order); ``repeats``
        False: every row's key made of its own name again (as the builder made it)."""
        self.made.clear()
        self.numbered.clear()
        if not repeats or len(set(self.names)) == len(self.names):
            return
        taken: set[str] = set()
        for j, name in enumerate(self.names):
            if name in taken:
                n = 2
                while f"{name}#{n}" in taken:
                    n += 1
                name = self.numbered[j] = f"{name}#{n}"
            taken.add(name)

    def facts(self) -> list[Fact]:
        return [self[j] for j in range(len(self))]


@dataclass(frozen=True)
class Context:
    banner: Banner
    calendar: WorkCalendar
    as_of: date
    # Nothing before this day is judged (the measures' effective date): ``judge`` drops
    # every fact dated before it, whatever the rule versions say; builders that measure
    # periods (coverage gaps) clip them to start here, so a gap that began before the
    # measures is judged for the part after it.
    judged_from: date = date.min
    # The rulebook, for a builder that must measure with another article's parameter in
    # force on a day (art-15 reads art-13's notice period): ``parameter`` below.
    policy: Rulebook | None = None


class _Version(Protocol):
    @property
    def parameters(self) -> Mapping[str, Any]: ...


class _Rule(Protocol):
    def version_on(self, day: date) -> _Version | None: ...


class Rulebook(Protocol):
    """What fact builders read of the rulebook (engine/policy.py ``Policy`` is one): its
    rules by id. A protocol, so that facts never import the policy module."""

    @property
    def rules(self) -> Mapping[str, _Rule]: ...


def parameter(ctx: Context, rule_id: str, name: str, day: date) -> Any:
    """The parameter ``name`` of the version of ``rule_id`` in force on ``day``, or None."""
    rule = ctx.policy.rules.get(rule_id) if ctx.policy is not None else None
    version = rule.version_on(day) if rule is not None else None
    return version.parameters.get(name) if version is not None else None


def count_working_days(ctx: Context, start: date, end: date) -> tuple[int, int | None]:
    """``ctx.calendar.working_days(start, end)``, and the year no calendar covers, if any
    (then the count is 0 and the caller marks the field ``uncounted``)."""
    try:
        return ctx.calendar.working_days(start, end), None
    except CalendarMissing as missing:
        return 0, missing.year


def tracked_from(files: AccountFiles) -> date | None:
    """The account's ``tracked_from`` (纳入管理日期): post records start there."""
    if files.account is None or "tracked_from" not in files.account.data:
        return None
    return parse_date(files.account.data["tracked_from"])


BannerBuilder = Callable[[Context], Iterable[Fact]]
AccountBuilder = Callable[[Context, AccountFiles], Iterable[Fact]]
TableBuilder = Callable[[Context, AccountFiles], FactTable]
# Values a violation's message may show that depend on the parameters of the version
# that judged the fact (the earliest lawful closure date for the notice period then in
# force): computed with the calendar for facts that violate, never seen by conditions.
ViolationValues = Callable[[Context, Fact, Mapping[str, Any]], dict[str, str]]

BANNER_BUILDERS: dict[str, BannerBuilder] = {}
ACCOUNT_BUILDERS: dict[str, AccountBuilder] = {}
# Account builders that also give their facts as one ``FactTable`` (the evaluation uses
# it; the builder in ACCOUNT_BUILDERS yields the same facts one by one).
ACCOUNT_TABLES: dict[str, TableBuilder] = {}
VIOLATION_VALUES: dict[str, ViolationValues] = {}


def banner_fact(kind: str) -> Callable[[BannerBuilder], BannerBuilder]:
    def register(fn: BannerBuilder) -> BannerBuilder:
        BANNER_BUILDERS[kind] = fn
        return fn

    return register


def account_fact(kind: str) -> Callable[[AccountBuilder], AccountBuilder]:
    def register(fn: AccountBuilder) -> AccountBuilder:
        ACCOUNT_BUILDERS[kind] = fn
        return fn

    return register


def account_table(kind: str) -> Callable[[TableBuilder], TableBuilder]:
    """Register the table form of the account builder of ``kind`` (``FactTable``)."""

    def register(fn: TableBuilder) -> TableBuilder:
        ACCOUNT_TABLES[kind] = fn
        return fn

    return register


def violation_values(kind: str) -> Callable[[ViolationValues], ViolationValues]:
    def register(fn: ViolationValues) -> ViolationValues:
        VIOLATION_VALUES[kind] = fn
        return fn

    return register


def load_builders() -> None:
    """Import the builder modules so that they register themselves."""
    from engine.facts import (  # noqa: F401
        accounts,
        content,
        interaction,
        outsourcing,
        posts,
        scope,
        security,
        supervision,
        units,
    )
