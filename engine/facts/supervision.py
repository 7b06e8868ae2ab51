"""Supervision facts (articles 23, 24): rectification orders and ordered closures against deadlines."""

from __future__ import annotations

from collections.abc import Iterator

from engine.facts import Context, Fact, banner_fact
from engine.records import Record
from engine.timeutil import parse_date


def _unit_of(ctx: Context, record: Record) -> str:
    unit = record.data.get("unit")
    if unit:
        return str(unit)
    return ctx.banner.accounts[str(record.data["account"])].unit


@banner_fact("rectification")
def rectifications(ctx: Context) -> Iterator[Fact]:
    """Each rectification order issued by the check date.

    ``days_late`` is the number of days from the deadline to the closing day, or to
    the check date while the order is open; zero or less means still in time.
    """
    for record in ctx.banner.supervision:
        data = record.data
        if data["type"] != "rectification-order":
            continue
        issued = parse_date(data["issued"])
        if issued > ctx.as_of:
            continue
        deadline = parse_date(data["deadline"])
        closed = parse_date(data["closed"]) if "closed" in data else None
        if closed is not None and closed > ctx.as_of:
            closed = None  # not yet closed as of the check date
        end = closed if closed is not None else ctx.as_of
        yield Fact(
            kind="rectification",
            key=f"rectification/{record.path.rsplit('/', 1)[-1]}",
            day=deadline,
            record=record,
            where=("closed",) if closed is not None else ("deadline",),
            unit=_unit_of(ctx, record),
            account=str(data["account"]) if "account" in data else None,
            fields={"closed": closed is not None, "days_late": (end - deadline).days},
            context={
                "issue": str(data["issue"]),
                "issued": issued.isoformat(),
                "deadline": deadline.isoformat(),
                "closed_on": closed.isoformat() if closed else "未完成",
            },
        )


@banner_fact("ordered-closure")
def ordered_closures(ctx: Context) -> Iterator[Fact]:
    """Each order to close an account (责令关闭) made by the check date, against the account's closure.

    ``days_late`` counts from the deadline to the closure date, or to the check date
    while the account is still open.
    """
    for record in ctx.banner.supervision:
        data = record.data
        if data["type"] != "sanction" or data["measure"] != "ordered-closure":
            continue
        ordered = parse_date(data["date"])
        if ordered > ctx.as_of:
            continue
        files = ctx.banner.accounts[str(data["account"])]
        deadline = parse_date(data["deadline"])
        closed = files.closed_on
        if closed is not None and closed > ctx.as_of:
            closed = None
        end = closed if closed is not None else ctx.as_of
        yield Fact(
            kind="ordered-closure",
            key=f"ordered-closure/{record.path.rsplit('/', 1)[-1]}",
            day=deadline,
            record=record,
            where=("deadline",),
            unit=files.unit,
            account=files.id,
            fields={"closed": closed is not None, "days_late": (end - deadline).days},
            context={
                "ordered": ordered.isoformat(),
                "deadline": deadline.isoformat(),
                "closed_on": closed.isoformat() if closed else "未关停",
                "reason": str(data.get("reason", "")) or "未记录",
            },
        )
