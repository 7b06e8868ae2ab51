"""Cell values as dates and times, whatever the spelling a clerk used.

A value is read as a ``Moment``: a day, and the time of day when the cell gives one.
A date without a time stays a day: it is never read as 00:00.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

# Excel's day 0 in the 1900 date system (its fictitious 1900-02-29 makes it the 30th).
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Serial numbers of plausible ledger dates: 1990-01-01 .. 2100-12-31.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73415


class ValueProblem(ValueError):
    """A cell that cannot be read as what its column needs; the message is Chinese."""


@dataclass(frozen=True)
class Moment:
    day: date
    clock: time | None = None  # None: the cell gives only the day

    def iso(self) -> str:
        """``YYYY-MM-DDTHH:MM:SS`` or ``YYYY-MM-DD``."""
        if self.clock is None:
            return self.day.isoformat()
        return datetime.combine(self.day, self.clock).isoformat(timespec="seconds")


def text_of(value: Any) -> str:
    """A cell as text, stripped (numbers without a trailing .0); its characters kept as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年]\s*)(?P<m>\d{1,2})\s*(?:[-/.月]\s*)(?P<d>\d{1,2})\s*(?:日|号)?"
    r"(?:\s*(?:[T\s]\s*)?(?P<rest>.*))?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\s+(?P<rest>.*))?$")
_CLOCK = re.compile(
    r"^(?:(?P<ampm>上午|下午|晚上|中午|早上)\s*)?(?P<h>\d{1,2})\s*(?:[:时点])\s*"
    r"(?:(?P<mi>\d{1,2})\s*(?:分)?)?\s*(?:[:]?\s*(?P<s>\d{1,2})\s*(?:秒)?)?$"
)


def _clock(text: str) -> time:
    m = _CLOCK.match(text)
    if not m:
        raise ValueProblem(f"「{text}」不是能识别的时刻,写成 9:30 或 9时30分")
    hour = int(m["h"])
    if m["ampm"] in ("下午", "晚上") and hour < 12:
        hour += 12
    minute = int(m["mi"] or 0)
    second = int(m["s"] or 0)
    if m["mi"] is None and m["s"] is None and not text.rstrip().endswith(("时", "点")):
        raise ValueProblem(f"「{text}」不是能识别的时刻,写成 9:30 或 9时30分")
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValueProblem(f"时刻「{text}」不存在(时 0-23,分和秒 0-59)") from None


def moment(value: Any, shows_time: bool | None = None) -> Moment | None:
    """The moment a cell names, or None for an empty cell.

    ``value`` is what the reader gives: a ``datetime`` or ``date`` (a date cell of a
    workbook), a number (an Excel serial number), or text. ``shows_time`` says, for a
    date cell, whether its number format shows a time of day (a date-only format
    gives 00:00, which is no time at all).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        clock = value.time().replace(microsecond=0)
        if shows_time is False and clock == time(0):
            return Moment(value.date())
        return Moment(value.date(), clock)
    if isinstance(value, date):
        return Moment(value)
    if isinstance(value, time):
        raise ValueProblem("只有时刻,没有日期")
    if isinstance(value, bool):
        raise ValueProblem(f"「{value}」不是日期")
    if isinstance(value, int | float):
        return _serial(float(value))
    text = unicodedata.normalize("NFKC", text_of(value))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial number that came through as text
        return _serial(float(text))
    m = _DATE.match(text) or _COMPACT.match(text)
    if not m:
        raise ValueProblem(
            f"「{text}」不是能识别的日期,写成 2026-03-05、2026/3/5 或 2026年3月5日(可带 9:30)"
        )
    try:
        day = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise ValueProblem(f"日期「{text}」在日历上不存在") from None
    rest = (m["rest"] or "").strip()
    return Moment(day, _clock(rest) if rest else None)


def _serial(number: float) -> Moment:
    if not _SERIAL_MIN <= number <= _SERIAL_MAX + 1:
        raise ValueProblem(f"数字 {number:g} 不是日期(也不像 Excel 的日期序号)")
    whole = int(number)
    day = (_EXCEL_EPOCH + timedelta(days=whole)).date()
    if number == whole:
        return Moment(day)
    seconds = round((number - whole) * 86400)
    if seconds >= 86400:
        return Moment(day + timedelta(days=1), time(0))
    return Moment(day, (datetime.min + timedelta(seconds=seconds)).time())
