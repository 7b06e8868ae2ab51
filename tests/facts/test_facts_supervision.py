"""engine/facts/supervision.py: rectification orders and ordered closures against deadlines."""

from __future__ import annotations

from datetime import date

from factkit import banner_facts, base

from engine.facts.supervision import ordered_closures, rectifications


def _order(closed: str = "") -> str:
    text = (
        'type = "rectification-order"\nunit = "zwfwj"\nissued = 2021-01-05\n'
        'deadline = 2021-01-10\nissue = "更新不及时"\n'
    )
    return text + (f"closed = {closed}\n" if closed else "")


def test_rectification_days_late() -> None:
    cases = {"a.toml": _order("2021-01-12"), "b.toml": _order("2021-01-09"), "c.toml": _order(),
             "d.toml": _order("2021-01-20")}  # fmt: skip
    files = base(**{f"supervision/{k}": v for k, v in cases.items()})
    built = banner_facts(rectifications, files, date(2021, 1, 17))
    assert {f.unit for f in built} == {"zwfwj"}
    facts = {f.key: f.fields for f in built}
    assert facts == {
        "rectification/a.toml": {"closed": True, "days_late": 2},
        "rectification/b.toml": {"closed": True, "days_late": -1},
        "rectification/c.toml": {"closed": False, "days_late": 7},
        "rectification/d.toml": {"closed": False, "days_late": 7},  # closed after the check date
    }
    assert banner_facts(rectifications, files, date(2021, 1, 4)) == []  # not issued yet


def test_ordered_closure_against_the_deadline() -> None:
    order = (
        'type = "sanction"\nmeasure = "ordered-closure"\naccount = "wx"\n'
        "date = 2021-01-05\ndeadline = 2021-01-08\n"
    )
    files = base(**{"supervision/s.toml": order})
    (open_fact,) = banner_facts(ordered_closures, files, date(2021, 1, 17))
    assert open_fact.fields == {"closed": False, "days_late": 9}
    assert open_fact.day == date(2021, 1, 8)
    closed = base(
        **{
            "supervision/s.toml": order,
            "accounts/wx/events/closure.toml": 'type = "closure"\ndate = 2021-01-07\nground = "ordered"\norder = "s"\n',
        }
    )
    (fact,) = banner_facts(ordered_closures, closed, date(2021, 1, 17))
    assert fact.fields == {"closed": True, "days_late": -1}
