"""Ledgers: day-precision reviews, import of 信息发布审核台账 and 留言台账, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import BASE_AS_OF, run_cli

POSTS = "accounts/wx-test/posts/2021-01.toml"


def _post(review: str) -> str:
    return (
        '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "测试镇开展冬季防火宣传"\n'
        f'category = "routine"\n[[post.review]]\nlevel = 1\n{review}\n'
    )


def test_review_with_day_and_at_is_refused(records_repo: Callable[..., Path]) -> None:
    root = records_repo({POSTS: _post("at = 2021-01-04T10:00:00\nday = 2021-01-04")})
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stderr
    assert f"records/{POSTS}:5" in out.stderr
    assert "at(审核时间)或 day" in out.stderr and "Traceback" not in out.stderr


def test_review_with_neither_day_nor_at_is_refused(records_repo: Callable[..., Path]) -> None:
    root = records_repo({POSTS: _post('reviewer = "赵某某"')})
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stderr
    assert "有且只有一个" in out.stderr


def test_bare_date_in_at_is_refused(records_repo: Callable[..., Path]) -> None:
    """A date without a time is never read as 00:00: it belongs in ``day``."""
    root = records_repo({POSTS: _post("at = 2021-01-04")})
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stderr
    assert f"records/{POSTS}:7" in out.stderr
    assert "改写为 day = 2021-01-04" in out.stderr


def test_same_day_review_is_a_reminder_in_the_result(records_repo: Callable[..., Path]) -> None:
    from datetime import date

    from engine import policy, snapshot
    from engine.cache import Cache
    from engine.cases import bundled_policy_dir
    from engine.evaluate import evaluate

    root = records_repo({POSTS: _post("day = 2021-01-05")})
    rules = policy.load(bundled_policy_dir())
    store = Cache(root / "cache")
    for _ in range(2):  # cold, then from the cache
        result = evaluate(snapshot.from_worktree(root), rules, date(2021, 1, 17), store)
        assert [v.check_id for v in result.open if v.rule == "art-14"] == []
        assert [(r.kind, r.article, r.path, r.line) for r in result.reminders] == [
            ("review-same-day", 14, f"records/{POSTS}", 1)
        ]
        assert "第 1 级审核只记了日期" in result.reminders[0].message
    assert result.cache_hits > 0
