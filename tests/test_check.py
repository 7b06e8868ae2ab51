"""End-to-end tests of ``govmedia check`` on real git repositories."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import BASE_AS_OF, git, run_cli

AD_POST = """
[[post]]
published = 2021-01-13T10:00:00
title = "某品牌促销"
category = "routine"
ad = true
[[post.review]]
level = 1
at = 2021-01-13T09:00:00
"""


def _add_ad(root: Path) -> None:
    path = root / "records/accounts/wx-test/posts/2021-01.toml"
    path.write_text(path.read_text(encoding="utf-8") + AD_POST, encoding="utf-8")


def test_clean_records_exit_zero(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stderr
    assert "共 0 处违规" in out.stdout


def test_violation_reported_with_path_line_article(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _add_ad(root)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 1
    lines = (root / "records/accounts/wx-test/posts/2021-01.toml").read_text().splitlines()
    title = next(i for i, text in enumerate(lines, 1) if "某品牌促销" in text)
    line = max(i for i, text in enumerate(lines[:title], 1) if text == "[[post]]")
    assert f"records/accounts/wx-test/posts/2021-01.toml:{line}:" in out.stdout
    assert "art-15" in out.stdout and "商业广告" in out.stdout and "怎么改" in out.stdout


def test_json_report_fields(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _add_ad(root)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    (v,) = doc["violations"]
    for key in (
        "rule",
        "article",
        "version",
        "severity",
        "path",
        "line",
        "unit",
        "account",
        "message",
        "fingerprint",
    ):
        assert key in v
    assert (v["rule"], v["check"], v["article"], v["version"]) == ("art-15", "commercial-ad", 15, 1)
    assert (v["unit"], v["account"]) == ("xiaozhen", "wx-test")
    assert doc["summary"]["errors"] == 1


def test_english_messages(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _add_ad(root)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--lang", "en")
    assert out.returncode == 1
    assert "commercial advertisement" in out.stdout


def test_older_commits_and_base(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _add_ad(root)
    git(root, "commit", "-qam", "添加一条发布")
    # HEAD~1 is the clean commit; its default check date is the commit date, so pin it.
    old = run_cli("check", "HEAD~1", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert old.returncode == 0, old.stdout + old.stderr
    new = run_cli("check", "HEAD", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert new.returncode == 1
    # Against a base that already has the violation, nothing is new: exit 0, counted as existing.
    only_new = run_cli(
        "check",
        "HEAD",
        "--repo",
        str(root),
        "--as-of",
        BASE_AS_OF,
        "--base",
        "HEAD",
        "--format",
        "json",
    )
    assert only_new.returncode == 0
    assert json.loads(only_new.stdout)["summary"]["existing_at_base"] == 1
    since = run_cli(
        "check",
        "HEAD",
        "--repo",
        str(root),
        "--as-of",
        BASE_AS_OF,
        "--base",
        "HEAD~1",
        "--format",
        "json",
    )
    assert since.returncode == 1
    assert [v["check"] for v in json.loads(since.stdout)["violations"]] == ["commercial-ad"]


def test_staged_index_is_checked_not_worktree(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _add_ad(root)
    assert run_cli("check", "--staged", "--repo", str(root), "--as-of", BASE_AS_OF).returncode == 0
    git(root, "add", "-A")
    assert run_cli("check", "--staged", "--repo", str(root), "--as-of", BASE_AS_OF).returncode == 1


def test_commit_date_is_default_as_of(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    out = run_cli("check", "HEAD", "--repo", str(root), "--format", "json")
    doc = json.loads(out.stdout)
    stamp = git(root, "log", "-1", "--format=%cI").stdout.strip()
    china = datetime.fromisoformat(stamp).astimezone(timezone(timedelta(hours=8)))
    assert doc["as_of"] == china.date().isoformat()
    assert doc["snapshot"]["commit"] == git(root, "rev-parse", "HEAD").stdout.strip()


def test_since_date_compares_with_last_commit_before_it(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    env = {"GIT_COMMITTER_DATE": "2030-01-10T12:00:00+08:00"}
    _add_ad(root)
    git(root, "commit", "-qam", "添加一条发布", env=env)
    out = run_cli(
        "check",
        "HEAD",
        "--repo",
        str(root),
        "--as-of",
        BASE_AS_OF,
        "--since",
        "2030-01-01",
        "--format",
        "json",
    )
    assert out.returncode == 1, out.stderr
    assert [v["check"] for v in json.loads(out.stdout)["violations"]] == ["commercial-ad"]
    none_before = run_cli("check", "--repo", str(root), "--since", "1999-01-01")
    assert none_before.returncode == 2 and "之前没有提交" in none_before.stderr


def test_two_posts_at_the_same_minute_get_distinct_fingerprints(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo()
    _add_ad(root)
    # The same minute again, another title: a second, separate post (the same title
    # too would be the same post recorded twice, an input error).
    path = root / "records/accounts/wx-test/posts/2021-01.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + AD_POST.replace("某品牌促销", "另一品牌促销"),
        encoding="utf-8",
    )
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    found = json.loads(out.stdout)["violations"]
    assert [v["check"] for v in found] == ["commercial-ad", "commercial-ad"]
    assert len({v["fingerprint"] for v in found}) == 2
    assert len({v["line"] for v in found}) == 2
