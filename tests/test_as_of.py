"""An explicit check date before the newest post judges the records as they stood that day.

Issue 11, section 2: asking "how did the banner stand at the end of 2025?" on today's
records is natural; it must not print an error for every later post. Without
``--as-of`` (a commit's date, or today) a post dated later is still a typing mistake.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import git, run_cli

POSTS = "records/accounts/wx-test/posts/2021-01.toml"


def _later_posts(root: Path, n: int) -> None:
    path = root / POSTS
    text = path.read_text(encoding="utf-8")
    for day in range(n):
        stamp = f"2021-01-{18 + day % 14:02d}T{8 + day // 14:02d}:00:00"
        text += (
            f'\n[[post]]\npublished = {stamp}\ntitle = "后来的发布{day}"\ncategory = "routine"\n'
            f"[[post.review]]\nlevel = 1\nat = {stamp[:11]}07:00:00\n"
        )
    path.write_text(text, encoding="utf-8")


def test_explicit_earlier_check_date_judges_the_records_as_they_stood(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo()
    _later_posts(root, 140)
    out = run_cli("check", "--repo", str(root), "--as-of", "2021-01-17")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = [line for line in out.stdout.splitlines() if "晚于这一天" in line]
    assert len(lines) == 1, out.stdout
    assert "按 2021-01-17 当天的状况评判:140 条发布记录" in lines[0]
    assert "git rev-list -1 --before=2021-01-18" in out.stdout
    assert len(out.stdout.splitlines()) < 20, out.stdout
    doc = json.loads(
        run_cli("check", "--repo", str(root), "--as-of", "2021-01-17", "--format", "json").stdout
    )
    (reminder,) = [r for r in doc["reminders"] if r["kind"] == "later-records"]
    assert "140 条" in reminder["message"]


def test_a_later_post_still_counts_on_a_later_check_date(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _later_posts(root, 1)
    text = (root / POSTS).read_text(encoding="utf-8")
    (root / POSTS).write_text(text.replace('category = "routine"\n[[post.review]]\nlevel = 1\nat = 2021-01-18T07:00:00\n', 'category = "routine"\nad = true\n[[post.review]]\nlevel = 1\nat = 2021-01-18T07:00:00\n'), encoding="utf-8")  # fmt: skip
    before = run_cli("check", "--repo", str(root), "--as-of", "2021-01-17")
    assert before.returncode == 0 and "commercial-ad" not in before.stdout, before.stdout
    after = run_cli("check", "--repo", str(root), "--as-of", "2021-01-18")
    assert after.returncode == 1 and "art-15/commercial-ad" in after.stdout, after.stdout
    assert "晚于这一天" not in after.stdout


def test_a_commit_with_a_post_after_its_own_date_is_bad_input(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo(commit=False)
    _later_posts(root, 1)
    git(root, "add", "-A")
    when = "2021-01-17T12:00:00+08:00"
    git(
        root, "commit", "-q", "-m", "写错日期",
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
    )  # fmt: skip
    out = run_cli("check", "HEAD", "--repo", str(root))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "晚于检查日期 2021-01-17" in out.stderr and "Traceback" not in out.stderr
