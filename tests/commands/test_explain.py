"""``govmedia explain``: an article, and a violation traced back to its record.

Runs on the report fixture (tests/report/fixture: records with known violations
and a frozen rulebook) copied into a temporary git repository.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, git, run_cli
from signing import signed_repo

from engine.cli import main
from engine.commands.explain import line_owners

FIXTURE = ROOT / "tests" / "report" / "fixture"
AS_OF = "2021-01-25"  # a Monday: the week of 2021-01-18 has ended
PRIVATE = [
    "赵某某",
    "0470-1234567",
    "钱某某",
    "13800000000",
    "孙某某",
    "0470-7654321",
    "李某某",
    "吴某某",
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "banner"
    shutil.copytree(FIXTURE, root)
    return signed_repo(root, {})  # the fixture's waiver counts: signed by its unit


def cli(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["explain", *args, "--repo", str(repo), "--as-of", AS_OF, "--no-cache"],
        catch_exceptions=False,
    )


def fingerprints(repo: Path) -> dict[str, str]:
    result = CliRunner().invoke(
        main, ["check", "--repo", str(repo), "--as-of", AS_OF, "--no-cache", "--format", "json"]
    )
    doc = json.loads(result.stdout)
    return {
        f"{v['rule']}/{v['check']}": v["fingerprint"] for v in doc["violations"] + doc["waived"]
    }


def test_explain_article(repo: Path) -> None:
    plain = cli(repo, "art-15").stdout
    assert "条件:" not in plain and '{"$' not in plain and "消息模板" not in plain
    result = cli(repo, "art-15", "--details")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "第十五条" in out  # the article text
    assert "解释:" in out and "每个自然周" in out
    assert "类型: 可由规则检查" in out
    assert "第 1 版  2020-08-29 – 至今" in out
    assert "min_posts_per_week = 1" in out and "说明: 条文" in out
    assert "问: 「每周」按哪种周计算?" in out  # documented choices
    assert '条件: {"$and": [{"fact": "post"}, {"ad": true}]}' in out
    assert "2 处未整改,1 处已豁免" in out


def test_explain_unknown_article_exits_2(repo: Path) -> None:
    result = cli(repo, "art-99")
    assert result.exit_code == 2
    assert "没有「art-99」" in result.stderr and "govmedia rules" in result.stderr
    assert cli(repo, "whatever").exit_code == 2


def test_explain_violation(repo: Path) -> None:
    fp = fingerprints(repo)["art-12/certification-missing-unit"]
    plain = cli(repo, fp).stdout
    assert "条件:" not in plain and '{"$' not in plain
    assert "certification_names_unit = false  ← 条件用到" in plain
    assert "账号: 微信公众号·测试镇发布(wx-test)" in plain
    assert "login_holder = " not in plain.split("记录 records/")[0]  # only the fields used
    result = cli(repo, fp, "--details")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"违规 {fp}" in out
    assert "位置: records/accounts/wx-test/account.toml:2" in out
    assert "第十二条" in out
    assert "适用版本: 第 1 版(2020-08-29 – 至今),因为事实日期 2021-01-25" in out
    assert "approved_platforms = [" in out
    assert '条件: {"$and": [{"fact": "account"}, {"certification_names_unit": false}]}' in out
    assert "certification_names_unit = false  ← 条件用到" in out
    assert '>    2 | name = "测试镇发布"' in out
    assert "login_holder = ******(不公开)" in out  # private field masked
    assert not [p for p in PRIVATE if p in out]


def test_explain_waived_violation_masks_reviewer(repo: Path) -> None:
    fp = fingerprints(repo)["art-15/personal-opinion"]
    out = cli(repo, fp).stdout
    assert "已豁免(豁免记录 records/waivers/2021-01-15-wx-test-opinion.toml)" in out
    assert ">   11 | [[post]]" in out
    assert "reviewer = ******(不公开)" in out
    assert not [p for p in PRIVATE if p in out]


def test_explain_at_a_revision_and_staged(repo: Path) -> None:
    fp = fingerprints(repo)["art-15/commercial-ad"]
    posts = repo / "records/accounts/wx-test/posts/2021-01.toml"
    posts.write_text(posts.read_text(encoding="utf-8").replace("ad = true\n", ""), encoding="utf-8")
    gone = cli(repo, fp)
    assert gone.exit_code == 2
    assert f"没有指纹为 {fp} 的违规" in gone.stderr and "提交号" in gone.stderr
    assert cli(repo, fp, "HEAD").exit_code == 0  # still there in the commit
    assert cli(repo, fp, "--staged").exit_code == 0  # and in the index
    git(repo, "add", "-A")
    assert cli(repo, fp, "--staged").exit_code == 2


def test_explain_unknown_fingerprint_subprocess(repo: Path) -> None:
    out = run_cli("explain", "0123456789abcdef", "--repo", str(repo), "--as-of", AS_OF)
    assert out.returncode == 2
    assert "没有指纹为 0123456789abcdef 的违规" in out.stderr
    assert "Traceback" not in out.stderr


def test_line_owners_continuations_and_tables() -> None:
    text = 'name = "x"\ninternal_bodies = [\n  "综治办",\n]\n\n[contact]\nname = "赵"\nphone = { a = 1 }\n'
    owners = line_owners(text)
    assert owners[1] == (("name",), True)
    assert owners[3] == (("internal_bodies",), False)
    assert 6 not in owners  # a table header is shown as it is
    assert owners[7] == (("contact", "name"), True)
    assert owners[8] == (("contact", "phone"), True)


def test_explain_check_expanded_per_parameter_entry(records_repo: Callable[..., Path]) -> None:
    """art-14's review-missing is one condition per category: explain shows the one that fired."""
    policy_post = """
[[post]]
published = 2021-01-13T10:00:00
title = "某项政策解读"
category = "policy"
[[post.review]]
level = 1
at = 2021-01-13T09:00:00
"""
    root = records_repo()
    posts = root / "records/accounts/wx-test/posts/2021-01.toml"
    posts.write_text(posts.read_text(encoding="utf-8") + policy_post, encoding="utf-8")
    check = CliRunner().invoke(
        main, ["check", "--repo", str(root), "--as-of", "2021-01-17", "--format", "json"]
    )
    (v,) = [v for v in json.loads(check.stdout)["violations"] if v["check"] == "review-missing"]
    result = CliRunner().invoke(
        main,
        ["explain", v["fingerprint"], "--repo", str(root), "--as-of", "2021-01-17", "--details"],
    )
    assert result.exit_code == 0, result.stderr
    assert "检查 art-14/review-missing(参数表项 policy = 2)" in result.stdout
    assert '{"category": "policy"}' in result.stdout
    assert '{"category": "routine"}' not in result.stdout
    assert "reviewed_levels = 1  ← 条件用到" in result.stdout


def test_explain_never_runs_the_rules(
    records_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The violation names the check that fired (here one entry of an expanded check):
    with the partitions cached, explain works while the rules engine cannot run at all."""
    from engine import rules_engine

    root = records_repo()
    posts = root / "records/accounts/wx-test/posts/2021-01.toml"
    posts.write_text(
        posts.read_text(encoding="utf-8")
        + '[[post]]\npublished = 2021-01-13T10:00:00\ntitle = "某项政策解读"\ncategory = "policy"\n'
        "[[post.review]]\nlevel = 1\nat = 2021-01-13T09:00:00\n",
        encoding="utf-8",
    )
    args = ["--repo", str(root), "--as-of", "2021-01-17"]
    check = CliRunner().invoke(main, ["check", *args, "--format", "json"])
    (v,) = [v for v in json.loads(check.stdout)["violations"] if v["check"] == "review-missing"]
    before = CliRunner().invoke(main, ["explain", v["fingerprint"], *args, "--details"])
    assert before.exit_code == 0, before.stderr

    def broken(*_: object) -> None:
        raise AssertionError("the rules engine ran")

    monkeypatch.setattr(rules_engine, "match", broken)
    judged = CliRunner().invoke(main, ["check", *args, "--no-cache"])
    assert judged.exit_code == 3 and "the rules engine ran" in judged.stderr  # the patch bites
    after = CliRunner().invoke(main, ["explain", v["fingerprint"], *args, "--details"])
    assert after.exit_code == 0, after.stderr
    assert "检查 art-14/review-missing(参数表项 policy = 2)" in after.stdout
    assert "reviewed_levels = 1  ← 条件用到" in after.stdout
    assert after.stdout == before.stdout


def test_record_secrets_of_a_record(repo: Path) -> None:
    from datetime import date

    from engine.commands.common import Options, run_evaluation
    from engine.commands.explain import record_secrets

    opts = Options(repo, None, False, date(2021, 1, 24), None, use_cache=False)
    result = run_evaluation(opts)
    assert record_secrets(result, "records/units/xiaozhen/unit.toml") == {"赵某某", "0470-1234567"}
    posts = record_secrets(result, "records/accounts/wx-test/posts/2021-01.toml")
    assert posts == {"李某某"}
    assert record_secrets(result, "records/accounts/bili-test/account.toml") == set()


def test_explain_one_check_of_an_article(repo: Path) -> None:
    result = cli(repo, "art-15/commercial-ad")
    assert result.exit_code == 0, result.stderr
    assert "检查 commercial-ad" in result.stdout and "检查 weekly-update" not in result.stdout
    assert "当前 art-15/commercial-ad 的违规(工作区,截至 2021-01-25): 1 处未整改。" in result.stdout
    assert cli(repo, "art-15/no-such-check").exit_code == 2
