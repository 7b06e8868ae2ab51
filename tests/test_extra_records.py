"""The record kinds of articles 18, 20, 23 and 24: messages, evidence, supervision.

Bad records are input errors (exit 2, file:line, a hint); private fields stay out of
the public report; a supervision record invalidates cached results when it changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_AS_OF, base_records, run_cli
from signing import commit, signed_repo

MESSAGES = "accounts/wx-test/messages/2021-01.toml"
ORDER = "supervision/2021-01-05-xiaozhen.toml"


@pytest.mark.parametrize(
    ("rel", "text", "where", "says"),
    [
        (
            MESSAGES,
            '[[message]]\nreceived = 2021-02-05T10:00:00\ntopic = "x"\n',
            f"records/{MESSAGES}:2",
            "不在本文件的月份",
        ),
        (
            MESSAGES,
            '[[message]]\nreceived = 2021-01-05T10:00:00\ntopic = "x"\n'
            "answered = 2021-01-04T10:00:00\n",
            f"records/{MESSAGES}:4",
            "早于收到留言的时间",
        ),
        (
            MESSAGES,
            "[[message]]\nreceived = 2021-01-05T10:00:00\n",
            f"records/{MESSAGES}:1",
            "topic",
        ),
        (
            "units/nowhere/evidence/plan.toml",
            'type = "emergency-plan"\nadopted = 2020-10-01\ndocument = "x"\n',
            "records/units/nowhere/evidence/plan.toml",
            "缺少 unit.toml",
        ),
        (
            "units/xiaozhen/evidence/plan.toml",
            'type = "emergency-plan"\nadopted = 2020-10-01\nreviewed = 2020-09-01\ndocument = "x"\n',
            "records/units/xiaozhen/evidence/plan.toml:3",
            "早于印发日期",
        ),
        (
            "units/xiaozhen/evidence/plan.toml",
            'type = "fire-drill"\nadopted = 2020-10-01\ndocument = "x"\n',
            "records/units/xiaozhen/evidence/plan.toml:1",
            "不在允许的取值中",
        ),
        (
            ORDER,
            'type = "rectification-order"\nunit = "nowhere"\nissued = 2021-01-05\n'
            'deadline = 2021-01-12\nissue = "x"\n',
            f"records/{ORDER}:2",
            "单位「nowhere」不存在",
        ),
        (
            ORDER,
            'type = "rectification-order"\nunit = "zwfwj"\naccount = "wx-test"\n'
            'issued = 2021-01-05\ndeadline = 2021-01-12\nissue = "x"\n',
            f"records/{ORDER}:2",
            "主办单位是「xiaozhen」",
        ),
        (
            ORDER,
            'type = "rectification-order"\nunit = "xiaozhen"\nissued = 2021-01-05\n'
            'deadline = 2021-01-04\nissue = "x"\n',
            f"records/{ORDER}:4",
            "早于 issued",
        ),
        (
            ORDER,
            'type = "sanction"\nmeasure = "ordered-closure"\naccount = "wx-nowhere"\ndate = 2021-01-05\n'
            "deadline = 2021-01-12\n",
            f"records/{ORDER}:3",
            "账号「wx-nowhere」不存在",
        ),
        (
            ORDER,
            'type = "sanction"\nmeasure = "ordered-closure"\naccount = "wx-test"\ndate = 2021-01-05\n',
            f"records/{ORDER}:1",
            "deadline",
        ),
        (
            "accounts/wx-test/posts/2021-01.toml",
            '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "x"\ncategory = "routine"\n'
            'concerns_units = ["nowhere"]\n',
            "records/accounts/wx-test/posts/2021-01.toml:5",
            "单位「nowhere」不存在",
        ),
    ],
    ids=[
        "message-in-wrong-month",
        "answered-before-received",
        "message-without-topic",
        "evidence-of-unknown-unit",
        "reviewed-before-adopted",
        "unknown-evidence-type",
        "order-for-unknown-unit",
        "order-unit-and-account-disagree",
        "deadline-before-issued",
        "sanction-of-unknown-account",
        "ordered-closure-without-deadline",
        "post-concerns-unknown-unit",
    ],
)
def test_bad_record(
    records_repo: Callable[..., Path], rel: str, text: str, where: str, says: str
) -> None:
    root = records_repo({rel: text}, commit=False)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache")
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert where in out.stderr, out.stderr
    assert says in out.stderr, out.stderr


def test_private_fields_stay_out_of_the_report(records_repo: Callable[..., Path]) -> None:
    root = records_repo(
        {
            MESSAGES: '[[message]]\nreceived = 2021-01-05T10:00:00\ntopic = "咨询取暖补贴"\n'
            'asker = "留言人甲乙"\ncontact = "13912345678"\n',
            "accounts/wx-test/account.toml": 'unit = "xiaozhen"\nname = "测试镇发布"\n'
            'platform = "wechat-official"\ncertification = "测试镇人民政府"\nopened = 2021-01-04\n'
            'operated_by = "contractor"\n',
            "accounts/wx-test/events/contract.toml": 'type = "contract"\ncontractor = "测试公司"\n'
            "start = 2021-01-04\nend = 2021-12-31\namount = 987654\n",
        },
        commit=False,
    )
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    rules = {v["rule"] + "/" + v["check"] for v in doc["violations"]}
    assert {"art-18/unanswered", "art-07/no-rights-duties"} <= rules
    for secret in ("留言人甲乙", "13912345678", "987654"):
        assert secret not in out.stdout


def test_changed_supervision_record_is_not_served_from_cache(tmp_path: Path) -> None:
    order = (
        'type = "rectification-order"\nunit = "xiaozhen"\nissued = 2021-01-05\n'
        'deadline = 2021-01-12\nissue = "错别字"\n'
    )
    root = signed_repo(tmp_path / "repo", {**base_records(), ORDER: order})
    env = {"GOVMEDIA_CACHE_DIR": str(tmp_path / "cache")}
    first = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, env=env)
    assert first.returncode == 1 and "逾期" in first.stdout, first.stdout
    (root / "records" / ORDER).write_text(order + "closed = 2021-01-12\n", encoding="utf-8")
    commit(root, "销号", "zwfwj-key")
    second = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, env=env)
    assert "逾期" not in second.stdout, second.stdout
    assert second.returncode == 0, second.stdout
