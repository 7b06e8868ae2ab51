"""engine/facts/security.py: current systems and plans, incidents, data minimisation."""

from __future__ import annotations

from datetime import date

from factkit import account, account_facts, banner_facts, base

from engine.facts.security import EVIDENCE_TYPES, data_collection, incidents, unit_evidence

AS_OF = date(2021, 1, 17)


def _evidence(kind: str, adopted: str, reviewed: str = "") -> str:
    text = f'type = "{kind}"\nadopted = {adopted}\ndocument = "某某〔2020〕1号"\n'
    return text + (f"reviewed = {reviewed}\n" if reviewed else "")


def test_evidence_age_is_from_the_latest_date_known_by_the_check_date() -> None:
    files = base(
        **{
            "units/zwfwj/evidence/a.toml": _evidence("security-system", "2020-01-01", "2021-01-07"),
            "units/zwfwj/evidence/b.toml": _evidence("security-system", "2020-06-01", "2021-02-01"),
            "units/zwfwj/evidence/c.toml": _evidence("emergency-plan", "2021-02-01"),
        }
    )
    facts = {f.fields["type"]: f for f in banner_facts(unit_evidence, files, AS_OF)}
    assert list(facts) == list(EVIDENCE_TYPES)
    assert facts["security-system"].fields == {
        "type": "security-system",
        "has_record": True,
        "age_days": 10,  # reviewed 2021-01-07; b's review comes after the check date
    }
    assert facts["security-system"].record.path.endswith("/a.toml")
    assert facts["emergency-plan"].fields == {"type": "emergency-plan", "has_record": False}


def test_evidence_only_for_units_hosting_an_active_account() -> None:
    assert banner_facts(unit_evidence, base(), date(2021, 1, 3)) == []


def test_incidents_up_to_the_check_date() -> None:
    files = base(
        **{
            "accounts/wx/events/i1.toml": 'type = "incident"\ndate = 2021-01-10\nkind = "account-hijack"\ndescription = "被盗"\n',
            "accounts/wx/events/i2.toml": 'type = "incident"\ndate = 2021-01-20\nkind = "other"\ndescription = "以后"\n',
        }
    )
    (fact,) = account_facts(incidents, files, AS_OF)
    assert fact.fields == {"incident_kind": "account-hijack"}
    assert fact.context["incident_kind_zh"] == "账号被盗用"


def test_data_collection_counts_items_beyond_need() -> None:
    files = base(
        **{
            "accounts/wx/account.toml": account(
                collects='["姓名", "手机号", "身份证号"]', needs='["姓名", " 手机号 "]'
            )
        }
    )
    (fact,) = account_facts(data_collection, files, AS_OF)
    assert fact.fields == {"collected_items": 3, "excess_items": 1}
    assert fact.context["excess"] == "身份证号"
    assert account_facts(data_collection, base(), AS_OF) == []
