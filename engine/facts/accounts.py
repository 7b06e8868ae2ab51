"""Account-level facts: the account itself, its closure timeline, its responsible people."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from engine.banner import AccountFiles
from engine.facts import Context, Fact, account_fact, count_working_days
from engine.timeutil import parse_date


def judged_day(ctx: Context, files: AccountFiles) -> date | None:
    """The last day the account is active up to the check date; None if never active by then."""
    closed = files.closed_on
    last = ctx.as_of if closed is None else min(ctx.as_of, closed - timedelta(days=1))
    return last if last >= files.opened else None


def _internal_body_in_name(name: str, bodies: list[str]) -> str:
    for body in sorted(bodies, key=len, reverse=True):
        if len(body) >= 2 and body in name:
            return body
    return ""


@account_fact("account")
def account_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    day = judged_day(ctx, files)
    if day is None:
        return
    data = files.record.data
    unit = ctx.banner.units[files.unit].data
    certification = str(data.get("certification", ""))
    body = _internal_body_in_name(str(data["name"]), list(unit.get("internal_bodies", [])))
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
        context={"certification": certification},
    )


def _latest(files: AccountFiles, kind: str, key: str) -> tuple[date | None, object]:
    events = files.events_of(kind)
    if not events:
        return None, None
    event = max(events, key=lambda e: str(e.data[key]))
    return parse_date(event.data[key]), event


@account_fact("closure")
def closure_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    closure = files.closure
    if closure is None:
        return
    closed = parse_date(closure.data["date"])
    decided, decision = _latest(files, "closure-decision", "date")
    filed, filing = _latest(files, "filing", "date")
    noticed, notice = _latest(files, "notice", "start")
    notice_days = 0
    notice_end = ""
    missing = None
    if noticed is not None and notice is not None:
        end = parse_date(notice.data["end"])  # type: ignore[attr-defined]
        notice_end = end.isoformat()
        last = min(end, closed - timedelta(days=1))
        notice_days, missing = count_working_days(ctx, noticed, last)
    steps = [d for d in (decided, filed, noticed) if d is not None]
    in_order = steps == sorted(steps) and all(d <= closed for d in steps)
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
            "filed_with": str(filing.data["with"]) if filing is not None else "",  # type: ignore[attr-defined]
            "decision_basis": str(decision.data["basis"]) if decision is not None else "",  # type: ignore[attr-defined]
        },
        context={
            "closed": closed.isoformat(),
            "decided": decided.isoformat() if decided else "无",
            "filed": filed.isoformat() if filed else "无",
            "notice_start": noticed.isoformat() if noticed else "无",
            "notice_end": notice_end or "无",
        },
        uncounted={"notice_working_days": missing} if missing else {},
    )


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


@account_fact("responsibility-gap")
def responsibility_gaps(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Runs of active days without a responsible person, from the measures' effective date."""
    last = judged_day(ctx, files)
    if last is None:
        return
    periods = [
        (parse_date(e.data["from"]), parse_date(e.data["to"]) if "to" in e.data else date.max)
        for e in files.events_of("responsible")
    ]
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
