"""Property tests of the date arithmetic, each against a slow, obvious implementation:
working days and deadlines (engine/workdays.py), coverage gaps (``uncovered``), ISO
weeks (``account_weeks``) and the rule version in force on a day (effective_to is
exclusive)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from factkit import account, account_facts, base
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.facts.accounts import uncovered
from engine.facts.posts import account_weeks
from engine.policy import Rule, Version
from engine.workdays import DayOverride, WorkCalendar

FAST = settings(max_examples=60, deadline=None)
# Years the pinned chinesecalendar knows, and a year it does not (2030: only with a file).
KNOWN = st.dates(date(2019, 1, 1), date(2025, 12, 31))
DAY = timedelta(days=1)


# ---------------------------------------------------------------- working days


def slow_is_workday(day: date, overrides: dict[date, bool], complete: frozenset[int]) -> bool:
    if day in overrides:
        return overrides[day]
    if day.year in complete:
        return day.weekday() < 5
    return bool(chinese_calendar.is_workday(day))


def slow_count(
    start: date, end: date, overrides: dict[date, bool], complete: frozenset[int]
) -> int:
    days = [start + DAY * i for i in range((end - start).days + 1)]
    return sum(slow_is_workday(d, overrides, complete) for d in days)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[WorkCalendar, dict[date, bool], frozenset[int]]:
    overrides = draw(st.dictionaries(KNOWN, st.booleans(), max_size=8))
    complete = frozenset(draw(st.sets(st.sampled_from([2021, 2030]), max_size=1)))
    items = [DayOverride(d, w, "测试", "records/calendar/x.toml") for d, w in overrides.items()]
    return WorkCalendar(items, complete), overrides, complete


@FAST
@given(calendars(), KNOWN, st.integers(-3, 120))
def test_working_days_count_day_by_day(
    cal: tuple[WorkCalendar, dict[date, bool], frozenset[int]], start: date, span: int
) -> None:
    calendar, overrides, complete = cal
    end = start + DAY * span
    assert calendar.working_days(start, end) == slow_count(start, end, overrides, complete)


@FAST
@given(calendars(), KNOWN, st.integers(0, 60), st.integers(0, 60))
def test_working_days_add_up_over_adjacent_periods(
    cal: tuple[WorkCalendar, dict[date, bool], frozenset[int]], start: date, a: int, b: int
) -> None:
    calendar = cal[0]
    middle, end = start + DAY * a, start + DAY * (a + b)
    whole = calendar.working_days(start, end)
    assert whole == calendar.working_days(start, middle) + calendar.working_days(middle + DAY, end)


@FAST
@given(calendars(), KNOWN, st.integers(0, 40))
def test_add_working_days_is_the_nth_working_day_after(
    cal: tuple[WorkCalendar, dict[date, bool], frozenset[int]], start: date, n: int
) -> None:
    calendar, overrides, complete = cal
    found = calendar.add_working_days(start, n)
    # Slow: walk forward day by day and stop at the n-th working day after start.
    day, left = start, n
    while left:
        day += DAY
        left -= slow_is_workday(day, overrides, complete)
    assert found == day
    assert calendar.working_days(start + DAY, found) == n
    if n:
        assert slow_is_workday(found, overrides, complete)


@FAST
@given(st.dates(date(2030, 1, 1), date(2030, 12, 1)), st.integers(0, 20))
def test_a_complete_calendar_file_counts_weekdays(start: date, span: int) -> None:
    calendar = WorkCalendar([], [2030])
    end = min(start + DAY * span, date(2030, 12, 31))
    weekdays = sum((start + DAY * i).weekday() < 5 for i in range((end - start).days + 1))
    assert calendar.working_days(start, end) == weekdays


# ---------------------------------------------------------------- coverage gaps


def slow_uncovered(
    start: date, last: date, periods: list[tuple[date, date]]
) -> list[tuple[date, date]]:
    covered = {
        begin + DAY * i
        for begin, end in periods
        for i in range(((min(end, last) - begin).days + 1) if begin <= last else 0)
    }
    gaps: list[tuple[date, date]] = []
    day = start
    while day <= last:
        if day not in covered:
            if gaps and gaps[-1][1] == day - DAY:
                gaps[-1] = (gaps[-1][0], day)
            else:
                gaps.append((day, day))
        day += DAY
    return gaps


ORIGIN = date(2021, 1, 1)
offsets = st.integers(0, 60)


@FAST
@given(
    offsets,
    offsets,
    st.lists(st.tuples(offsets, st.integers(0, 30) | st.none()), max_size=5),
)
def test_uncovered_is_the_days_no_period_covers(
    a: int, b: int, spans: list[tuple[int, int | None]]
) -> None:
    start, last = ORIGIN + DAY * min(a, b), ORIGIN + DAY * max(a, b)
    periods = [
        (ORIGIN + DAY * s, date.max if n is None else ORIGIN + DAY * (s + n)) for s, n in spans
    ]
    assert uncovered(start, last, periods) == slow_uncovered(start, last, periods)


def test_uncovered_gap_ends_the_day_before_a_period() -> None:
    d = ORIGIN
    periods = [(d + DAY * 5, d + DAY * 9)]
    assert uncovered(d, d + DAY * 20, periods) == [(d, d + DAY * 4), (d + DAY * 10, d + DAY * 20)]
    assert uncovered(d, d + DAY * 3, periods) == [(d, d + DAY * 3)]
    assert uncovered(d + DAY * 5, d + DAY * 9, periods) == []


# ---------------------------------------------------------------- ISO weeks


@settings(max_examples=25, deadline=None)
@given(st.dates(date(2020, 12, 20), date(2021, 3, 1)), st.integers(0, 70))
def test_account_weeks_are_the_full_iso_weeks_of_the_active_period(opened: date, span: int) -> None:
    as_of = opened + DAY * span
    files = base(**{"accounts/wx/account.toml": account(opened=opened.isoformat())})
    facts = account_facts(account_weeks, files, as_of)
    # Slow: every Monday from the opening day whose Sunday is before the check date (on a
    # Sunday the week can still be met that evening: policy/art-15.toml, choices).
    days = [opened + DAY * i for i in range(span + 1)]
    mondays = [d for d in days if d.weekday() == 0 and d + DAY * 6 < as_of]
    assert [f.day for f in facts] == mondays
    for fact in facts:
        assert fact.until == fact.day + DAY * 6 and fact.until.weekday() == 6
        year, week, _ = fact.day.isocalendar()
        assert fact.until.isocalendar()[:2] == (year, week)
        assert fact.context["week"] == f"{year} 年第 {week} 周"
        assert fact.fields == {"posts": 0, "in_notice_period": False}


# ---------------------------------------------------------------- rule versions


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    starts = sorted(draw(st.sets(st.integers(0, 400), min_size=1, max_size=4)))
    end = draw(st.none() | st.integers(starts[-1] + 1, 500))
    versions = []
    for i, s in enumerate(starts):
        until = starts[i + 1] if i + 1 < len(starts) else end
        versions.append(
            Version(
                "art-99",
                i + 1,
                ORIGIN + DAY * s,
                None if until is None else ORIGIN + DAY * until,
                "",
                {},
                {},
                [],
                (),
            )
        )
    return Rule("art-99", 99, "", "", "checkable", "error", "", "", [], "", tuple(versions), [], "")


def slow_version(rule: Rule, day: date) -> int | None:
    """The version whose [effective_from, effective_to) holds ``day``: effective_to is the
    first day it no longer applies."""
    for version in rule.versions:
        to = version.effective_to or date.max
        days_in_force = (to - version.effective_from).days
        if 0 <= (day - version.effective_from).days < days_in_force:
            return version.number
    return None


@FAST
@given(rules(), st.integers(-5, 520))
def test_the_version_in_force_on_a_day(rule: Rule, offset: int) -> None:
    day = ORIGIN + DAY * offset
    found = rule.version_on(day)
    assert (found.number if found else None) == slow_version(rule, day)


def test_effective_to_is_exclusive() -> None:
    v = Version("art-99", 1, date(2021, 1, 1), date(2021, 7, 1), "", {}, {}, [], ())
    rule = Rule("art-99", 99, "", "", "checkable", "error", "", "", [], "", (v,), [], "")
    assert rule.version_on(date(2021, 6, 30)) is v
    assert rule.version_on(date(2021, 7, 1)) is None
    assert rule.version_on(date(2020, 12, 31)) is None
