"""Consistency by construction: what ``due`` lists on the check date is what ``check``
reports the day after its deadline if nothing is done, and not if it is done in time.

Each deadline kind has a property test over generated records and dates (hypothesis);
both commands run in-process on in-memory record sets (tests/due_support.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

from due_support import account, due_items, evaluated, policy, reported, units
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.due import DueItem
from engine.workdays import WorkCalendar

DAY = timedelta(days=1)
# Years the holiday package knows (a check must never need a year it lacks here).
days = st.dates(min_value=date(2021, 3, 1), max_value=date(2025, 11, 30))
SETTINGS = settings(
    max_examples=90, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def one(items: list[DueItem], kind: str, key: str | None = None) -> DueItem | None:
    found = [i for i in items if i.kind == kind and (key is None or i.key == key)]
    assert len(found) <= 1, found
    return found[0] if found else None


def parameter(rule: str, day: date, name: str) -> int:
    version = policy().rules[rule].version_on(day)
    assert version is not None
    return int(version.parameters[name])


def posts_file(stamps: list[datetime]) -> dict[str, str]:
    by_month: dict[str, list[str]] = defaultdict(list)
    for n, at in enumerate(sorted(stamps)):
        by_month[at.strftime("%Y-%m")].append(
            f'[[post]]\npublished = {at.isoformat()}\ntitle = "第{n}条"\ncategory = "routine"\n'
            f"[[post.review]]\nlevel = 1\nat = {(at - timedelta(hours=1)).isoformat()}\n"
        )
    return {f"accounts/wx-t/posts/{m}.toml": "\n".join(body) for m, body in by_month.items()}


# ---------------------------------------------------------------- art. 15


@SETTINGS
@given(
    opened=days,
    age=st.integers(14, 300),
    before=st.lists(st.integers(0, 6), max_size=2),
    after=st.integers(0, 6),
)
def test_week(opened: date, age: int, before: list[int], after: int) -> None:
    as_of = opened + timedelta(days=age)
    monday = as_of - timedelta(days=as_of.weekday())
    sunday = monday + 6 * DAY
    done = [monday + timedelta(days=d) for d in before if monday + timedelta(days=d) <= as_of]
    files = {**units(), **account(opened)}
    files.update(posts_file([datetime(d.year, d.month, d.day, 10) for d in done]))
    item = one(due_items(files, as_of), "week", f"wx-t/week/{monday.isoformat()}")
    event("listed" if item is not None else "not listed")
    need = parameter("art-15", monday, "min_posts_per_week")
    assert (item is not None) == (len(done) < need)
    if item is None:
        return
    assert item.deadline == sunday
    # Still open the day after: reported.
    assert reported(evaluated(files, sunday + DAY).open, item)
    # Done by Sunday (a post on a day from the check date to Sunday): not reported.
    late = max(as_of, monday + timedelta(days=after))
    stamps = [datetime(d.year, d.month, d.day, 10) for d in done]
    stamps += [datetime(late.year, late.month, late.day, 20)] * (need - len(done))
    fixed = {**files, **posts_file(stamps)}
    assert not reported(evaluated(fixed, sunday + DAY).open, item)


# ---------------------------------------------------------------- art. 18


def messages_file(received: datetime, answered: datetime | None) -> dict[str, str]:
    text = f'[[message]]\nreceived = {received.isoformat()}\ntopic = "咨询"\nasker = "群众"\n'
    if answered is not None:
        text += f"answered = {answered.isoformat()}\n"
    return {f"accounts/wx-t/messages/{received.strftime('%Y-%m')}.toml": text}


@SETTINGS
@given(
    received=days,
    hour=st.integers(0, 23),
    age=st.integers(0, 12),
    answered_after=st.one_of(st.none(), st.integers(0, 20)),
)
def test_message(received: date, hour: int, age: int, answered_after: int | None) -> None:
    opened = received - timedelta(days=30)
    at = datetime(received.year, received.month, received.day, hour, 15)
    as_of = received + timedelta(days=age)
    answered = None if answered_after is None else at + timedelta(days=answered_after, hours=1)
    base = {**units(), **account(opened)}
    shown = answered if answered is not None and answered.date() <= as_of else None
    files = {**base, **messages_file(at, shown)}
    item = one(due_items(files, as_of), "message")
    event("listed" if item is not None else "not listed")
    n = parameter("art-18", received, "answer_working_days")
    deadline = WorkCalendar().add_working_days(received, n)
    expected = shown is None and deadline <= as_of + timedelta(days=7)
    assert (item is not None) == expected
    if item is None:
        return
    assert item.deadline == deadline
    assert item.overdue == (deadline < as_of)
    assert reported(evaluated(files, deadline + DAY).open, item)
    # Answered at the last minute of the deadline: in time.
    in_time = datetime(deadline.year, deadline.month, deadline.day, 23, 59)
    result = evaluated({**base, **messages_file(at, in_time)}, deadline + DAY)
    assert not [v for v in result.open if v.rule == "art-18"]
    # Answered the next day, whatever weekday it is: late.
    next_day = in_time + timedelta(minutes=2)
    result = evaluated({**base, **messages_file(at, next_day)}, deadline + DAY)
    assert [v.check for v in result.open if v.rule == "art-18"] == ["answered-late"]


def test_messages_of_one_minute_are_the_facts_check_judges() -> None:
    """Two unanswered messages of one minute and an answered one: due lists the two under
    the fact keys check reports them by (the same reading of the records serves both)."""
    at = datetime(2024, 3, 4, 9, 30)
    one_message = '[[message]]\nreceived = {}\ntopic = "咨询"\nasker = "群众"\n'
    answered = one_message.format((at + DAY).isoformat()) + f"answered = {(at + DAY).isoformat()}\n"
    text = "\n".join([one_message.format(at.isoformat())] * 2 + [answered])
    files = {**units(), **account(date(2024, 1, 2)), "accounts/wx-t/messages/2024-03.toml": text}
    listed = [i for i in due_items(files, date(2024, 3, 5), within=30) if i.kind == "message"]
    stamp = "wx-t/message/2024-03-04T09:30:00"
    assert [i.fact_key for i in listed] == [stamp, f"{stamp}#2"]
    deadline = max(i.deadline for i in listed)
    late = [v for v in evaluated(files, deadline + DAY).open if v.check == "unanswered"]
    assert sorted(v.fact_key for v in late) == [stamp, f"{stamp}#2"]


# ---------------------------------------------------------------- arts 23, 24


@SETTINGS
@given(issued=days, span=st.integers(1, 60), age=st.integers(0, 75), ordered=st.booleans())
def test_orders(issued: date, span: int, age: int, ordered: bool) -> None:
    opened = issued - timedelta(days=60)
    deadline = issued + timedelta(days=span)
    as_of = issued + timedelta(days=age)
    files = {**units(), **account(opened)}
    name = f"{issued.isoformat()}-order"
    if ordered:
        files[f"supervision/{name}.toml"] = (
            f'type = "sanction"\nmeasure = "ordered-closure"\naccount = "wx-t"\n'
            f'date = {issued.isoformat()}\ndeadline = {deadline.isoformat()}\nreason = "测试"\n'
        )
        rule, kind = "art-24", "sanction"
    else:
        files[f"supervision/{name}.toml"] = (
            f'type = "rectification-order"\nunit = "xiaozhen"\naccount = "wx-t"\n'
            f"issued = {issued.isoformat()}\ndeadline = {deadline.isoformat()}\n"
            f'issue = "测试问题"\nreference = "测试函〔2021〕1号"\n'
        )
        rule, kind = "art-23", "rectification"
    item = one(due_items(files, as_of), kind)
    event("listed" if item is not None else "not listed")
    last = deadline + timedelta(days=parameter(rule, deadline, "grace_days"))
    assert (item is not None) == (last <= as_of + timedelta(days=7))
    if item is None:
        return
    assert item.deadline == last
    assert reported(evaluated(files, last + DAY).open, item)
    fixed = dict(files)
    if ordered:
        fixed["accounts/wx-t/events/closure.toml"] = (
            f'type = "closure"\ndate = {last.isoformat()}\nground = "ordered"\norder = "{name}"\n'
        )
    else:
        fixed[f"supervision/{name}.toml"] += f"closed = {last.isoformat()}\n"
    result = evaluated(fixed, last + DAY)
    assert not [v for v in result.open if v.rule == rule]


# ---------------------------------------------------------------- arts 7, 19


@SETTINGS
@given(opened=days, length=st.integers(10, 200), age=st.integers(0, 220), contract=st.booleans())
def test_periods(opened: date, length: int, age: int, contract: bool) -> None:
    end = opened + timedelta(days=length)
    as_of = opened + timedelta(days=age)
    if contract:
        extra = f'operated_by = "contractor"\noutsourced_from = {opened.isoformat()}'
        files = {**units(), **account(opened, extra=extra)}
        template = (
            'type = "contract"\ncontractor = "测试公司"\nstart = {start}\nend = {end}\n'
            "rights_duties = true\nconfidentiality_agreement = {start}\n"
            "qualification_review = {start}\n"
        )
        files["accounts/wx-t/events/contract-1.toml"] = template.format(start=opened, end=end)
        renewal = {
            "accounts/wx-t/events/contract-2.toml": template.format(
                start=end + DAY, end=end + timedelta(days=365)
            )
        }
        rule, kind, param = "art-07", "contract", "max_gap_days"
    else:
        files = {**units(), **account(opened)}
        files["accounts/wx-t/events/opening-responsible.toml"] += f"to = {end.isoformat()}\n"
        renewal = {
            "accounts/wx-t/events/next-responsible.toml": (
                f'type = "responsible"\nfrom = {(end + DAY).isoformat()}\nperson = "接任者"\n'
            )
        }
        rule, kind, param = "art-19", "responsible", "max_gap_days"
    item = one(due_items(files, as_of), kind)
    event("listed" if item is not None else "not listed")
    last = end + timedelta(days=parameter(rule, end + DAY, param))
    assert (item is not None) == (last <= as_of + timedelta(days=7))
    if item is None:
        return
    assert item.deadline == last
    assert item.overdue == (last < as_of)
    assert reported(evaluated(files, last + DAY).open, item)
    result = evaluated({**files, **renewal}, last + DAY)
    assert not [v for v in result.open if v.rule == rule]


# ---------------------------------------------------------------- art. 20


@SETTINGS
@given(as_of=days, ahead=st.integers(0, 9))
def test_evidence(as_of: date, ahead: int) -> None:
    opened = as_of + timedelta(days=ahead)
    files = {**units(), **account(as_of - timedelta(days=100), "wx-old", "zwfwj")}
    files.update(account(opened))
    plan = files.pop("units/xiaozhen/evidence/emergency-plan.toml")
    item = one(due_items(files, as_of), "evidence", "xiaozhen/evidence/emergency-plan")
    event("listed" if item is not None else "not listed")
    assert (item is not None) == (ahead <= 7)
    if item is None:
        return
    assert item.deadline == opened
    assert reported(evaluated(files, opened + DAY).open, item)
    adopted = plan.replace("adopted = 2020-10-15", f"adopted = {opened.isoformat()}")
    fixed = {**files, "units/xiaozhen/evidence/emergency-plan.toml": adopted}
    assert not reported(evaluated(fixed, opened + DAY).open, item)


# ---------------------------------------------------------------- art. 13


@SETTINGS
@given(
    as_of=days,
    ahead=st.integers(1, 45),
    notice_age=st.one_of(st.none(), st.integers(0, 30)),
)
def test_closure(as_of: date, ahead: int, notice_age: int | None) -> None:
    opened = as_of - timedelta(days=200)
    closed = as_of + timedelta(days=ahead)
    files = {**units(), **account(opened)}
    files["accounts/wx-t/events/decision.toml"] = (
        f'type = "closure-decision"\ndate = {opened.isoformat()}\nbasis = "collective"\n'
        'document = "纪要"\n'
    )
    files["accounts/wx-t/events/filing.toml"] = (
        f'type = "filing"\ndate = {opened.isoformat()}\nwith = "zwfwj"\n'
    )
    files["accounts/wx-t/events/closure.toml"] = (
        f'type = "closure"\ndate = {closed.isoformat()}\nground = "work"\nreason = "整合"\n'
    )

    def notice(start: date) -> dict[str, str]:
        return {
            "accounts/wx-t/events/notice.toml": (
                f'type = "notice"\nstart = {start.isoformat()}\nend = {(closed - DAY).isoformat()}\n'
                'url = "https://example.invalid/n"\n'
            )
        }

    if notice_age is not None:
        files.update(notice(as_of - timedelta(days=notice_age)))
    item = one(due_items(files, as_of, within=60), "closure")
    event("listed" if item is not None else "not listed")
    assert item is not None
    at_closure = evaluated(files, closed).open
    if notice_age is None:
        # The last day the notice may start: on it, lawful; a day later, too short.
        latest = item.deadline
        assert reported(at_closure, replace(item, check="art-13/no-notice"))
        ok = evaluated({**files, **notice(latest)}, closed).open
        assert not [v for v in ok if v.rule == "art-13"]
        late = evaluated({**files, **notice(latest + DAY)}, closed).open
        assert [v.check for v in late if v.rule == "art-13"] == ["notice-too-short"]
        return
    earliest = date.fromisoformat(item.extra["earliest_closure"])
    assert reported(at_closure, item) == (earliest > closed)
    # Closing on the earliest lawful day instead: lawful; a day before: too short.
    moved = dict(files)
    moved["accounts/wx-t/events/closure.toml"] = files["accounts/wx-t/events/closure.toml"].replace(
        closed.isoformat(), earliest.isoformat()
    )
    moved["accounts/wx-t/events/notice.toml"] = files["accounts/wx-t/events/notice.toml"].replace(
        f"end = {(closed - DAY).isoformat()}", f"end = {(earliest - DAY).isoformat()}"
    )
    assert not reported(evaluated(moved, earliest).open, item)


# ---------------------------------------------------------------- waivers


def waiver(name: str, approved: date, expires: date) -> dict[str, str]:
    return {
        f"waivers/{name}.toml": (
            'rule = "art-15/weekly-update"\ntarget = "records/accounts/wx-t/account.toml"\n'
            f'reason = "断网"\napproved_by = "zwfwj"\napprover = "分管领导"\n'
            f"approved = {approved.isoformat()}\nexpires = {expires.isoformat()}\n"
        )
    }


@settings(max_examples=40, deadline=None, database=None)
@given(opened=days, lasting=st.integers(20, 120), before=st.integers(0, 10))
def test_waiver(opened: date, lasting: int, before: int) -> None:
    """A waiver hiding a violation expires on X: listed; the day after, the violation is
    open again, unless the waiver is renewed by then."""
    approved = opened + timedelta(days=14)
    expires = approved + timedelta(days=lasting)
    as_of = expires - timedelta(days=before)
    files = {**units(), **account(opened), **waiver("w1", approved, expires)}
    item = one(due_items(files, as_of), "waiver")
    event("listed" if item is not None else "not listed")
    assert (item is not None) == (before <= 7)
    if item is None:
        return
    assert item.deadline == expires and item.check == "art-15/weekly-update"
    hidden = item.extra["fingerprint"]
    assert any(v.fingerprint == hidden for v in evaluated(files, expires).waived)
    assert any(v.fingerprint == hidden for v in evaluated(files, expires + DAY).open)
    renewed = {**files, **waiver("w2", expires, expires + timedelta(days=30))}
    assert not any(v.fingerprint == hidden for v in evaluated(renewed, expires + DAY).open)
