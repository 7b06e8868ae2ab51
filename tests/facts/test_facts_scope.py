"""engine/facts/scope.py: who may host, who supervises, who must have a presence."""

from __future__ import annotations

from datetime import date

import pytest
from factkit import UNIT, account, account_facts, banner_facts, base

from engine.errors import InputError
from engine.facts.scope import (
    account_scope,
    unit_id_gaps,
    unit_offices,
    unit_presence,
    unit_supervision,
)

AS_OF = date(2021, 1, 17)
TOWN = 'name = "测试镇人民政府"\ntype = "town"\nsupervising_office = "综治办"\nsuperior = "zwfwj"\n'


def test_account_scope_yields_the_unit_only() -> None:
    files = base(**{"units/zwfwj/unit.toml": UNIT.replace("department", "institution")
                    + "administrative_functions = true\n"})  # fmt: skip
    # The platform is art-12's to judge, once: art-02 no longer reports it again.
    [scope] = account_facts(account_scope, files, AS_OF)
    assert (scope.kind, scope.fields) == (
        "account-scope",
        {"unit_type": "institution", "administrative_functions": True},
    )


def test_supervising_office_is_judged_against_internal_bodies_only_when_listed() -> None:
    office = TOWN.replace("测试镇", "乙镇").replace("综治办", "党政综合办公室")
    files = base(
        **{
            "units/xiaozhen/unit.toml": TOWN + 'internal_bodies = ["党政综合办公室"]\n',
            "units/yizhen/unit.toml": office + 'internal_bodies = ["党政综合办公室"]\n',
        }
    )
    by_unit = {f.unit: f.fields for f in banner_facts(unit_supervision, files, AS_OF)}
    # office_is_office: the name ends in 办公室 (art-06's office_name_pattern).
    assert by_unit == {
        "xiaozhen": {
            "supervising_office": "综治办",
            "unit_type": "town",
            "office_is_office": False,
            "office_is_internal_body": False,
        },
        "yizhen": {
            "supervising_office": "党政综合办公室",
            "unit_type": "town",
            "office_is_office": True,
            "office_is_internal_body": True,
        },
        "zwfwj": {
            "supervising_office": "办公室",
            "unit_type": "department",
            "office_is_office": True,
        },
    }


def test_unit_id_gaps_bracket_the_registered_ids() -> None:
    files = base(**{"units/xiaozhen/unit.toml": TOWN})
    gaps = [
        (f.fields["after"], f.fields["before"]) for f in banner_facts(unit_id_gaps, files, AS_OF)
    ]
    assert gaps == [("", "xiaozhen"), ("xiaozhen", "zwfwj"), ("zwfwj", "~")]


def test_unit_offices_only_when_both_are_recorded() -> None:
    files = base(
        **{
            "units/zwfwj/unit.toml": UNIT
            + 'website_office = "信息中心"\nnewmedia_office = " 办公室 "\n',
            "units/xiaozhen/unit.toml": TOWN + 'website_office = "综治办"\n',
        }
    )
    (fact,) = banner_facts(unit_offices, files, AS_OF)
    assert (fact.unit, fact.fields) == (
        "zwfwj",
        {"unit_type": "department", "newmedia_office": "办公室", "website_office": "信息中心"},
    )
    # The unit's type is recorded so that art-08 judges only 苏木镇 and 旗直部门.
    files["units/xiaozhen/unit.toml"] = (
        TOWN.replace("town", "institution")
        + 'website_office = "综治办"\nnewmedia_office = "综治办"\n'
    )
    by_unit = {f.unit: f.fields["unit_type"] for f in banner_facts(unit_offices, files, AS_OF)}
    assert by_unit == {"xiaozhen": "institution", "zwfwj": "department"}


def test_presence_through_a_superior_units_active_account() -> None:
    files = base(
        **{
            "units/xiaozhen/unit.toml": TOWN + 'publishes_via = "wx"\nsectors = ["economy"]\n',
        }
    )
    by_unit = {f.unit: f.fields for f in banner_facts(unit_presence, files, AS_OF)}
    assert by_unit["xiaozhen"]["publishes_via_active"] is True
    assert by_unit["xiaozhen"]["publishes_via_superior"] is True
    assert by_unit["xiaozhen"]["active_accounts"] == 0
    assert by_unit["xiaozhen"]["key_sector"] is True
    assert by_unit["zwfwj"]["active_accounts"] == 1
    assert by_unit["zwfwj"]["key_sector"] is False
    # Before the account opened it is not active.
    early = {f.unit: f.fields for f in banner_facts(unit_presence, files, date(2021, 1, 3))}
    assert early["xiaozhen"]["publishes_via_active"] is False


def test_a_cycle_of_superiors_is_an_input_error() -> None:
    files = base(
        **{
            "units/zwfwj/unit.toml": UNIT + 'superior = "xiaozhen"\n',
            "units/xiaozhen/unit.toml": TOWN,
            "accounts/wx/account.toml": account(),
        }
    )
    with pytest.raises(InputError, match="成环"):
        banner_facts(unit_presence, files, AS_OF)
