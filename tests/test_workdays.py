"""Working days: the statutory calendar, record overrides, and loud errors for unknown years."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, base_records, write_records

from engine import cases, policy
from engine.cli import main
from engine.workdays import DayOverride, WorkCalendar


def cli(*args: str) -> Result:
    """The real command line, in-process (exit code and stderr as a user sees them)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _weekdays(start: date, end: date) -> int:
    return sum(1 for i in range((end - start).days + 1) if (start + timedelta(i)).weekday() < 5)


# ---------------------------------------------------------------- the statutory calendar


def test_national_day_2020_counts_fourteen_working_days() -> None:
    start, end = date(2020, 9, 25), date(2020, 10, 20)
    calendar = WorkCalendar()
    assert calendar.working_days(start, end) == 14
    # The two wrong answers the domain guide warns about: 18 ignores the holiday,
    # 12 ignores the make-up working days (Sunday 09-27, Saturday 10-10).
    assert _weekdays(start, end) == 18
    assert calendar.is_workday(date(2020, 9, 27)) and calendar.is_workday(date(2020, 10, 10))
    assert not calendar.is_workday(date(2020, 10, 8))
    assert calendar.working_days(start, end) - 2 == 12


def test_spring_festival_2024() -> None:
    calendar = WorkCalendar()
    # 2024-02-10..17 off; Sundays 02-04 and 02-18 are make-up working days.
    assert [calendar.is_workday(date(2024, 2, d)) for d in range(10, 19)] == [False] * 8 + [True]
    assert calendar.is_workday(date(2024, 2, 4))
    assert calendar.working_days(date(2024, 2, 1), date(2024, 2, 29)) == 18
    assert calendar.working_days(date(2024, 2, 10), date(2024, 2, 17)) == 0
    assert calendar.add_working_days(date(2024, 2, 9), 1) == date(2024, 2, 18)


def test_counting_edges() -> None:
    calendar = WorkCalendar()
    assert calendar.working_days(date(2024, 3, 5), date(2024, 3, 4)) == 0
    assert calendar.working_days(date(2024, 3, 5), date(2024, 3, 5)) == 1
    assert calendar.add_working_days(date(2024, 3, 8), 0) == date(2024, 3, 8)


# ---------------------------------------------------------------- calendar records

CALENDAR_2027 = """year = 2027
complete = true
source = "测试:周一至周五上班,另列节假日和调休"

[[day]]
date = 2027-01-01
kind = "holiday"
name = "元旦"
"""

LOCAL_HOLIDAY = """
[[day]]
date = 2027-03-10
kind = "holiday"
name = "地方节日(测试)"
"""


def test_an_unknown_year_is_an_error_not_a_guess() -> None:
    from engine.errors import InputError

    calendar = WorkCalendar()
    assert not calendar.covers(date(2027, 3, 1))
    with pytest.raises(InputError) as caught:
        calendar.is_workday(date(2027, 3, 1))
    assert caught.value.path == "records/calendar/2027.toml"


def test_a_complete_year_and_overrides() -> None:
    overrides = [
        DayOverride(date(2027, 3, 10), False, "地方节日", "records/calendar/2027.toml"),
        DayOverride(date(2027, 3, 13), True, "调休", "records/calendar/2027.toml"),
        DayOverride(date(2024, 3, 5), False, "地方节日", "records/calendar/2024.toml"),
    ]
    calendar = WorkCalendar(overrides, complete_years=[2027])
    assert calendar.covers(date(2027, 3, 1))
    assert calendar.working_days(date(2027, 3, 8), date(2027, 3, 14)) == 5  # -Wed +Sat
    assert not calendar.is_workday(date(2024, 3, 5))  # a local holiday in a known year
    assert calendar.is_workday(date(2024, 3, 6))


def _closure_2027(notice_end: str, closed: str) -> dict[str, str]:
    prefix = "accounts/dy-2027"
    return {
        f"{prefix}/account.toml": 'unit = "xiaozhen"\nname = "测试镇发布"\nplatform = "douyin"\n'
        'certification = "测试镇人民政府"\nopened = 2027-01-04\n',
        f"{prefix}/events/decision.toml": 'type = "closure-decision"\ndate = 2027-02-26\n'
        'basis = "collective"\n',
        f"{prefix}/events/filing.toml": 'type = "filing"\ndate = 2027-02-26\nwith = "zwfwj"\n',
        f"{prefix}/events/notice.toml": f'type = "notice"\nstart = 2027-02-26\nend = {notice_end}\n',
        f"{prefix}/events/closure.toml": f'type = "closure"\ndate = {closed}\n',
    }


@pytest.mark.parametrize(
    ("calendar", "expect"),
    [
        (CALENDAR_2027, []),
        (CALENDAR_2027 + LOCAL_HOLIDAY, ["art-13/notice-too-short"]),
    ],
    ids=["无地方节日:满15个工作日", "地方节日使公告只剩14个工作日"],
)
def test_calendar_record_drives_the_notice_count(calendar: str, expect: list[str]) -> None:
    # A notice published on Friday 2027-02-26 runs from Monday 03-01 (the publication day
    # does not count) to 03-19: three full working weeks; the closure is on Monday 03-22.
    # A local holiday on Wednesday 03-10 leaves 14.
    rulebook = policy.load(ROOT / "policy")
    case = {
        "name": "2027 年日历",
        "as_of": "2027-03-31",
        "expect": expect,
        "records": {"calendar/2027.toml": calendar, **_closure_2027("2027-03-19", "2027-03-22")},
    }
    result = cases.run_case(
        rulebook, rulebook.rules["art-13"], case, cases.load_base(ROOT / "policy")
    )
    assert result.passed, result.explain()


def test_a_closure_in_an_uncovered_year_is_a_calendar_missing_reminder(tmp_path: Path) -> None:
    # Only the closure whose notice needs 2027 is not judged; the run goes on (exit 1, not 2).
    write_records(tmp_path, {**base_records(), **_closure_2027("2027-03-19", "2027-03-22")})
    out = cli("check", "--repo", str(tmp_path), "--as-of", "2027-03-31", "--no-cache")
    assert out.exit_code == 1, out.output
    assert "calendar-missing" not in out.stdout
    assert "2027 年的工作日历还没有登记" in out.stdout
    assert "records/calendar/2027.toml" in out.stdout
    assert "art-13/notice-too-short" not in out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            'year = 2027\ncomplete = true\nsource = "x"\n\n[[day]]\ndate = 2027-02-30\n'
            'kind = "holiday"\nname = "x"\n',
            6,
        ),
        (
            'year = 2027\ncomplete = true\nsource = "x"\n\n[[day]]\ndate = "2027-02-30"\n'
            'kind = "holiday"\nname = "x"\n',
            6,
        ),
        (
            'year = 2027\ncomplete = true\nsource = "x"\n\n[[day]]\ndate = 2027-02-01\n'
            'kind = "holiday"\nname = "x"\n\n[[day]]\ndate = 2026-12-31\nkind = "holiday"\nname = "y"\n',
            11,
        ),
        ('year = 2027\ncomplete = "yes"\nsource = "x"\n', 2),
    ],
    ids=["不存在的日期", "不存在的日期(字符串)", "日期不属于本文件的年份", "complete 类型错误"],
)
def test_a_malformed_calendar_file_exits_2_with_path_and_line(
    tmp_path: Path, text: str, line: int
) -> None:
    write_records(tmp_path, {**base_records(), "calendar/2027.toml": text})
    out = cli("check", "--repo", str(tmp_path), "--as-of", "2021-01-17", "--no-cache")
    assert out.exit_code == 2, out.output
    assert f"records/calendar/2027.toml:{line}:" in out.stderr, out.stderr
    assert "修改方法" in out.stderr


def test_a_calendar_file_is_accepted_when_well_formed(tmp_path: Path) -> None:
    write_records(tmp_path, {**base_records(), "calendar/2027.toml": CALENDAR_2027 + LOCAL_HOLIDAY})
    out = cli("check", "--repo", str(tmp_path), "--as-of", "2021-01-17", "--no-cache")
    assert out.exit_code == 0, out.output


def test_the_documented_calendar_example_is_valid() -> None:
    import re

    from engine import records

    doc = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    block = re.search(r"```toml\n(year = 2027.*?)```", doc, re.S)
    assert block is not None
    data = block.group(1).encode("utf-8")
    record = records.load_record("records/calendar/2027.toml", "0" * 40, lambda: data)
    assert record is not None and record.data["complete"] is True
