"""Reviews recorded in git after their post: found in history and at commit time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import git, run_cli

POSTS = "records/accounts/wx-test/posts/2021-01.toml"
LEVEL_3 = "[[post.review]]\nlevel = 3\nat = 2021-01-12T09:30:00\n"


def test_backfilled_review_found_in_history(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    clean = run_cli("audit", "--repo", str(root))
    assert clean.returncode == 0 and "没有发现" in clean.stdout
    path = root / POSTS
    path.write_text(path.read_text(encoding="utf-8") + LEVEL_3, encoding="utf-8")
    git(root, "commit", "-qam", "补录审核", env={"GIT_COMMITTER_DATE": "2021-02-01T10:00:00+08:00"})
    out = run_cli("audit", "--repo", str(root), "--format", "json")
    assert out.returncode == 1
    (found,) = json.loads(out.stdout)
    assert (found["level"], found["published"]) == (3, "2021-01-12T10:00:00")
    assert found["recorded"] == "2021-02-01T10:00:00"
    headers = [i for i, t in enumerate(path.read_text().splitlines(), 1) if t == "[[post]]"]
    assert found["line"] == headers[1]  # the second post's [[post]] header
    assert found["commit"] == git(root, "rev-parse", "HEAD").stdout.strip()


def test_review_recorded_with_its_post_is_not_reported(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    path = root / POSTS
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[post]]\npublished = 2021-01-13T10:00:00\ntitle = "新"\ncategory = "routine"\n'
        "[[post.review]]\nlevel = 1\nat = 2021-01-13T09:00:00\n",
        encoding="utf-8",
    )
    git(root, "commit", "-qam", "新发布", env={"GIT_COMMITTER_DATE": "2021-01-13T18:00:00+08:00"})
    assert run_cli("audit", "--repo", str(root)).returncode == 0


def test_hook_warns_about_backfill_without_blocking(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    path = root / POSTS
    path.write_text(path.read_text(encoding="utf-8") + LEVEL_3, encoding="utf-8")
    git(root, "add", "-A")
    out = run_cli("hook", "run", "--repo", str(root), "--as-of", "2021-01-17")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "事后补录" in out.stderr and "第 3 级审核" in out.stderr


def test_bad_ref_is_input_error(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    out = run_cli("audit", "nope", "--repo", str(root))
    assert out.returncode == 2 and "未知的 git 引用" in out.stderr


def test_check_reminds_of_a_backfilled_review(records_repo: Callable[..., Path]) -> None:
    """Issue 11, section 2: what `audit` finds is also a reminder of `check` (not a violation)."""
    root = records_repo()
    path = root / POSTS
    path.write_text(path.read_text(encoding="utf-8") + LEVEL_3, encoding="utf-8")
    git(root, "commit", "-qam", "补录审核", env={"GIT_COMMITTER_DATE": "2021-02-01T10:00:00+08:00"})
    for target in ((), ("HEAD",)):
        out = run_cli("check", *target, "--repo", str(root), "--as-of", "2021-01-18")
        assert "第 3 级审核" in out.stdout and "2021-02-01 10:00:00 才写入记录" in out.stdout, (
            out.stdout
        )
    doc = json.loads(
        run_cli("check", "--repo", str(root), "--as-of", "2021-01-18", "--format", "json").stdout
    )
    (found,) = [r for r in doc["reminders"] if r["kind"] == "backfilled"]
    assert found["path"] == POSTS
    assert found["article"] == 14 and found["account"] == "wx-test"
    assert "(测试)" not in found["message"]  # the commit's author (测试) is not named
    # The commit before the back-fill has nothing to remind of.
    before = run_cli("check", "HEAD~1", "--repo", str(root), "--as-of", "2021-01-18")
    assert "才写入记录" not in before.stdout
