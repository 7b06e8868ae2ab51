"""Banner-level facts: what only shows across accounts (accounts per unit and platform)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from engine.banner import AccountFiles
from engine.facts import Context, Fact, banner_fact, declare, parameter
from engine.labels import account_zh, platform_zh
from engine.timeutil import parse_date


def closing_on(files: AccountFiles, day: date) -> bool:
    """Whether the account is running its closure procedure on ``day``: its closure notice
    has been published (on or before ``day``) and a closure after ``day`` is recorded."""
    closed = files.closed_on
    if closed is None or closed <= day:
        return False
    return any(parse_date(e.data["start"]) <= day for e in files.events_of("notice"))


UNIT_PLATFORM = declare(
    "unit-platform",
    {"platform": str, "active_accounts": int},
    reads={"art-13": ("min_notice_working_days",)},
)


@banner_fact("unit-platform")
def unit_platforms(ctx: Context) -> Iterator[Fact]:
    """Accounts active on the check date, counted per (unit, platform).

    An account whose closure procedure is running (``closing_on``) is not counted: art 13
    makes it stay open for its notice period, so a successor opened meanwhile (a
    migration) is not a second account (policy/art-11.toml, choices).
    """
    groups: dict[tuple[str, str], list[AccountFiles]] = defaultdict(list)
    for files in ctx.banner.accounts.values():
        if files.active_on(ctx.as_of) and not closing_on(files, ctx.as_of):
            groups[(files.unit, str(files.record.data["platform"]))].append(files)
    for (unit, platform), members in sorted(groups.items()):
        members.sort(key=lambda f: (f.opened, f.id))
        newest = members[-1]
        yield Fact(
            kind="unit-platform",
            key=f"{unit}/platform/{platform}",
            day=ctx.as_of,
            record=newest.record,
            where=("platform",),
            unit=unit,
            account=newest.id,
            fields={"platform": platform, "active_accounts": len(members)},
            context={
                "accounts": "、".join(
                    account_zh(platform, str(m.record.data["name"]), m.id) for m in members
                ),
                "platform_name": platform_zh(platform),
                # The notice period art 13 asks of the accounts to close (art 11's hint).
                "min_notice_working_days": str(
                    parameter(ctx, "art-13", "min_notice_working_days", ctx.as_of) or ""
                ),
            },
        )
