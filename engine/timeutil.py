"""Dates and times of records: China Standard Time unless a value says otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def parse_date(text: str) -> date:
    return date.fromisoformat(text[:10])


def parse_datetime(text: str) -> datetime:
    """A date-time string as China time; a bare date means the start of that day."""
    value = datetime.fromisoformat(text.replace(" ", "T")) if len(text) > 10 else None
    if value is None:
        d = date.fromisoformat(text)
        return datetime(d.year, d.month, d.day, tzinfo=CHINA_TZ)
    if value.tzinfo is None:
        return value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(CHINA_TZ)


def iso_local(value: datetime) -> str:
    """Zero-padded China-time string; sorts and compares as text (durable_rules needs that)."""
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%dT%H:%M:%S")
