"""``govmedia rules``: the rulebook table, versions with their periods and parameters."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT, run_cli

from engine.cli import main
from engine.commands.rules import pad, width

FIXTURE_POLICY = ROOT / "tests" / "report" / "fixture" / "policy"

AMENDMENT = """
[[versions]]
version = 2
effective_from = "2024-01-01"
summary = "每周至少发布 2 条。"
[versions.parameters]
min_posts_per_week = 2
"""


def test_rules_lists_every_article_of_the_real_rulebook() -> None:
    out = run_cli("rules", "--as-of", "2025-06-30")
    assert out.returncode == 0, out.stderr
    header = out.stdout.splitlines()[2]
    for heading in ("规则", "条款", "标题", "类型", "严重程度"):
        assert heading in header
    for path in sorted((ROOT / "policy").glob("art-*.toml")):
        assert path.stem in out.stdout
    assert "第十五条" in out.stdout
    assert "2020-08-29 – 至今(现行)" in out.stdout
    assert "min_posts_per_week = 1" in out.stdout


def test_rules_shows_amended_versions_with_periods(tmp_path: Path) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(FIXTURE_POLICY, policy)
    art15 = policy / "art-15.toml"
    art15.write_text(art15.read_text(encoding="utf-8") + AMENDMENT, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "--repo", str(tmp_path), "--as-of", "2025-01-01"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert (
        "第 1 版  2020-08-29 – 2023-12-31  检查: weekly-update、commercial-ad、personal-opinion"
        in out
    )
    assert "第 2 版  2024-01-01 – 至今(现行)" in out
    assert "min_posts_per_week = 2" in out
    assert 'effective_date = "2020-08-29"' in out  # art-25's own parameter
    assert "(本条不作自动检查)" not in out  # every fixture article has versions or parameters
    row = next(line for line in out.splitlines() if line.startswith("art-15 "))
    assert row.split()[-1] == "2"  # two versions


def test_rules_bad_policy_dir_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["rules", "--repo", str(tmp_path), "--policy", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "找不到规则目录" in result.stderr
    assert "Traceback" not in result.output


def test_width_counts_chinese_as_two_columns() -> None:
    assert width("第15条") == 6
    assert pad("条款", 6) == "条款  "
