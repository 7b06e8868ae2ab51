"""Every ``[[cases]]`` example of every rule file in policy/ is a test.

Rules added later are covered automatically: the parametrisation and the
coverage test read policy/ at collection time.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

from engine import cases, policy
from engine.cases import CaseResult

POLICY_DIR = Path(__file__).resolve().parent.parent / "policy"
JUDGED_KINDS = ("checkable", "evidence")


@cache
def _policy() -> policy.Policy:
    return policy.load(POLICY_DIR)


@cache
def _base() -> cases.Base:
    return cases.load_base(POLICY_DIR)


@cache
def _result(rule_id: str, index: int) -> CaseResult:
    rule = _policy().rules[rule_id]
    return cases.run_case(_policy(), rule, rule.cases[index], _base())


def _all_cases() -> list[tuple[str, int, str]]:
    out = []
    for rule in sorted(_policy().rules.values(), key=lambda r: r.article):
        for index, case in enumerate(rule.cases):
            out.append((rule.id, index, f"{rule.id}::{case['name']}"))
    return out


def _versions() -> list[tuple[str, int]]:
    return [
        (rule.id, version.number)
        for rule in sorted(_policy().rules.values(), key=lambda r: r.article)
        if rule.kind in JUDGED_KINDS
        for version in rule.versions
    ]


@pytest.mark.parametrize(
    ("rule_id", "index"), [c[:2] for c in _all_cases()], ids=[c[2] for c in _all_cases()]
)
def test_case(rule_id: str, index: int) -> None:
    result = _result(rule_id, index)
    assert result.passed, result.explain()


def test_case_names_are_unique_per_rule() -> None:
    ids = [c[2] for c in _all_cases()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_expectations_name_the_cases_own_rule() -> None:
    for rule in _policy().rules.values():
        for case in rule.cases:
            for entry in case["expect"]:
                assert entry.startswith(rule.id + "/"), (rule.id, case["name"], entry)
                check = entry.split("/", 1)[1].split("@")[0]
                known = {c.id for v in rule.versions for c in v.checks}
                assert check in known, (rule.id, case["name"], entry)


def test_base_has_no_violation_at_its_as_of() -> None:
    from engine import snapshot
    from engine.cache import Cache
    from engine.evaluate import evaluate

    base = _base()
    assert base.records, "policy/cases-base.toml has no records"
    with tempfile.TemporaryDirectory() as tmp:
        cases.materialise(Path(tmp), base.records)
        result = evaluate(snapshot.from_worktree(Path(tmp)), _policy(), base.as_of, Cache(None))
    assert [f"{v.check_id} {v.path}:{v.line} {v.message}" for v in result.violations] == []
    # The base is not vacuous: it has posts, weeks and a closure to judge.
    assert {"post", "account-week", "closure"} <= set(result.facts)


@pytest.mark.parametrize(
    ("rule_id", "number"), _versions(), ids=[f"{r}@{n}" for r, n in _versions()]
)
def test_every_version_has_a_passing_and_a_failing_case(rule_id: str, number: int) -> None:
    rule = _policy().rules[rule_id]
    results = [_result(rule_id, i) for i in range(len(rule.cases))]
    passing, failing = cases.coverage(rule, results)[number]
    assert passing, f"{rule_id} 第 {number} 版没有「不违规」的用例(expect = [] 且由该版评判)"
    assert failing, f"{rule_id} 第 {number} 版没有「违规」的用例(expect 非空且由该版评判)"


def test_every_check_has_a_failing_case() -> None:
    missing = []
    for rule in _policy().rules.values():
        if rule.kind not in JUDGED_KINDS:
            continue
        hit = {e.split("@")[0] for case in rule.cases for e in case["expect"]}
        missing += [
            f"{rule.id}/{c.id}"
            for v in rule.versions
            for c in v.checks
            if f"{rule.id}/{c.id}" not in hit
        ]
    assert not missing, f"这些检查没有违规用例: {sorted(set(missing))}"


def test_a_wrong_expectation_fails() -> None:
    """The runner can fail: a violation expected of the clean base is reported missing."""
    rule = _policy().rules["art-13"]
    wrong = {
        "name": "错误的预期",
        "as_of": "2021-01-17",
        "expect": ["art-13/no-notice"],
        "records": {},
    }
    result = cases.run_case(_policy(), rule, wrong, _base())
    assert not result.passed
    assert result.actual == []
    assert "预期" in result.explain()


def test_version_suffix_is_compared() -> None:
    rule = _policy().rules["art-13"]
    case = {
        "name": "版本号不符",
        "as_of": "2021-01-17",
        "expect": ["art-13/no-filing@2"],
        "remove": ["accounts/wb-old/events/filing.toml"],
        "records": {},
    }
    assert not cases.run_case(_policy(), rule, case, _base()).passed
    case["expect"] = ["art-13/no-filing@1"]
    assert cases.run_case(_policy(), rule, case, _base()).passed
    case["expect"] = ["art-13/no-filing"]
    assert cases.run_case(_policy(), rule, case, _base()).passed


def test_bad_case_records_are_reported() -> None:
    rule = _policy().rules["art-13"]
    case = {
        "name": "坏记录",
        "as_of": "2021-01-17",
        "expect": [],
        "remove": ["nope.toml"],
        "records": {},
    }
    result = cases.run_case(_policy(), rule, case, _base())
    assert not result.passed and "remove" in result.error
    case = {
        "name": "坏记录",
        "as_of": "2021-01-17",
        "expect": [],
        "records": {"accounts/wb-old/events/closure.toml": 'type = "closure"\n'},
    }
    result = cases.run_case(_policy(), rule, case, _base())
    assert not result.passed and "closure.toml" in result.error


def test_run_all_reads_a_directory(tmp_path: Path) -> None:
    import shutil

    # art-13 files closures with the supervising unit art-06 names.
    for name in ("art-06.toml", "art-13.toml", "art-25.toml", "cases-base.toml"):
        shutil.copy(POLICY_DIR / name, tmp_path / name)
    results = cases.run_all(tmp_path)
    assert [r.id for r in results] == [
        f"{rule}::{c['name']}" for rule in ("art-06", "art-13") for c in _policy().rules[rule].cases
    ]
    assert all(r.passed for r in results), [r.explain() for r in results if not r.passed]
