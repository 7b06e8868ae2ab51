"""Banner-level facts: what only shows across accounts (accounts per unit and platform)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from engine.banner import AccountFiles
from engine.facts import Context, Fact, banner_fact, declare

UNIT_PLATFORM = declare("unit-platform", {"platform": str, "active_accounts": int})


@banner_fact("unit-platform")
def unit_platforms(ctx: Context) -> Iterator[Fact]:
    """Accounts active on the check date, counted per (unit, platform)."""
    groups: dict[tuple[str, str], list[AccountFiles]] = defaultdict(list)
    for files in ctx.banner.accounts.values():
        if files.active_on(ctx.as_of):
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
            context={"accounts": "、".join(str(m.record.data["name"]) for m in members)},
        )
