"""Outsourcing facts (article 7): contract coverage of contractor-run accounts, contract terms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from engine.banner import AccountFiles
from engine.facts import Context, Fact, FactValue, account_fact, declare
from engine.facts.accounts import judged_day, uncovered
from engine.timeutil import parse_date

CONTRACT_GAP = declare("contract-gap", {"gap_days": int})


def outsourced_from(files: AccountFiles) -> date:
    """The first day a contractor runs the account: ``outsourced_from``, not before it opened."""
    data = files.record.data
    if "outsourced_from" in data:
        return max(files.opened, parse_date(data["outsourced_from"]))
    return files.opened


def contract_periods(files: AccountFiles) -> list[tuple[date, date]]:
    """The terms of the account's outsourcing contracts; ``check`` and ``govmedia due``
    read them alike."""
    return [
        (parse_date(e.data["start"]), parse_date(e.data["end"]))
        for e in files.events_of("contract")
    ]


@account_fact("contract-gap")
def contract_gaps(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Runs of days a contractor-run account was active without a contract in force."""
    data = files.record.data
    if data.get("operated_by") != "contractor":
        return
    last = judged_day(ctx, files)
    if last is None:
        return
    start = max(outsourced_from(files), ctx.judged_from)
    for begin, end in uncovered(start, last, contract_periods(files)):
        yield Fact(
            kind="contract-gap",
            key=f"{files.id}/contract-gap/{begin.isoformat()}",
            day=begin,
            record=files.record,
            where=("operated_by",),
            unit=files.unit,
            account=files.id,
            fields={"gap_days": (end - begin).days + 1},
            context={"gap_from": begin.isoformat(), "gap_to": end.isoformat()},
        )


# Each signed document: has_<doc> always, <doc>_days_after_start when it was signed.
CONTRACT = declare(
    "contract",
    {
        "rights_duties": bool,
        "has_confidentiality_agreement": bool,
        "confidentiality_agreement_days_after_start": int,
        "has_qualification_review": bool,
        "qualification_review_days_after_start": int,
    },
    optional={
        "confidentiality_agreement_days_after_start",
        "qualification_review_days_after_start",
    },
)


@account_fact("contract")
def contracts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Each operator contract that started by the check date, with its terms measured.

    A contract that began before the measures took effect and was still in force on that
    day is judged from that day (its fact is dated max(start, effective date)): from then
    on, running it without 权责, 保密协议 or 资质审查 is a continuing breach. Its
    agreement and review count as in time if they are dated by that day.
    """
    for event in files.events_of("contract"):
        start = parse_date(event.data["start"])
        if start > ctx.as_of:
            continue
        end = parse_date(event.data["end"])
        # Still in force on the effective date, for an account still open then.
        closed = files.closed_on
        runs_on = end >= ctx.judged_from and (closed is None or closed > ctx.judged_from)
        day = max(start, ctx.judged_from) if runs_on else start
        fields: dict[str, FactValue] = {
            "rights_duties": bool(event.data.get("rights_duties", False))
        }
        context = {
            "contractor": str(event.data["contractor"]),
            "start": start.isoformat(),
            "judged_from": day.isoformat(),
            "end": str(event.data["end"]),
        }
        for key in ("confidentiality_agreement", "qualification_review"):
            fields[f"has_{key}"] = key in event.data
            if key in event.data:
                signed = parse_date(event.data[key])
                fields[f"{key}_days_after_start"] = (signed - day).days
                context[key] = signed.isoformat()
        yield Fact(
            kind="contract",
            key=f"{files.id}/contract/{start.isoformat()}",
            day=day,
            record=event,
            where=("start",),
            unit=files.unit,
            account=files.id,
            fields=fields,
            context=context,
        )
