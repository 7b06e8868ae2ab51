"""Waivers: a supervisor's dated permission hides one violation until it expires."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import BASE_AS_OF, base_records, write_records
from signing import commit, signed_repo

from engine.cli import main

POSTS = "accounts/wx-test/posts/2021-01.toml"
AD_POSTS = """
[[post]]
published = 2021-01-05T10:00:00
title = "测试镇开展冬季防火宣传"
category = "routine"
[[post.review]]
level = 1
at = 2021-01-05T09:00:00

[[post]]
published = 2021-01-12T10:00:00
title = "测试镇特色牛肉干展销(含购买链接)"
category = "routine"
ad = true
[[post.review]]
level = 1
at = 2021-01-12T09:00:00
"""
WAIVER = "waivers/2021-01-ad.toml"


def waiver(**fields: str) -> str:
    values = {
        "rule": '"art-15/commercial-ad"',
        "target": f'"records/{POSTS}"',
        "reason": '"旗农牧局组织的公益性助农展销,经旗政务服务局同意临时发布"',
        "approved_by": '"zwfwj"',
        "approver": '"审批人"',
        "approved": "2021-01-11",
        "expires": "2021-01-31",
    }
    values.update(fields)
    return "".join(f"{k} = {v}\n" for k, v in values.items() if v != "")


def check(root: Path, as_of: str = BASE_AS_OF, *extra: str) -> Result:
    return CliRunner().invoke(
        main,
        ["check", "--repo", str(root), "--as-of", as_of, "--no-cache", *extra],
        catch_exceptions=False,
    )


def report(root: Path, as_of: str = BASE_AS_OF) -> tuple[int, dict[str, Any]]:
    out = check(root, as_of, "--format", "json")
    return out.exit_code, json.loads(out.stdout)


def repo(tmp_path: Path, waiver_text: str | None) -> Path:
    """A repository whose waiver (if any) was committed with a key of its approving unit."""
    files = {**base_records(), POSTS: AD_POSTS}
    if waiver_text is not None:
        files[WAIVER] = waiver_text
    return signed_repo(tmp_path, files)


def rewrite(root: Path, waiver_text: str) -> None:
    """Change the waiver in a commit signed by the approving unit (tests/signing.py)."""
    write_records(root, {WAIVER: waiver_text})
    commit(root, "修改豁免", "zwfwj-key")


def test_without_a_waiver_the_ad_is_a_violation(tmp_path: Path) -> None:
    code, doc = report(repo(tmp_path, None))
    assert code == 1
    assert [(v["rule"], v["check"], v["status"]) for v in doc["violations"]] == [
        ("art-15", "commercial-ad", "open")
    ]
    assert doc["waived"] == []


@pytest.mark.parametrize("rule", ['"art-15/commercial-ad"', '"art-15"'], ids=["检查项", "整条规则"])
def test_a_waived_violation_is_listed_as_waived_and_not_counted(tmp_path: Path, rule: str) -> None:
    code, doc = report(repo(tmp_path, waiver(rule=rule)))
    assert code == 0
    assert doc["violations"] == []
    assert [(v["check"], v["status"], v["waiver"]) for v in doc["waived"]] == [
        ("commercial-ad", "waived", f"records/{WAIVER}")
    ]
    assert doc["summary"]["errors"] == 0 and doc["summary"]["waived"] == 1
    text = check(tmp_path)
    assert text.exit_code == 0


def test_the_waiver_holds_on_its_last_day_and_not_after(tmp_path: Path) -> None:
    root = repo(tmp_path, waiver(expires=BASE_AS_OF))
    code, doc = report(root)
    assert (code, len(doc["waived"])) == (0, 1)
    rewrite(root, waiver(expires="2021-01-16"))
    code, doc = report(root)
    assert code == 1
    assert [(v["check"], v["status"]) for v in doc["violations"]] == [("commercial-ad", "open")]
    assert doc["waived"] == []


def test_a_waiver_approved_after_the_check_date_does_not_apply(tmp_path: Path) -> None:
    code, doc = report(repo(tmp_path, waiver(approved="2021-01-18", expires="2021-02-28")))
    assert code == 1 and doc["waived"] == []


def test_a_waiver_for_another_file_or_fingerprint_hides_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path, None)
    _, doc = report(root)
    fingerprint = doc["violations"][0]["fingerprint"]
    rewrite(root, waiver(fingerprint=f'"{fingerprint}"'))
    assert report(root)[0] == 0
    rewrite(root, waiver(fingerprint='"0000000000000000"'))
    assert report(root)[0] == 1
    rewrite(root, waiver(target='"records/accounts/wx-test/posts/2021-02.toml"'))
    assert report(root)[0] == 1


@pytest.mark.parametrize(
    ("fields", "line", "words"),
    [
        ({"reason": ""}, 1, "reason"),
        ({"expires": ""}, 1, "expires"),
        ({"reason": '""'}, 3, "reason"),
        ({"expires": "2021-02-30"}, 7, "日期"),
    ],
    ids=["缺少理由", "缺少期限", "理由为空", "期限不是日历上的日期"],
)
def test_an_incomplete_waiver_exits_2_with_path_and_line(
    tmp_path: Path, fields: dict[str, str], line: int, words: str
) -> None:
    out = check(repo(tmp_path, waiver(**fields)))
    assert out.exit_code == 2, out.output
    assert f"records/{WAIVER}:{line}:" in out.stderr, out.stderr
    assert words in out.stderr and "修改方法" in out.stderr


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ('"art-99"', "「art-99」不存在"),
        ('"art-15/commercial-ads"', "没有检查项「commercial-ads」"),
        ('"art-25"', "没有任何检查项"),
    ],
    ids=["未知规则", "未知检查项", "不做检查的条款"],
)
def test_a_waiver_naming_an_unknown_rule_exits_2(tmp_path: Path, rule: str, words: str) -> None:
    out = check(repo(tmp_path, waiver(rule=rule)))
    assert out.exit_code == 2, out.output
    assert f"records/{WAIVER}:1:" in out.stderr, out.stderr
    assert words in out.stderr
