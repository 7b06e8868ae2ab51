"""Words a clerk understands (issue 11, section 4): no raw ids or field names in the
Chinese messages of violations, and periods read the way people say them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from engine import cases, labels, policy
from engine.violations import Violation

POLICY_DIR = Path(__file__).resolve().parent.parent / "policy"
# Every id a record uses for an enum value: none may stand in a sentence by itself.
IDS = sorted(
    {
        *labels.PLATFORM, *labels.UNIT_TYPE, *labels.CATEGORY, *labels.VALUE, *labels.SECTOR,
        *labels.EVENT_TYPE, *labels.EVIDENCE_TYPE, *labels.INCIDENT_TYPE, *labels.MEASURE,
    },
    key=len,
    reverse=True,
)  # fmt: skip
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Text a clerk wrote (titles, names, descriptions), and an id alone in brackets after the
# Chinese term (平台·名称(wx-test), 企业(enterprise)): where a clerk edits a file.
QUOTED = re.compile(r"「[^」]*」|“[^”]*”|[((][a-z0-9][a-z0-9-]*[))]")


@cache
def _violations() -> list[Violation]:
    rulebook = policy.load(POLICY_DIR)
    base = cases.load_base(POLICY_DIR)
    found: list[Violation] = []
    for rule in rulebook.rules.values():
        for case in rule.cases:
            if case.get("expect"):
                found.extend(cases.run_case(rulebook, rule, case, base).violations)
    return found


def test_the_check_itself_catches_raw_ids() -> None:
    for before in (
        "类别 policy",
        "平台 wechat-official",
        "(publishes_via:未登记)",
        "(purpose = event)",
    ):
        plain = QUOTED.sub("", before)
        assert FIELD_NAME.search(plain) or any(
            re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", plain) for i in IDS
        ), before


def test_the_cases_give_messages_to_read() -> None:
    assert len({v.check_id for v in _violations()}) > 40


@pytest.mark.parametrize("lang", ["zh"])
def test_no_raw_ids_or_field_names_in_chinese_messages(lang: str) -> None:
    bad = []
    for v in _violations():
        plain = QUOTED.sub("", v.message)
        words = [i for i in IDS if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", plain)]
        if words or FIELD_NAME.search(plain) or "{" in v.message:
            bad.append(f"{v.check_id}: {v.message}")
    assert not bad, "\n".join(bad)


def _messages(check: str) -> list[str]:
    return [v.message for v in _violations() if v.check_id == check]


def test_one_week_reads_this_week_and_several_read_consecutive() -> None:
    weeks = _messages("art-15/weekly-update")
    assert any("这一周未达到" in m for m in weeks), weeks
    assert any("连续 2 周未达到" in m for m in weeks), weeks
    assert not any("连续 1 周" in m for m in weeks), weeks


def test_one_day_gap_reads_that_day() -> None:
    gaps = _messages("art-07/no-contract")
    assert any(re.search(r"\d{4}-\d{2}-\d{2} 当天没有生效的委托合同", m) for m in gaps), gaps
    assert not any("共 1 天" in m for m in gaps), gaps


def test_platform_list_is_the_rulebooks_and_says_whom_to_ask() -> None:
    rulebook = policy.load(POLICY_DIR)
    (check,) = [
        c for c in rulebook.rules["art-12"].versions[-1].checks if c.id == "unapproved-platform"
    ]
    assert "核准平台名单" not in check.message
    assert "本规则集" in check.message and "旗政务服务局" in check.hint
    assert any(
        "哔哩哔哩" in m or "小红书" in m or "平台「" in m
        for m in _messages("art-12/unapproved-platform")
    )


def test_account_compromised_states_the_duty_not_fault() -> None:
    (message,) = _messages("art-20/account-compromised")
    assert "不到位" not in message
    assert "第二十条要求" in message and "应急预案" in message
