"""Scope and organisation facts (articles 2, 6, 8, 10): who may host, who supervises, who must host."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.banner import AccountFiles, Banner
from engine.errors import InputError
from engine.facts import Context, Fact, FactValue, account_fact, banner_fact, declare, parameter
from engine.facts.accounts import judged_day
from engine.labels import UNIT_TYPE, account_zh, label

# Above every unit id (ids are [a-z0-9-]); the upper end of the last gap between ids.
_AFTER_ALL_IDS = "~"


ACCOUNT_SCOPE = declare("account-scope", {"unit_type": str, "administrative_functions": bool})


@account_fact("account-scope")
def account_scope(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """The host unit's kind, for each account that was active by the check date (its
    platform is art-12's to judge, once)."""
    day = judged_day(ctx, files)
    if day is None:
        return
    unit = ctx.banner.units[files.unit].data
    yield Fact(
        kind="account-scope",
        key=f"{files.id}/unit",
        day=day,
        record=files.record,
        where=("unit",),
        unit=files.unit,
        account=files.id,
        fields={
            "unit_type": str(unit["type"]),
            "administrative_functions": bool(unit.get("administrative_functions", False)),
        },
        context={"unit_type_zh": label(UNIT_TYPE, str(unit["type"]))},
    )


# office_is_internal_body: only for units that list their internal bodies.
UNIT_SUPERVISION = declare(
    "unit-supervision",
    {
        "supervising_office": str,
        "office_is_internal_body": bool,
        "unit_type": str,
        "office_is_office": bool,
    },
    optional={"office_is_internal_body"},
    reads={"art-06": ("office_name_pattern",)},
)


@banner_fact("unit-supervision")
def unit_supervision(ctx: Context) -> Iterator[Fact]:
    """Each unit's named supervising office (article 6), as of the check date."""
    for unit_id, record in ctx.banner.units.items():
        office = str(record.data["supervising_office"]).strip()
        bodies = [str(b) for b in record.data.get("internal_bodies", [])]
        pattern = parameter(ctx, "art-06", "office_name_pattern", ctx.as_of)
        fields: dict[str, FactValue] = {
            "supervising_office": office,
            "unit_type": str(record.data["type"]),
            "office_is_office": not isinstance(pattern, str) or bool(re.search(pattern, office)),
        }
        if bodies:
            fields["office_is_internal_body"] = office in bodies
        yield Fact(
            kind="unit-supervision",
            key=f"{unit_id}/supervising-office",
            day=ctx.as_of,
            record=record,
            where=("supervising_office",),
            unit=unit_id,
            account=None,
            fields=fields,
            context={"internal_bodies": "、".join(bodies) or "未登记"},
        )


UNIT_ID_GAP = declare("unit-id-gap", {"after": str, "before": str})


@banner_fact("unit-id-gap")
def unit_id_gaps(ctx: Context) -> Iterator[Fact]:
    """The gaps between registered unit ids, in sorted order.

    A unit id named by a parameter (the banner's supervising unit) is unregistered
    exactly when it falls strictly inside one of these gaps, so a rule can judge
    "is X registered" by comparing the gap's ends with the parameter.
    """
    ids = sorted(ctx.banner.units)
    if not ids:
        return
    bounds = ["", *ids, _AFTER_ALL_IDS]
    for i in range(len(bounds) - 1):
        after, before = bounds[i], bounds[i + 1]
        # Point at the registered unit next to the gap: the file a clerk would look beside.
        near = ctx.banner.units[before if before != _AFTER_ALL_IDS else after]
        yield Fact(
            kind="unit-id-gap",
            key="banner/unit-registry",
            day=ctx.as_of,
            record=near,
            where=("name",),
            unit=before if before != _AFTER_ALL_IDS else after,
            account=None,
            fields={"after": after, "before": before},
        )


UNIT_OFFICES = declare(
    "unit-offices", {"newmedia_office": str, "website_office": str, "unit_type": str}
)


@banner_fact("unit-offices")
def unit_offices(ctx: Context) -> Iterator[Fact]:
    """The internal body in charge of new media and the one in charge of the website (article 8)."""
    for unit_id, record in ctx.banner.units.items():
        newmedia = record.data.get("newmedia_office")
        website = record.data.get("website_office")
        if newmedia is None or website is None:
            continue
        yield Fact(
            kind="unit-offices",
            key=f"{unit_id}/offices",
            day=ctx.as_of,
            record=record,
            where=("newmedia_office",),
            unit=unit_id,
            account=None,
            fields={
                "unit_type": str(record.data["type"]),
                "newmedia_office": str(newmedia).strip(),
                "website_office": str(website).strip(),
            },
        )


def superiors(banner: Banner, unit_id: str) -> list[str]:
    """The unit's superior units, nearest first, following each unit's ``superior``.

    A chain that comes back to a unit already on it is an input error.
    """
    chain: list[str] = []
    current = unit_id
    while True:
        record = banner.units[current]
        above = record.data.get("superior")
        if above is None:
            return chain
        above = str(above)
        if above == unit_id or above in chain:
            raise InputError(
                f"单位的上级关系成环:{' → '.join([unit_id, *chain, above])}",
                path=record.path,
                line=record.line("superior"),
                hint="superior 写本单位的直接上级单位 id;上级的上级不能是本单位或下级单位。",
            )
        chain.append(above)
        current = above


UNIT_PRESENCE = declare(
    "unit-presence",
    {
        "unit_type": str,
        "administrative_functions": bool,
        "key_sector": bool,
        "classified": bool,
        "public_functions": bool,
        "active_accounts": int,
        "publishes_via_active": bool,
        "publishes_via_superior": bool,
    },
    reads={"art-10": ("key_sectors",)},
)


@banner_fact("unit-presence")
def unit_presence(ctx: Context) -> Iterator[Fact]:
    """Whether a unit has an active account on the check date, or publishes via an active
    account of one of its superior units (art. 10)."""
    active: dict[str, list[str]] = {}
    for files in ctx.banner.accounts.values():
        if files.account is not None and files.active_on(ctx.as_of):
            active.setdefault(files.unit, []).append(files.id)
    # The sectors art 10 names (经济发展、民生问题、社会管理), as its version in force says.
    key_sectors = set(parameter(ctx, "art-10", "key_sectors", ctx.as_of) or ())
    for unit_id, record in ctx.banner.units.items():
        data = record.data
        via_id = data.get("publishes_via")
        via = ctx.banner.accounts.get(str(via_id)) if via_id else None
        via_active = via is not None and via.account is not None and via.active_on(ctx.as_of)
        above = superiors(ctx.banner, unit_id)  # also catches a cycle of superiors
        via_superior = via is not None and via.unit in above
        named = (
            account_zh(str(via.record.data["platform"]), str(via.record.data["name"]), via.id)
            if via is not None and via.account is not None
            else str(via_id)
        )
        if via is None:
            via_text = "未登记"
        elif not via_superior:
            via_text = f"{named},属于「{ctx.banner.unit_name(via.unit)}」,不是本单位的上级单位"
        elif not via_active:
            via_text = f"{named},检查日不在运行"
        else:
            via_text = named
        yield Fact(
            kind="unit-presence",
            key=f"{unit_id}/presence",
            day=ctx.as_of,
            record=record,
            where=("sectors",) if "sectors" in data else ("name",),
            unit=unit_id,
            account=None,
            fields={
                "unit_type": str(data["type"]),
                "administrative_functions": bool(data.get("administrative_functions", False)),
                "key_sector": bool(key_sectors & set(data.get("sectors", []))),
                "classified": bool(data.get("classified", False)),
                "public_functions": bool(data.get("public_functions", True)),
                "active_accounts": len(active.get(unit_id, [])),
                "publishes_via_active": via_active,
                "publishes_via_superior": via_superior,
            },
            context={"publishes_via": via_text},
        )
