"""engine/facts/units.py: accounts active on the check date, per unit and platform."""

from __future__ import annotations

from datetime import date

from factkit import account, banner_facts, base

from engine.facts.units import unit_platforms


def test_active_accounts_per_unit_and_platform() -> None:
    files = base(
        **{
            "accounts/wx2/account.toml": account(opened="2021-01-06"),
            "accounts/wb/account.toml": account(platform="weibo"),
            "accounts/wx3/account.toml": account(opened="2020-12-01"),
            "accounts/wx3/events/closure.toml": 'type = "closure"\ndate = 2021-01-10\n',
        }
    )
    facts = banner_facts(unit_platforms, files, date(2021, 1, 17))
    assert [(f.key, f.fields["active_accounts"], f.account) for f in facts] == [
        ("zwfwj/platform/wechat-official", 2, "wx2"),  # the newest account is cited
        ("zwfwj/platform/weibo", 1, "wb"),
    ]
