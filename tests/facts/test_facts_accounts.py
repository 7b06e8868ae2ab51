"""engine/facts/accounts.py: the account, its closure timeline, its responsibility gaps."""

from __future__ import annotations

from datetime import date

import pytest
from factkit import UNIT, account, account_facts, base, make_context

from engine.facts.accounts import (
    account_facts as account_builder,
)
from engine.facts.accounts import (
    closure_deadline,
    closure_facts,
    earliest_closure,
    judged_day,
    responsibility_gaps,
    uncovered,
)
from engine.workdays import WorkCalendar

OLD = {
    "accounts/wx/account.toml": account(opened="2020-09-01"),
    "accounts/wx/events/decision.toml": 'type = "closure-decision"\ndate = 2020-09-21\nbasis = "collective"\n',
    "accounts/wx/events/filing.toml": 'type = "filing"\ndate = 2020-09-22\nwith = "zwfwj"\n',
    "accounts/wx/events/notice.toml": 'type = "notice"\nstart = 2020-09-24\nend = 2020-10-21\n',
    "accounts/wx/events/closure.toml": 'type = "closure"\ndate = 2020-10-22\n',
}


def test_account_fields_and_internal_body() -> None:
    unit = UNIT + 'internal_bodies = ["办公室", "信息中心"]\n'
    files = base(
        **{
            "units/zwfwj/unit.toml": unit,
            "accounts/wx/account.toml": account(
                certification='"新巴尔虎右旗政务服务局信息中心"', operated_by='"contractor"'
            ),
        }
    )
    (fact,) = account_facts(account_builder, files, date(2021, 1, 17))
    assert fact.fields == {
        "platform": "wechat-official",
        "purpose": "general",
        "operated_by": "contractor",
        "has_certification": True,
        "certification_names_unit": True,
        "internal_body": "信息中心",
    }
    assert fact.day == date(2021, 1, 17)
    assert fact.context["internal_body_in"].startswith("认证主体")


def test_internal_body_inside_a_longer_word_or_a_unit_name_does_not_count() -> None:
    unit = UNIT + 'internal_bodies = ["办公室", "社会事务办"]\n'
    files = base(
        **{
            "units/zwfwj/unit.toml": unit,
            "accounts/wx/account.toml": 'name = "社会事务办理指南"\nplatform = "weibo"\n'
            'unit = "zwfwj"\nopened = 2021-01-04\n',
        }
    )
    (fact,) = account_facts(account_builder, files, date(2021, 1, 17))
    assert fact.fields["internal_body"] == ""
    assert fact.fields["has_certification"] is False


def test_no_account_fact_before_opening_and_the_last_active_day() -> None:
    assert account_facts(account_builder, base(), date(2021, 1, 3)) == []
    ctx = make_context(
        OLD | base(**{"accounts/wx/account.toml": OLD["accounts/wx/account.toml"]}),
        date(2021, 1, 17),
    )
    assert judged_day(ctx, ctx.banner.accounts["wx"]) == date(2020, 10, 21)


def test_closure_by_the_book() -> None:
    (fact,) = account_facts(closure_facts, base(**OLD), date(2021, 1, 17))
    assert fact.day == date(2020, 10, 22)
    assert fact.fields == {
        "has_decision": True,
        "has_filing": True,
        "has_notice": True,
        "in_order": True,
        "notice_working_days": 15,  # 09-25..10-21, National Day off, two make-up days on
        "filed_with": "zwfwj",
        "filed_with_supervising_unit": True,
        "decision_basis": "collective",
    }
    # The supervising unit is art-06's (its one home), named for the messages.
    assert fact.context["supervising_unit"] == "zwfwj"


def test_a_filing_with_another_unit_is_not_with_the_supervising_unit() -> None:
    filing = 'type = "filing"\ndate = 2020-09-22\nwith = "xz"\n'
    files = base(**{**OLD, "accounts/wx/events/filing.toml": filing, "units/xz/unit.toml": UNIT})
    (fact,) = account_facts(closure_facts, files, date(2021, 1, 17))
    assert fact.fields["has_filing"] is True and fact.fields["filed_with"] == "xz"
    assert fact.fields["filed_with_supervising_unit"] is False


def test_of_several_events_of_a_step_the_one_that_best_satisfies_the_article_counts() -> None:
    """All decisions, filings and notices are judged together (policy/art-13.toml, choices):
    an earlier notice that ran 15 working days counts although a later, shorter one exists;
    a later decision (after the filing) or a filing after the closure does not undo the
    earlier ones that were in order."""
    files = base(
        **OLD,
        **{
            "accounts/wx/events/notice-1.toml": 'type = "notice"\nstart = 2020-10-15\nend = 2020-10-21\n',
            "accounts/wx/events/decision-1.toml": 'type = "closure-decision"\ndate = 2020-09-23\nbasis = "principal-leader"\n',
            "accounts/wx/events/filing-1.toml": 'type = "filing"\ndate = 2020-10-23\nwith = "zwfwj"\n',
        },
    )
    (fact,) = account_facts(closure_facts, files, date(2021, 1, 17))
    assert fact.context["notice_start"] == "2020-09-24"
    assert fact.fields["notice_working_days"] == 15
    assert fact.context["decided"] == "2020-09-21"
    assert fact.fields["decision_basis"] == "collective"
    assert fact.context["filed"] == "2020-09-22"
    assert fact.fields["in_order"] is True


def test_a_notice_in_order_is_preferred_to_a_longer_one_before_the_decision() -> None:
    """A notice begun before the decision runs more working days but is out of order;
    the in-order notice of 15 working days is judged, so the closure is in order."""
    early = 'type = "notice"\nstart = 2020-09-01\nend = 2020-10-21\n'
    files = base(**OLD, **{"accounts/wx/events/notice-0.toml": early})
    (fact,) = account_facts(closure_facts, files, date(2021, 1, 17))
    assert fact.context["notice_start"] == "2020-09-24"
    assert fact.fields["notice_working_days"] == 15
    assert fact.fields["in_order"] is True
    # Alone, the early notice is judged and puts the closure out of order.
    files = base(**{**OLD, "accounts/wx/events/notice.toml": early})
    (fact,) = account_facts(closure_facts, files, date(2021, 1, 17))
    assert fact.context["notice_start"] == "2020-09-01"
    assert fact.fields["in_order"] is False


def test_out_of_order_and_missing_steps() -> None:
    files = base(
        **{
            **OLD,
            "accounts/wx/events/decision.toml": 'type = "closure-decision"\ndate = 2020-09-23\nbasis = "collective"\n',
        }
    )
    del files["accounts/wx/events/notice.toml"]
    (fact,) = account_facts(closure_facts, files, date(2021, 1, 17))
    assert fact.fields["in_order"] is False  # decided after filing
    assert fact.fields["has_notice"] is False and fact.fields["notice_working_days"] == 0


def test_a_closure_after_the_check_date_is_not_judged_yet() -> None:
    assert account_facts(closure_facts, base(**OLD), date(2020, 10, 21)) == []


def test_the_notice_ends_the_day_before_the_closure() -> None:
    files = base(
        **{**OLD, "accounts/wx/events/closure.toml": 'type = "closure"\ndate = 2020-10-20\n'}
    )
    (fact,) = account_facts(closure_facts, files, date(2021, 1, 17))
    assert fact.fields["notice_working_days"] == 13  # up to 10-19, not the notice's end


def test_earliest_closure_and_violation_values() -> None:
    calendar = WorkCalendar()
    # 15 working days after 2020-09-24 end on 2020-10-21: closing on 10-22 is lawful.
    assert earliest_closure(calendar, date(2020, 9, 24), 15) == date(2020, 10, 22)
    ctx = make_context(base(**OLD), date(2021, 1, 17))
    (fact,) = list(closure_facts(ctx, ctx.banner.accounts["wx"]))
    values = closure_deadline(ctx, fact, {"min_notice_working_days": 15})
    assert values == {"earliest_closure": "2020-10-22", "notice_needed_until": "2020-10-21"}
    assert closure_deadline(ctx, fact, {}) == {}


D = date(2021, 1, 1)


@pytest.mark.parametrize(
    ("periods", "last", "gaps"),
    [
        ([], date(2021, 1, 5), [(D, date(2021, 1, 5))]),
        ([], D, [(D, D)]),  # a one-day gap at the very end
        ([(D, date(2021, 1, 4))], date(2021, 1, 5), [(date(2021, 1, 5), date(2021, 1, 5))]),
        (
            [(date(2021, 1, 3), date(2021, 1, 4))],
            date(2021, 1, 9),
            [(D, date(2021, 1, 2)), (date(2021, 1, 5), date(2021, 1, 9))],
        ),
        ([(D, date.max)], date(2021, 3, 1), []),
        (
            [(date(2021, 1, 2), date(2021, 1, 3)), (date(2021, 1, 4), date(2021, 1, 6))],
            date(2021, 1, 6),
            [(D, D)],
        ),
        (
            [(date(2021, 1, 2), date(2021, 1, 8)), (date(2021, 1, 3), date(2021, 1, 4))],
            date(2021, 1, 10),
            [(D, D), (date(2021, 1, 9), date(2021, 1, 10))],
        ),
    ],
)
def test_uncovered(
    periods: list[tuple[date, date]], last: date, gaps: list[tuple[date, date]]
) -> None:
    assert uncovered(D, last, periods) == gaps


def test_responsibility_gaps() -> None:
    files = base(
        **{
            "accounts/wx/events/r1.toml": 'type = "responsible"\nfrom = 2021-01-04\nto = 2021-01-10\nperson = "甲"\n',
            "accounts/wx/events/r2.toml": 'type = "responsible"\nfrom = 2021-01-15\nperson = "乙"\n',
        }
    )
    (gap,) = account_facts(responsibility_gaps, files, date(2021, 1, 20))
    assert (gap.day, gap.fields) == (date(2021, 1, 11), {"gap_days": 4})
    assert gap.context == {"gap_from": "2021-01-11", "gap_to": "2021-01-14"}
    # Nothing before the measures' effective date is a gap.
    late = account_facts(
        responsibility_gaps, base(), date(2021, 1, 20), judged_from=date(2021, 1, 18)
    )
    assert [(g.day, g.fields["gap_days"]) for g in late] == [(date(2021, 1, 18), 3)]
