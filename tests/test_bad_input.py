"""Bad input: a Chinese message with path:line and a hint, exit 2, no traceback, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_AS_OF, git, run_cli

POSTS = "accounts/wx-test/posts/2021-01.toml"


def _assert_input_error(out: object, where: str) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)  # type: ignore[attr-defined]
    err: str = out.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err
    assert where in err, err
    assert "错误" in err and "修改方法" in err


@pytest.mark.parametrize(
    ("rel", "text", "where"),
    [
        (
            POSTS,
            '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "缺引号\n',
            f"records/{POSTS}:3",
        ),
        (
            POSTS,
            '[[post]]\npublished = 2021-02-30T10:00:00\ntitle = "x"\ncategory = "routine"\n',
            f"records/{POSTS}:2",
        ),
        (
            POSTS,
            '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "x"\ncategory = "gossip"\n',
            f"records/{POSTS}:4",
        ),
        (
            POSTS,
            '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "x"\ncategory = "routine"\nadd = true\n',
            f"records/{POSTS}:5",
        ),
        (
            "accounts/wx-test/account.toml",
            'unit = "nowhere"\nname = "x"\nplatform = "weibo"\nopened = 2021-01-04\n',
            "records/accounts/wx-test/account.toml:1",
        ),
        (
            "accounts/wx-test/events/2021-01-04-responsible.toml",
            'type = "responsible"\nfrom = 2021-01-04\nto = 2020-01-01\nperson = "某"\n',
            "records/accounts/wx-test/events/2021-01-04-responsible.toml:3",
        ),
        (
            "accounts/wx-test/posts/2021-02.toml",
            '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "x"\ncategory = "routine"\n',
            "records/accounts/wx-test/posts/2021-02.toml:2",
        ),
        ("stray.toml", "a = 1\n", "records/stray.toml"),
        (
            "units/zwfwj/unit.toml",
            'name = "新巴尔虎右旗政务服务局"\ntype = "department"\nsupervising_office = "办公室"\n',
            "records/units/zwfwj/unit.toml:1",
        ),
    ],
    ids=[
        "malformed",
        "impossible-date",
        "enum",
        "unknown-field",
        "unknown-unit",
        "period-reversed",
        "post-in-wrong-month",
        "unknown-location",
        "department-without-sectors",
    ],
)
def test_bad_record(records_repo: Callable[..., Path], rel: str, text: str, where: str) -> None:
    root = records_repo()
    path = root / "records" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in (root / "records").rglob("*") if p.is_file()}
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    _assert_input_error(out, where)
    after = {p: p.read_bytes() for p in (root / "records").rglob("*") if p.is_file()}
    assert before == after


def test_unknown_ref(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    out = run_cli("check", "no-such-branch", "--repo", str(root))
    assert out.returncode == 2
    assert "未知的 git 引用" in out.stderr and "Traceback" not in out.stderr


def test_bad_as_of(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    out = run_cli("check", "--repo", str(root), "--as-of", "2021-13-01")
    assert out.returncode == 2 and "--as-of" in out.stderr


def test_usage_error_is_exit_2() -> None:
    out = run_cli("check", "--no-such-option")
    assert out.returncode == 2 and "用法错误" in out.stderr


def test_year_without_calendar(records_repo: Callable[..., Path]) -> None:
    root = records_repo(
        {
            "accounts/wx-test/events/2027-03-01-notice.toml": 'type = "notice"\nstart = 2027-02-01\nend = 2027-02-28\n',
            "accounts/wx-test/events/2027-03-01-closure.toml": 'type = "closure"\ndate = 2027-03-01\n',
        }
    )
    # Not an input error for the whole run: one reminder names the calendar file to add
    # (tests/test_honest_records.py has the details).
    out = run_cli("check", "--repo", str(root), "--as-of", "2027-03-05")
    assert out.returncode == 1, out.stderr
    assert "2027 年的工作日历还没有登记" in out.stdout
    assert "records/calendar/2027.toml" in out.stdout


def test_staged_conflict_is_input_error(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    git(root, "checkout", "-qb", "other")
    (root / "records" / POSTS).write_text(
        "# other\n" + (root / "records" / POSTS).read_text(), encoding="utf-8"
    )
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    (root / "records" / POSTS).write_text(
        "# main\n" + (root / "records" / POSTS).read_text(), encoding="utf-8"
    )
    git(root, "commit", "-qam", "main")
    git(root, "merge", "other", check=False)
    out = run_cli("check", "--staged", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2 and "冲突" in out.stderr


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[[post]]\npublished = 2021-01-05\ntitle = "x"\ncategory = "routine"\n', 2),
        ('[[post]]\npublished = "2021-01-05"\ntitle = "x"\ncategory = "routine"\n', 2),
        (
            '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "x"\ncategory = "routine"\n'
            "[[post.review]]\nlevel = 1\nat = 2021-01-05\n",
            7,
        ),
    ],
    ids=["published-date", "published-date-string", "review-date"],
)
def test_date_only_times_are_bad_input(
    records_repo: Callable[..., Path], text: str, line: int
) -> None:
    """Art 14 先审后发: a bare date would be read as 00:00 and a same-day review could never
    come after publication; a time is required (a review known only to the day takes
    ``day`` instead, docs/records.md)."""
    root = records_repo()
    path = root / "records" / POSTS
    path.write_text(text, encoding="utf-8")
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    _assert_input_error(out, f"records/{POSTS}:{line}")
    assert "没有时刻" in out.stderr, out.stderr
    assert path.read_text(encoding="utf-8") == text
