"""engine/facts/outsourcing.py: contract coverage of contractor-run accounts, contract terms."""

from __future__ import annotations

from datetime import date

from factkit import account, account_facts, base

from engine.facts.outsourcing import contract_gaps, contracts

RUN_BY_CONTRACTOR = account(operated_by='"contractor"')


def _contract(start: str, end: str, extra: str = "") -> str:
    return f'type = "contract"\ncontractor = "某公司"\nstart = {start}\nend = {end}\n{extra}'


def test_a_day_between_two_contracts_is_a_gap() -> None:
    files = base(
        **{
            "accounts/wx/account.toml": RUN_BY_CONTRACTOR,
            "accounts/wx/events/c1.toml": _contract("2021-01-04", "2021-01-31"),
            "accounts/wx/events/c2.toml": _contract("2021-02-02", "2021-12-31"),
        }
    )
    (gap,) = account_facts(contract_gaps, files, date(2021, 2, 10))
    assert (gap.day, gap.fields, gap.context["gap_to"]) == (
        date(2021, 2, 1),
        {"gap_days": 1},
        "2021-02-01",
    )


def test_gaps_start_when_outsourcing_began_and_only_for_contractors() -> None:
    files = base(
        **{
            "accounts/wx/account.toml": account(
                operated_by='"contractor"', outsourced_from="2021-01-11"
            ),
        }
    )
    (gap,) = account_facts(contract_gaps, files, date(2021, 1, 20))
    assert (gap.day, gap.fields["gap_days"]) == (date(2021, 1, 11), 10)
    assert account_facts(contract_gaps, base(), date(2021, 1, 20)) == []


def test_contract_terms() -> None:
    files = base(
        **{
            "accounts/wx/account.toml": RUN_BY_CONTRACTOR,
            "accounts/wx/events/c1.toml": _contract(
                "2021-01-04",
                "2021-12-31",
                "rights_duties = true\nconfidentiality_agreement = 2021-01-08\n",
            ),
            "accounts/wx/events/c2.toml": _contract("2021-02-01", "2021-12-31"),
        }
    )
    facts = account_facts(contracts, files, date(2021, 1, 17))
    assert len(facts) == 1  # the second contract starts after the check date
    assert facts[0].fields == {
        "rights_duties": True,
        "has_confidentiality_agreement": True,
        "confidentiality_agreement_days_after_start": 4,
        "has_qualification_review": False,
    }
