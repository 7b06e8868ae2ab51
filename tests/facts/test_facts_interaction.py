"""engine/facts/interaction.py: public messages and the working days to their answer."""

from __future__ import annotations

from datetime import date

from factkit import account_facts, base

from engine.facts.interaction import answer_deadline, messages
from engine.workdays import WorkCalendar

MESSAGES = """
[[message]]
received = 2021-01-11T09:00:00
topic = "办事指南"
answered = 2021-01-15T16:00:00

[[message]]
received = 2021-01-11T09:00:00
topic = "同一时刻的第二条"

[[message]]
received = 2021-01-14T20:00:00
topic = "检查日之后才答复"
answered = 2021-01-19T10:00:00

[[message]]
received = 2021-01-18T10:00:00
topic = "检查日之后收到"
"""


def test_working_days_to_the_answer_or_the_check_date() -> None:
    files = base(**{"accounts/wx/messages/2021-01.toml": MESSAGES})
    facts = account_facts(messages, files, date(2021, 1, 17))
    # Working days after the day of receipt and before the day of the answer or the check date.
    assert [(f.fields["answered"], f.fields["elapsed_working_days"]) for f in facts] == [
        (True, 3),  # Monday to Friday: Tue, Wed, Thu (the answer day does not count)
        (False, 4),  # unanswered: Tue..Fri (the check date, Sunday, does not count)
        (False, 1),  # answered after the check date: not yet; Friday only
    ]
    assert all(f.fields["needs_answer"] is True for f in facts)
    assert [f.key for f in facts[:2]] == [
        "wx/message/2021-01-11T09:00:00",
        "wx/message/2021-01-11T09:00:00#2",
    ]
    assert facts[0].where == ("message", 0, "answered")
    assert facts[1].where == ("message", 1, "received")
    assert facts[2].context["answered_at"] == "未答复"


def test_a_year_without_calendar_marks_the_field_uncounted() -> None:
    text = '[[message]]\nreceived = 2031-01-06T09:00:00\ntopic = "远期"\n'
    files = base(**{"accounts/wx/messages/2031-01.toml": text})
    (fact,) = account_facts(messages, files, date(2031, 1, 10))
    assert fact.uncounted == {"elapsed_working_days": 2031}
    assert fact.fields["elapsed_working_days"] == 0


def _answered_on(day: str) -> int:
    text = (
        f'[[message]]\nreceived = 2021-01-11T09:00:00\ntopic = "时限"\nanswered = {day}T16:00:00\n'
    )
    files = base(**{"accounts/wx/messages/2021-01.toml": text})
    (fact,) = account_facts(messages, files, date(2021, 1, 25))
    return int(fact.fields["elapsed_working_days"])


def test_an_answer_on_the_deadline_is_in_time_and_the_day_after_is_late() -> None:
    """art-18 is late exactly when elapsed_working_days reaches the limit (5): that is an
    answer after ``answer_deadline``, the 5th working day after receipt."""
    assert answer_deadline(WorkCalendar(), date(2021, 1, 11), 5) == date(2021, 1, 18)
    assert _answered_on("2021-01-18") == 4  # on the deadline: in time
    assert _answered_on("2021-01-19") == 5  # the day after: late


def test_a_message_that_needs_no_answer() -> None:
    text = (
        '[[message]]\nreceived = 2021-01-11T09:00:00\ntopic = "推销"\n'
        'no_answer = "advertising"\nno_answer_note = "推销保健品的广告"\n'
    )
    files = base(**{"accounts/wx/messages/2021-01.toml": text})
    (fact,) = account_facts(messages, files, date(2021, 1, 25))
    assert fact.fields["needs_answer"] is False and fact.fields["answered"] is False
