"""engine/workdays.py beyond the arithmetic (tests/test_properties.py): which years a calendar
covers, and what a missing year tells the clerk."""

from __future__ import annotations

from datetime import date

import pytest

from engine.workdays import CalendarMissing, WorkCalendar, missing_hint


def test_covers_the_package_years_and_complete_files_only() -> None:
    assert WorkCalendar().covers(date(2021, 6, 1))
    assert not WorkCalendar().covers(date(2031, 6, 1))
    assert WorkCalendar([], [2031]).covers(date(2031, 6, 1))


def test_a_missing_year_names_the_file_to_write() -> None:
    with pytest.raises(CalendarMissing) as caught:
        WorkCalendar().is_workday(date(2031, 1, 6))
    error = caught.value
    assert error.year == 2031
    assert error.message == "工作日历不包含 2031 年,无法计算 2031-01-06 是否为工作日"
    assert error.path == "records/calendar/2031.toml"
    assert error.hint == missing_hint(2031)
    hint = missing_hint(2031)
    assert hint.startswith("按国务院办公厅公布的 2031 年节假日安排新建 records/calendar/2031.toml")
    assert "complete = true" in hint and hint.endswith("格式见 docs/records.md。")
    with pytest.raises(CalendarMissing):
        WorkCalendar().working_days(date(2030, 12, 30), date(2031, 1, 2))
