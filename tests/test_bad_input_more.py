"""More bad input, in every mode a check reads records from: the work tree, the staged
index (``--staged``) and a commit (REV).

Each case ends with exit 2, a Chinese message naming the file (and line) with a hint,
no traceback, and nothing written (not the report file, not the records).

In ``staged`` mode the bad change is only in the index (the work tree is restored to
HEAD); in ``commit`` mode it is only in a commit on another branch (the work tree and
the index are clean): each mode must find it where it is.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_AS_OF, git, run_cli

MODES = ["worktree", "staged", "commit"]
POSTS = "records/accounts/wx-test/posts/2021-01.toml"
EVENTS = "records/accounts/wx-test/events"
WB_EVENTS = "records/accounts/wb-old/events"

Change = Callable[[Path], None]


def _write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _line_of(root: Path, rel: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``rel`` that starts with ``needle``."""
    hits = [
        i
        for i, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1)
        if line.removeprefix("\ufeff").startswith(needle)
    ]
    return hits[nth - 1]


def _apply(root: Path, mode: str, change: Change) -> list[str]:
    """Make the change visible in ``mode`` only; the arguments that check it."""
    change(root)
    if mode == "worktree":
        return []
    git(root, "add", "-A")
    if mode == "staged":
        # Only the index holds the change: the work tree goes back to HEAD.
        git(root, "restore", "--worktree", "--source=HEAD", "--", ".")
        git(root, "clean", "-qfd")
        return ["--staged"]
    git(root, "checkout", "-qb", "bad")
    git(root, "commit", "-qm", "坏记录", "--allow-empty")
    git(root, "checkout", "-q", "main")
    return ["bad"]


def _files(root: Path) -> dict[str, bytes]:
    """Every file of the repository outside .git (symlinks as their target's name)."""
    out: dict[str, bytes] = {}
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names + [d for d in dirs if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            out[rel] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return out


def _cli(*args: str) -> tuple[int, str, str]:
    """The real command line, run in this process (a subprocess per case would be slow)."""
    from click.testing import CliRunner

    from engine import cli

    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        result = CliRunner().invoke(cli.main, list(args))
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails with it
    return result.exit_code, result.stdout, result.stderr


def _refused(
    root: Path, mode: str, change: Change, where: Callable[[Path], str], words: tuple[str, ...],
    as_of: str,
) -> str:  # fmt: skip
    expected: list[str] = []

    def change_and_locate(r: Path) -> None:
        change(r)
        expected.append(where(r))  # line numbers from the changed file itself

    args = _apply(root, mode, change_and_locate)
    before = _files(root)
    report = root.parent / "report.json"
    code, out, err = _cli(
        "check", *args, "--repo", str(root), "--as-of", as_of, "--format", "json",
        "-o", str(report),
    )  # fmt: skip
    assert code == 2, (out, err)
    assert "Traceback" not in err, err
    assert expected[0] in err, err
    assert "错误" in err and "修改方法" in err, err
    for word in words:
        assert word in err, err
    assert not report.exists()
    assert _files(root) == before
    return err


# ------------------------------------------------------------------ cases


def _symlink_outside_file(root: Path) -> None:
    (root / "records/accounts/wx-test/posts/2021-02.toml").symlink_to("/etc/passwd")


def _symlink_to_secret(root: Path) -> None:
    _write(root, "secret.toml", 'rule = "art-15"\n')
    (root / "records/waivers").mkdir(parents=True, exist_ok=True)
    (root / "records/waivers/w.toml").symlink_to("../../secret.toml")


def _symlinked_folder(root: Path) -> None:
    outside = root.parent / "elsewhere"
    _write(outside, "account.toml", 'unit = "xiaozhen"\n')
    (root / "records/accounts/wx-evil").symlink_to(outside)


def _symlink_inside(root: Path) -> None:
    (root / "records/accounts/wx-test/posts/2021-02.toml").symlink_to("2021-01.toml")


def _records_is_symlink(root: Path) -> None:
    (root / "records").rename(root / "real-records")
    (root / "records").symlink_to("real-records")


def _duplicate_post(root: Path) -> None:
    _append(
        root,
        POSTS,
        '\n[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "测试镇开展冬季防火宣传"\n'
        'category = "routine"\n[[post.review]]\nlevel = 1\nat = 2021-01-05T09:00:00\n',
    )


def _duplicate_post_other_file(root: Path) -> None:
    # Written with an offset, in another file: the same moment (10:00 China time).
    _write(
        root,
        "records/accounts/wx-test/posts/2021-02.toml",
        '[[post]]\npublished = 2021-01-05T02:00:00Z\ntitle = "测试镇开展冬季防火宣传"\n'
        'category = "routine"\n[[post.review]]\nlevel = 1\nat = 2021-01-05T09:00:00\n',
    )


def _two_openings(root: Path) -> None:
    _write(root, f"{EVENTS}/a-opening.toml", 'type = "opening"\ndate = 2021-01-04\n')
    _write(root, f"{EVENTS}/b-opening.toml", 'type = "opening"\ndate = 2021-01-04\n')


def _closure_before_opening(root: Path) -> None:
    _write(root, f"{WB_EVENTS}/closure.toml", 'type = "closure"\ndate = 2020-08-31\n')


def _future_post(root: Path) -> None:
    _append(
        root,
        POSTS,
        '\n[[post]]\npublished = 2021-01-18T10:00:00\ntitle = "还没发布"\ncategory = "routine"\n'
        "[[post.review]]\nlevel = 1\nat = 2021-01-18T09:00:00\n",
    )


def _waiver(**fields: str) -> str:
    values = {
        "rule": '"art-15/commercial-ad"',
        "target": f'"{POSTS}"',
        "reason": '"公益性助农展销"',
        "approved_by": '"zwfwj"',
        "approver": '"审批人"',
        "approved": "2021-01-11",
        "expires": "2021-01-31",
    }
    values.update(fields)
    return "".join(f"{k} = {v}\n" for k, v in values.items())


def _waiver_expires_first(root: Path) -> None:
    _write(root, "records/waivers/w.toml", _waiver(expires="2021-01-10"))


def _waiver_blank_reason(root: Path) -> None:
    _write(root, "records/waivers/w.toml", _waiver(reason='"   "'))


def _contract(amount: str) -> Change:
    def change(root: Path) -> None:
        _write(
            root,
            f"{EVENTS}/contract.toml",
            'type = "contract"\ncontractor = "某公司"\nstart = 2021-01-04\n'
            f"end = 2021-12-31\namount = {amount}\n",
        )

    return change


def _nan_in_post(root: Path) -> None:
    _append(root, POSTS, "\n[[post]]\nscore = [1.5, -inf]\n")


def _deep_arrays(root: Path) -> None:
    _write(
        root,
        "records/accounts/wx-test/events/deep.toml",
        'type = "opening"\n\nx = ' + "[" * 10000 + "]" * 10000 + "\n",
    )


def _deep_tables(root: Path) -> None:
    _write(
        root,
        "records/accounts/wx-test/events/deep.toml",
        'type = "opening"\nx = ' + "{a = " * 10000 + "1" + "}" * 10000 + "\n",
    )


def _deep_dotted(root: Path) -> None:
    _write(
        root,
        "records/accounts/wx-test/events/deep.toml",
        'type = "opening"\n\n' + ".".join(["a"] * 10000) + " = 1\n",
    )


def _bom_and_bad_enum(root: Path) -> None:
    text = (
        (root / POSTS)
        .read_text(encoding="utf-8")
        .replace('category = "policy"', 'category = "gossip"')
    )
    _write(root, POSTS, b"\xef\xbb\xbf" + text.encode("utf-8"))


def _bom_and_malformed(root: Path) -> None:
    text = (
        (root / POSTS)
        .read_text(encoding="utf-8")
        .replace('title = "测试镇惠民政策解读"', "title = 缺引号")
    )
    _write(root, POSTS, b"\xef\xbb\xbf" + text.encode("utf-8"))


def _no_records(root: Path) -> None:
    import shutil

    shutil.rmtree(root / "records")
    _write(root, "README.md", "没有记录\n")


CASES: dict[str, tuple[Change, Callable[[Path], str], tuple[str, ...], str]] = {
    # name: (change, where (from the changed repo), words in the message, as_of)
    "symlink-to-etc-passwd": (
        _symlink_outside_file,
        lambda r: "records/accounts/wx-test/posts/2021-02.toml",
        ("符号链接",),
        BASE_AS_OF,
    ),
    "symlink-to-parent-secret": (
        _symlink_to_secret,
        lambda r: "records/waivers/w.toml",
        ("符号链接",),
        BASE_AS_OF,
    ),
    "symlinked-folder-outside": (
        _symlinked_folder,
        lambda r: "records/accounts/wx-evil",
        ("符号链接",),
        BASE_AS_OF,
    ),
    "symlink-inside-records": (
        _symlink_inside,
        lambda r: "records/accounts/wx-test/posts/2021-02.toml",
        ("符号链接",),
        BASE_AS_OF,
    ),
    "records-is-a-symlink": (
        _records_is_symlink,
        lambda r: "records",
        ("records 目录本身是符号链接",),
        BASE_AS_OF,
    ),
    "duplicate-post-same-file": (
        _duplicate_post,
        lambda r: f"{POSTS}:{_line_of(r, POSTS, '[[post]]', 3)}",
        ("重复", f"{POSTS}:1", "测试镇开展冬季防火宣传"),
        BASE_AS_OF,
    ),
    "duplicate-post-other-file": (
        _duplicate_post_other_file,
        lambda r: "records/accounts/wx-test/posts/2021-02.toml:1",
        ("重复", f"{POSTS}:1"),
        BASE_AS_OF,
    ),
    "two-opening-events": (
        _two_openings,
        lambda r: f"{EVENTS}/b-opening.toml:1",
        ("开设事件", f"{EVENTS}/a-opening.toml"),
        BASE_AS_OF,
    ),
    "closure-before-opening": (
        _closure_before_opening,
        lambda r: f"{WB_EVENTS}/closure.toml:2",
        ("关停日期 2020-08-31 早于账号的开设日期 2020-09-01",),
        BASE_AS_OF,
    ),
    "post-after-check-date": (
        _future_post,
        lambda r: f"{POSTS}:{_line_of(r, POSTS, 'published = 2021-01-18')}",
        ("晚于检查日期 2021-01-17",),
        BASE_AS_OF,
    ),
    "waiver-expires-before-approval": (
        _waiver_expires_first,
        lambda r: "records/waivers/w.toml:7",
        ("expires", "approved"),
        BASE_AS_OF,
    ),
    "waiver-blank-reason": (
        _waiver_blank_reason,
        lambda r: "records/waivers/w.toml:3",
        ("理由(reason)不能为空白",),
        BASE_AS_OF,
    ),
    "nan-amount": (
        _contract("nan"),
        lambda r: f"{EVENTS}/contract.toml:5",
        ("amount", "nan"),
        BASE_AS_OF,
    ),
    "inf-amount": (_contract("+inf"), lambda r: f"{EVENTS}/contract.toml:5", ("inf",), BASE_AS_OF),
    "inf-in-array": (
        _nan_in_post,
        lambda r: f"{POSTS}:{_line_of(r, POSTS, 'score')}",
        ("post.2.score.1", "-inf"),
        BASE_AS_OF,
    ),
    "deeply-nested-arrays": (
        _deep_arrays,
        lambda r: f"{EVENTS}/deep.toml:3",
        ("嵌套层次太深",),
        BASE_AS_OF,
    ),
    "deeply-nested-tables": (
        _deep_tables,
        lambda r: f"{EVENTS}/deep.toml:2",
        ("嵌套层次太深",),
        BASE_AS_OF,
    ),
    "deeply-nested-dotted-keys": (
        _deep_dotted,
        lambda r: f"{EVENTS}/deep.toml:3",
        ("嵌套层次太深",),
        BASE_AS_OF,
    ),
    "bom-keeps-line-numbers": (
        _bom_and_bad_enum,
        lambda r: f"{POSTS}:{_line_of(r, POSTS, 'category = ', 2)}",
        ("gossip",),
        BASE_AS_OF,
    ),
    "bom-and-malformed-toml": (
        _bom_and_malformed,
        lambda r: f"{POSTS}:{_line_of(r, POSTS, 'title = 缺引号')}",
        ("TOML 格式错误",),
        BASE_AS_OF,
    ),
    "as-of-before-every-record": (
        lambda r: None,
        lambda r: "records/accounts/wb-old/account.toml:",
        ("检查日期 2020-08-31 早于所有记录", "2020-09-01"),
        "2020-08-31",
    ),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", list(CASES))
def test_refused(records_repo: Callable[..., Path], case: str, mode: str) -> None:
    change, where, words, as_of = CASES[case]
    _refused(records_repo(), mode, change, where, words, as_of)


def test_bom_is_accepted(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    data = (root / POSTS).read_bytes()
    (root / POSTS).write_bytes(b"\xef\xbb\xbf" + data)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stderr
    # ... and a violation in that file still points at the right line.
    _append(root, POSTS, '\n[[post]]\npublished = 2021-01-13T10:00:00\ntitle = "广告"\n'
            'category = "routine"\nad = true\n[[post.review]]\nlevel = 1\nat = 2021-01-13T09:00:00\n')  # fmt: skip
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 1
    assert f"{POSTS}:{_line_of(root, POSTS, '[[post]]', 3)}" in out.stdout, out.stdout


def test_same_minute_other_title_is_not_a_duplicate(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _append(
        root,
        POSTS,
        '\n[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "另一条消息"\ncategory = "routine"\n'
        "[[post.review]]\nlevel = 1\nat = 2021-01-05T09:00:00\n",
    )
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stderr


def test_post_on_the_check_date_is_fine(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _future_post(root)
    out = run_cli("check", "--repo", str(root), "--as-of", "2021-01-18")
    assert out.returncode == 0, out.stderr


def test_closure_on_the_opening_day_is_not_refused(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _write(root, f"{WB_EVENTS}/closure.toml", 'type = "closure"\ndate = 2020-09-01\n')
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode != 2, out.stderr
    assert "Traceback" not in out.stderr


def test_as_of_on_the_first_record_day_is_fine(records_repo: Callable[..., Path]) -> None:
    """The boundary: the day of the earliest record is a valid check date, the day before not."""
    from conftest import base_records

    # The units and the Weibo account opened 2020-09-01, without later posts or closure.
    root = records_repo(
        {
            rel: text
            for rel, text in base_records().items()
            if rel.startswith(("units/", "accounts/wb-old/"))
            and "/posts/" not in rel
            and "closure" not in rel
        },
        base=False,
    )
    out = run_cli("check", "--repo", str(root), "--as-of", "2020-09-01")
    assert out.returncode in (0, 1), out.stderr
    out = run_cli("check", "--repo", str(root), "--as-of", "2020-08-31")
    assert out.returncode == 2 and "早于所有记录" in out.stderr


def test_absurd_as_of_answered_before_reading_records(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _write(root, POSTS, "[[post]\n")  # a broken record: never read
    for day in ("9999-01-01", "1999-12-31", "2101-01-01"):
        for args in ([], ["--staged"], ["HEAD"]):
            code, _out, err = _cli("check", *args, "--repo", str(root), "--as-of", day)
            assert code == 2, err
            assert "年份应在 2000 到 2100 之间" in err and "修改方法" in err
            assert "records/" not in err
    # The real command line, the date from the environment.
    out = run_cli("check", "--repo", str(root), env={"GOVMEDIA_AS_OF": "9999-01-01"})
    assert out.returncode == 2 and "年份应在" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("mode", ["staged", "commit"])
def test_no_records_in_index_or_commit(records_repo: Callable[..., Path], mode: str) -> None:
    root = records_repo()
    if mode == "staged":
        git(root, "rm", "-rq", "--cached", "records")
        args = ["--staged"]
        words = "暂存区中没有 records/ 目录"
    else:
        git(root, "rm", "-rq", "records")
        git(root, "commit", "-qm", "删光")
        git(root, "checkout", "-q", "HEAD~1", "--", "records")
        args = ["HEAD"]
        words = "中没有 records/ 目录"
    out = run_cli("check", *args, "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stdout + out.stderr
    assert words in out.stderr and "修改方法" in out.stderr
    assert "Traceback" not in out.stderr


def test_no_records_in_work_tree(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    _no_records(root)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2 and "找不到记录目录" in out.stderr


def test_hook_before_any_records_lets_the_commit_through(tmp_path: Path) -> None:
    root = tmp_path / "new"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _write(root, ".pre-commit-config.yaml", "repos: []\n")
    git(root, "add", "-A")
    out = run_cli("hook", "run", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stderr
    assert "还没有 records/" in out.stderr


def test_hook_refuses_deleting_every_record(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    git(root, "rm", "-rq", "records")
    out = run_cli("hook", "run", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2 and "暂存区中没有 records/ 目录" in out.stderr


def test_first_records_commit_has_no_base_to_compare(tmp_path: Path) -> None:
    """HEAD without records/ is an empty base for the hook, not an error."""
    from conftest import base_records, write_records

    root = tmp_path / "new"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _write(root, "README.md", "记录仓库\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    write_records(root, base_records())
    git(root, "add", "-A")
    out = run_cli("hook", "run", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stderr


def test_staged_check_with_a_conflict_outside_records(records_repo: Callable[..., Path]) -> None:
    """Unmerged files elsewhere do not stop a check of the staged records (no exit 3)."""
    root = records_repo()
    _write(root, "README.md", "一\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "readme")
    git(root, "checkout", "-qb", "other")
    _write(root, "README.md", "二\n")
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    _write(root, "README.md", "三\n")
    git(root, "commit", "-qam", "main")
    assert git(root, "merge", "other", check=False).returncode != 0
    out = run_cli("check", "--staged", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("mode", ["staged", "commit"])
def test_records_is_a_file(records_repo: Callable[..., Path], mode: str) -> None:
    import shutil

    root = records_repo()

    def change(r: Path) -> None:
        shutil.rmtree(r / "records")
        _write(r, "records", "不是目录\n")

    _refused(root, mode, change, lambda r: "records: ", ("records 是一个文件",), BASE_AS_OF)
