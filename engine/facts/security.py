"""Security facts (articles 20, 21): current systems and plans, incidents, data minimisation."""

from __future__ import annotations

from collections.abc import Iterator

from engine import records
from engine.banner import AccountFiles
from engine.facts import Context, Fact, FactValue, account_fact, banner_fact, declare
from engine.facts.accounts import judged_day
from engine.labels import INCIDENT_TYPE, label
from engine.timeutil import parse_date

# Evidence types of the schema (engine/schemas/evidence.schema.json); rules pick the required ones.
EVIDENCE_TYPES = tuple(str(t) for t in records.schema("evidence")["properties"]["type"]["enum"])


# age_days: only when the unit has a record of that type.
UNIT_EVIDENCE = declare(
    "unit-evidence", {"type": str, "has_record": bool, "age_days": int}, optional={"age_days"}
)


@banner_fact("unit-evidence")
def unit_evidence(ctx: Context) -> Iterator[Fact]:
    """Per unit hosting an account active on the check date and per evidence type: its freshness.

    ``age_days`` is the number of days from the latest adoption or review on or before
    the check date to the check date; the field is absent when there is no such record.
    """
    hosts = sorted(
        {
            f.unit
            for f in ctx.banner.accounts.values()
            if f.account is not None and f.active_on(ctx.as_of)
        }
    )
    for unit_id in hosts:
        unit = ctx.banner.units[unit_id]
        items = ctx.banner.evidence.get(unit_id, [])
        for kind in EVIDENCE_TYPES:
            latest = None
            latest_record = None
            for record in items:
                if record.data["type"] != kind:
                    continue
                dates = [parse_date(record.data["adopted"])]
                if "reviewed" in record.data:
                    dates.append(parse_date(record.data["reviewed"]))
                known = [d for d in dates if d <= ctx.as_of]
                if known and (latest is None or max(known) > latest):
                    latest, latest_record = max(known), record
            fields: dict[str, FactValue] = {"type": kind, "has_record": latest is not None}
            context = {"last_dated": "无"}
            if latest is not None and latest_record is not None:
                fields["age_days"] = (ctx.as_of - latest).days
                context = {
                    "last_dated": latest.isoformat(),
                    "document": str(latest_record.data["document"]),
                }
            yield Fact(
                kind="unit-evidence",
                key=f"{unit_id}/evidence/{kind}",
                day=ctx.as_of,
                record=latest_record or unit,
                where=("adopted",) if latest_record is not None else ("name",),
                unit=unit_id,
                account=None,
                fields=fields,
                context=context,
            )


INCIDENT = declare("incident", {"incident_kind": str})


@account_fact("incident")
def incidents(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Each recorded security incident of the account up to the check date."""
    for event in files.events_of("incident"):
        day = parse_date(event.data["date"])
        if day > ctx.as_of:
            continue
        yield Fact(
            kind="incident",
            key=f"{files.id}/incident/{day.isoformat()}/{event.path.rsplit('/', 1)[-1]}",
            day=day,
            record=event,
            where=("kind",),
            unit=files.unit,
            account=files.id,
            fields={"incident_kind": str(event.data["kind"])},
            context={
                "description": str(event.data["description"]),
                "incident_date": day.isoformat(),
                "incident_kind_zh": label(INCIDENT_TYPE, str(event.data["kind"])),
            },
        )


DATA_COLLECTION = declare("data-collection", {"collected_items": int, "excess_items": int})


@account_fact("data-collection")
def data_collection(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Personal data items an account collects beyond those its service needs."""
    data = files.record.data
    if "collects" not in data:
        return
    day = judged_day(ctx, files)
    if day is None:
        return
    needs = {str(x).strip() for x in data.get("needs", [])}
    excess = [str(x) for x in data["collects"] if str(x).strip() not in needs]
    yield Fact(
        kind="data-collection",
        key=f"{files.id}/data-collection",
        day=day,
        record=files.record,
        where=("collects",),
        unit=files.unit,
        account=files.id,
        fields={"collected_items": len(data["collects"]), "excess_items": len(excess)},
        context={"excess": "、".join(excess) or "无"},
    )
