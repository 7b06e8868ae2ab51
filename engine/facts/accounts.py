"""Account-level facts: the account itself, its closure timeline, its responsible people."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from engine.banner import AccountFiles
from engine.errors import InputError
from engine.facts import Context, Fact, account_fact, declare, parameter, violation_values
from engine.facts.supervision import closure_order
from engine.labels import VALUE, label, platform_zh
from engine.timeutil import parse_date
from engine.workdays import CalendarMissing, WorkCalendar


def judged_day(ctx: Context, files: AccountFiles) -> date | None:
    """The last day the account is active up to the check date; None if never active by then."""
    closed = files.closed_on
    last = ctx.as_of if closed is None else min(ctx.as_of, closed - timedelta(days=1))
    return last if last >= files.opened else None


# Words that an internal body's last character starts with the next character
# (社会事务办 + 理 = 社会事务办理): such an occurrence is not the body's name
# (policy/art-11.toml, choices).
_WORD_AFTER_BODY = {
    "办": "理事法案学",
    "科": "技学普研",
    "股": "份票东权民",
    "室": "内外",
    "队": "伍员列",
    "所": "有以在属得",
    "站": "点台立岗",
    "组": "织合成建",
    "处": "理置罚分",
    "局": "面势部",
    "会": "议员计",
}


def _internal_body_in_name(text: str, bodies: list[str], unit_names: list[str]) -> str:
    """The internal body that ``text`` (an account's name or certification) names, or "".

    Occurrences inside a registered unit's full name do not count, nor those whose last
    character starts a longer word with the next one; the longest body name wins.
    """
    for name in sorted(unit_names, key=len, reverse=True):
        if name:
            text = text.replace(name, "\0" * len(name))
    for body in sorted(bodies, key=len, reverse=True):
        if len(body) < 2:
            continue
        start = text.find(body)
        while start != -1:
            after = text[start + len(body) : start + len(body) + 1]
            if not after or after not in _WORD_AFTER_BODY.get(body[-1], ""):
                return body
            start = text.find(body, start + 1)
    return ""


ACCOUNT = declare(
    "account",
    {
        "platform": str,
        "purpose": str,
        "operated_by": str,
        "has_certification": bool,
        "certification_names_unit": bool,
        "internal_body": str,
    },
)


@account_fact("account")
def account_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    day = judged_day(ctx, files)
    if day is None:
        return
    data = files.record.data
    unit = ctx.banner.units[files.unit].data
    certification = str(data.get("certification", ""))
    bodies = [str(b) for b in unit.get("internal_bodies", [])]
    unit_names = [str(u.data["name"]) for u in ctx.banner.units.values()]
    # In an internal body's name: the account's name or its certification names the body.
    body = _internal_body_in_name(str(data["name"]), bodies, unit_names)
    body_in = f"账号名称「{data['name']}」" if body else ""
    if not body:
        body = _internal_body_in_name(certification, bodies, unit_names)
        body_in = f"认证主体「{certification}」" if body else ""
    yield Fact(
        kind="account",
        key=files.id,
        day=day,
        record=files.record,
        where=("name",),
        unit=files.unit,
        account=files.id,
        fields={
            "platform": str(data["platform"]),
            "purpose": str(data.get("purpose", "general")),
            "operated_by": str(data.get("operated_by", "self")),
            "has_certification": bool(certification),
            "certification_names_unit": str(unit["name"]) in certification,
            "internal_body": body,
        },
        context={
            "certification": certification,
            "internal_body_in": body_in or "无",
            "platform_name": platform_zh(str(data["platform"])),
            "purpose_zh": label(VALUE, str(data.get("purpose", "general"))),
        },
    )


def notice_working_days(calendar: WorkCalendar, start: date, end: date, closed: date) -> int:
    """Working days a closure notice ran: from the day after its publication (民法典 第二百零一条:
    the first day is not counted) to its end or the day before the closure, whichever is
    earlier (the closure day itself is no notice time)."""
    return calendar.working_days(start + timedelta(days=1), min(end, closed - timedelta(days=1)))


def earliest_closure(calendar: WorkCalendar, start: date, needed: int) -> date:
    """The first day on which an account whose notice was published on ``start`` may be
    closed: the day after the ``needed``-th working day after ``start``."""
    return calendar.add_working_days(start, needed) + timedelta(days=1)


CLOSURE = declare(
    "closure",
    {
        "has_decision": bool,
        "has_filing": bool,
        "has_notice": bool,
        "in_order": bool,
        "notice_working_days": int,
        "filed_with": str,
        "filed_with_supervising_unit": bool,
        "decision_basis": str,
    },
    reads={"art-06": ("supervising_unit",)},
)


@account_fact("closure")
def closure_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """The closure of an account 因工作原因 (art. 13), once its date has come.

    A closure ordered by the supervising department (``ground = "ordered"``, art. 24)
    yields nothing here: art. 13 does not apply to it, art. 24 judges it. A closure
    dated after the check date is a plan, not yet judged.
    """
    closure = files.closure
    if closure is None:
        return
    if closure_order(ctx, files, closure) is not None:
        return
    closed = parse_date(closure.data["date"])
    if closed > ctx.as_of:
        return
    # Art 13 asks whether a decision, a filing and a notice of enough working days
    # preceded the closure, not what the last record of each kind says: of several
    # records, the one that best satisfies the article is judged (policy/art-13.toml).
    decisions = sorted(
        (parse_date(e.data["date"]), e.path, e) for e in files.events_of("closure-decision")
    )
    decided, decision = (decisions[0][0], decisions[0][2]) if decisions else (None, None)
    # Filed with whom art 6 names the banner's supervising unit on the closure day.
    supervising = parameter(ctx, "art-06", "supervising_unit", closed)

    def step_in_order(day: date) -> bool:
        return day <= closed and (decided is None or decided <= day)

    filings = sorted(
        (
            not step_in_order(parse_date(e.data["date"])),
            str(e.data["with"]) != supervising,
            parse_date(e.data["date"]),
            e.path,
            e,
        )
        for e in files.events_of("filing")
    )
    filed, filing = (filings[0][2], filings[0][4]) if filings else (None, None)
    notice_days = 0
    notice_end = ""
    missing = None
    noticed: date | None = None
    ranked: list[tuple[bool, int, date, str, date]] = []
    for event in files.events_of("notice"):
        start, end = parse_date(event.data["start"]), parse_date(event.data["end"])
        try:
            days = notice_working_days(ctx.calendar, start, end, closed)
        except CalendarMissing as exc:
            days, missing = 0, missing or exc.year
        ranked.append((not step_in_order(start), -days, start, event.path, end))
    if ranked:
        best = min(ranked)
        notice_days, noticed, notice_end = -best[1], best[2], best[4].isoformat()
    # Only the decision must come first; filing and notice may come in either order.
    # Every step is on or before the closure day.
    steps = [d for d in (decided, filed, noticed) if d is not None]
    in_order = all(step_in_order(d) for d in steps)
    yield Fact(
        kind="closure",
        key=f"{files.id}/closure",
        day=closed,
        record=closure,
        where=("date",),
        unit=files.unit,
        account=files.id,
        fields={
            "has_decision": decided is not None,
            "has_filing": filed is not None,
            "has_notice": noticed is not None,
            "in_order": in_order,
            "notice_working_days": notice_days,
            "filed_with": str(filing.data["with"]) if filing is not None else "",
            "filed_with_supervising_unit": filing is not None
            and str(filing.data["with"]) == supervising,
            "decision_basis": str(decision.data["basis"]) if decision is not None else "",
        },
        context={
            "closed": closed.isoformat(),
            "filed_with_name": ctx.banner.unit_name(str(filing.data["with"])) if filing else "无",
            "decided": decided.isoformat() if decided else "无",
            "filed": filed.isoformat() if filed else "无",
            "notice_start": noticed.isoformat() if noticed else "无",
            "notice_end": notice_end or "无",
            "supervising_unit": str(supervising or ""),
            "supervising_name": ctx.banner.unit_name(str(supervising)) if supervising else "",
        },
        uncounted={"notice_working_days": missing} if missing else {},
    )


@violation_values("closure")
def closure_deadline(ctx: Context, fact: Fact, parameters: Mapping[str, Any]) -> dict[str, str]:
    """For a closure judged with ``min_notice_working_days``: the earliest lawful closure
    date given the notice's publication day, and the last day the notice must still run."""
    needed = parameters.get("min_notice_working_days")
    start = fact.context.get("notice_start", "无")
    if not isinstance(needed, int) or start == "无":
        return {}
    try:
        first = earliest_closure(ctx.calendar, parse_date(start), needed)
    except InputError as exc:  # the notice period runs into a year no calendar covers
        unknown = f"无法推算({exc.message};补充 {exc.path} 后即可推算)"
        return {"earliest_closure": unknown, "notice_needed_until": unknown}
    return {
        "earliest_closure": first.isoformat(),
        "notice_needed_until": (first - timedelta(days=1)).isoformat(),
    }


def uncovered(start: date, last: date, periods: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The runs of days in ``start..last`` that no period covers.

    Periods include both ends; ``date.max`` as an end means "still running".
    """
    gaps: list[tuple[date, date]] = []
    cursor = start
    for begin, end in sorted(periods):
        if cursor > last:
            break
        if begin > cursor:
            gaps.append((cursor, min(begin - timedelta(days=1), last)))
        cursor = date.max if end == date.max else max(cursor, end + timedelta(days=1))
    if cursor <= last:
        gaps.append((cursor, last))
    return gaps


def responsible_periods(files: AccountFiles) -> list[tuple[date, date]]:
    """The terms of the account's responsible people (``date.max``: no end recorded);
    ``check`` and ``govmedia due`` read them alike."""
    return [
        (parse_date(e.data["from"]), parse_date(e.data["to"]) if "to" in e.data else date.max)
        for e in files.events_of("responsible")
    ]


RESPONSIBILITY_GAP = declare("responsibility-gap", {"gap_days": int})


@account_fact("responsibility-gap")
def responsibility_gaps(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Runs of active days without a responsible person, from the measures' effective date."""
    last = judged_day(ctx, files)
    if last is None:
        return
    periods = responsible_periods(files)
    for start, end in uncovered(max(files.opened, ctx.judged_from), last, periods):
        yield Fact(
            kind="responsibility-gap",
            key=f"{files.id}/gap/{start.isoformat()}",
            day=start,
            record=files.record,
            where=("name",),
            unit=files.unit,
            account=files.id,
            fields={"gap_days": (end - start).days + 1},
            context={"gap_from": start.isoformat(), "gap_to": end.isoformat()},
        )
