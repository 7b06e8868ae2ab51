"""engine/facts/interaction.py: public messages and the working days to their answer."""

from __future__ import annotations

from datetime import date

from factkit import account_facts, base

from engine.facts.interaction import messages

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
    assert [(f.fields["answered"], f.fields["working_days"]) for f in facts] == [
        (True, 4),  # Monday to Friday: Tue, Wed, Thu, and Friday itself, begun
        (False, 5),  # unanswered: Tue..Fri, and the check date (Sunday) begun
        (False, 2),  # answered after the check date: not yet; Friday, and Sunday begun
    ]
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
    assert fact.uncounted == {"working_days": 2031}
