"""Working days (工作日): Monday to Friday, minus statutory holidays, plus make-up days.

The base calendar is the ``chinese_calendar`` package (State Council holiday
notices). Records in ``records/calendar/<year>.toml`` override single days (a
local holiday) or, with ``complete = true``, supply a whole year the package does
not know yet. A date no calendar covers is an error, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from engine.errors import InputError


class CalendarMissing(InputError):
    """A working day was asked of a year no calendar covers.

    Fact builders catch it (``engine.facts.count_working_days``) so that only the facts
    that need that year get a calendar-missing violation; anywhere else it is an input
    error naming the file to add.
    """

    def __init__(self, year: int, day: date) -> None:
        self.year = year
        super().__init__(
            f"工作日历不包含 {year} 年,无法计算 {day.isoformat()} 是否为工作日",
            path=f"records/calendar/{year}.toml",
            hint=missing_hint(year),
        )


def missing_hint(year: int) -> str:
    return (
        f"按国务院办公厅公布的 {year} 年节假日安排新建 records/calendar/{year}.toml,"
        "列出全部放假日和调休上班日,并注明已列全(complete = true),格式见 docs/records.md。"
    )


@dataclass(frozen=True)
class DayOverride:
    day: date
    workday: bool
    name: str
    path: str


class WorkCalendar:
    def __init__(
        self, overrides: Iterable[DayOverride] = (), complete_years: Iterable[int] = ()
    ) -> None:
        self.overrides = {o.day: o for o in overrides}
        self.complete_years = frozenset(complete_years)
        self._memo: dict[date, bool] = {}

    def covers(self, day: date) -> bool:
        if day.year in self.complete_years:
            return True
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        known = self._memo.get(day)
        if known is not None:
            return known
        override = self.overrides.get(day)
        if override is not None:
            result = override.workday
        elif day.year in self.complete_years:
            result = day.weekday() < 5
        else:
            try:
                result = bool(chinese_calendar.is_workday(day))
            except NotImplementedError as exc:
                raise CalendarMissing(day.year, day) from exc
        self._memo[day] = result
        return result

    def working_days(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both inclusive (0 if end < start)."""
        count = 0
        day = start
        while day <= end:
            if self.is_workday(day):
                count += 1
            day += timedelta(days=1)
        return count

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day
