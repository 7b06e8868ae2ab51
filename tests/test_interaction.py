"""Art 18: the answer deadline (end of the Nth working day after receipt) and its wording."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from engine import cases, policy
from engine.facts.interaction import answer_deadline
from engine.workdays import WorkCalendar

POLICY_DIR = Path(__file__).resolve().parent.parent / "policy"


def test_deadline_counts_make_up_days_and_skips_holidays() -> None:
    calendar = WorkCalendar()
    # Received on Friday 2021-09-24: 09-26 (a Sunday) is a make-up working day, so the
    # fifth working day after receipt is Thursday 09-30, before the National Day week.
    assert answer_deadline(calendar, date(2021, 9, 24), 5) == date(2021, 9, 30)
    assert answer_deadline(calendar, date(2021, 1, 8), 5) == date(2021, 1, 15)
    # Received on a Saturday: the count still starts the next day.
    assert answer_deadline(calendar, date(2021, 1, 9), 1) == date(2021, 1, 11)


def _run(records: dict[str, str], as_of: str) -> list[str]:
    rulebook = policy.load(POLICY_DIR)
    case = {"name": "t", "as_of": as_of, "expect": [], "records": records}
    result = cases.run_case(rulebook, rulebook.rules["art-18"], case)
    assert not result.error, result.error
    return [v.message for v in result.violations]


def test_message_names_the_deadline_date() -> None:
    messages = _run(
        {
            "accounts/wx-test/messages/2021-01.toml": (
                '[[message]]\nreceived = 2021-01-08T15:00:00\ntopic = "反映村道积雪未清理"\n'
                "answered = 2021-01-18T09:00:00\n"
            )
        },
        "2021-01-31",
    )
    assert len(messages) == 1
    assert "时限至 2021-01-15(收到次日起第 5 个工作日),2021-01-18 答复" in messages[0]
    assert "微信公众号·测试镇发布(wx-test)" in messages[0]


def test_unanswered_message_names_the_deadline_and_check_date() -> None:
    messages = _run(
        {
            "accounts/wx-test/messages/2021-01.toml": (
                '[[message]]\nreceived = 2021-01-08T15:00:00\ntopic = "反映村道积雪未清理"\n'
            )
        },
        "2021-01-16",
    )
    assert len(messages) == 1
    assert "时限至 2021-01-15(收到次日起第 5 个工作日),至检查日 2021-01-16 仍未答复" in messages[0]
