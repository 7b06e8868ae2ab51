"""The site's 即将到期 pages and .ics feeds: RFC 5545 shape, validated by the ``icalendar``
package, and free of private values (on the fixture site with planted strings)."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import pytest
from test_site_fixture import PRIVATE, SCRIPT, built_site

from engine.due import DueItem
from engine.site.due_pages import calendar, fold, ical_text
from engine.timeutil import CHINA_TZ


def physical_lines(raw: bytes) -> list[bytes]:
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines), "bare LF or CR"
    return lines


def test_fold_and_escape_round_trip() -> None:
    title = "测试,分号;反斜杠\\换行\n" + "长" * 60 + "😀" * 10 + "a" * 80
    item = DueItem(
        kind="message",
        deadline=date(2026, 12, 7),
        article=18,
        check="art-18/unanswered",
        unit="u",
        account="a",
        path="records/x.toml",
        line=3,
        title=title,
        todo="答复",
        overdue=False,
        key="a/message/2026-12-01T09:00:00",
    )
    stamp = datetime(2026, 12, 4, 9, 0, tzinfo=CHINA_TZ)
    raw = calendar("日历", [(item, title, "说明:" + title)], stamp).encode("utf-8")
    for line in physical_lines(raw):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a character
    parsed = icalendar.Calendar.from_ical(raw)
    (event,) = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == "说明:" + title
    assert event.decoded("DTSTART") == date(2026, 12, 7)
    assert event.decoded("DTEND") == date(2026, 12, 8)
    assert event["DTSTAMP"].dt == datetime(2026, 12, 4, 1, 0, tzinfo=event["DTSTAMP"].dt.tzinfo)
    assert ical_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"


def test_site_feeds_validate_and_stay_private(tmp_path_factory: pytest.TempPathFactory) -> None:
    _repo, out, proc = built_site(tmp_path_factory)
    assert proc.returncode == 0, proc.stderr
    feeds = sorted((out / "due").glob("*.ics"))
    names = {f.stem for f in feeds}
    assert {"all", "zwfwj", "jyj"} <= names
    total = 0
    for feed in feeds:
        raw = feed.read_bytes()
        for line in physical_lines(raw):
            assert len(line) <= 75, (feed.name, line)
        parsed = icalendar.Calendar.from_ical(raw)
        assert str(parsed["VERSION"]) == "2.0" and parsed["PRODID"]
        events = parsed.walk("VEVENT")
        uids = [str(e["UID"]) for e in events]
        assert len(uids) == len(set(uids))
        for event in events:
            assert event["DTSTAMP"]
            start = event.decoded("DTSTART")
            assert isinstance(start, date) and not isinstance(start, datetime)
            text = str(event["SUMMARY"]) + str(event["DESCRIPTION"])
            for value in PRIVATE.values():
                assert value not in text, (feed.name, value)
        for value in PRIVATE.values():
            assert value.encode("utf-8") not in raw
        if feed.stem == "all":
            total = len(events)
    assert total > 0
    page = (out / "due" / "jyj.html").read_text("utf-8")
    assert "即将到期" in page and "jyj.ics" in page
    assert SCRIPT not in page
    for value in PRIVATE.values():
        assert value not in page
