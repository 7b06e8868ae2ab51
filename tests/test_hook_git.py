"""The hook's shortcuts in asking git (engine/gitsafe.py ``steady``, engine/commands/hook.py
``_staged_paths``) give the answers git gives when asked each time."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import git

from engine import gitsafe, history
from engine.commands import hook

# Names around the pathspecs' edges: a file named like the folder's prefix, names that
# sort between "records" and "records/" or just after "records/" in git's byte order,
# non-ASCII names (CJK below the surrogates, full-width forms above them) and a name
# that is not UTF-8 (read back as surrogates).
NAMES = [
    "policy/art-01.toml",
    "policy/sub/x.toml",
    "policyx.toml",
    "policy.toml",
    "records-x/a.toml",
    "records.toml",
    "records0/a.toml",
    "recordsz",
    "records/a.toml",
    "records/accounts/甲/posts/2026-11.toml",
    "records/ｒ全角.toml",
    "records/\udcff.toml",
    "records/z/b.toml",
    "zzz.toml",
]


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for i, name in enumerate(NAMES):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"n = {i}\n".encode())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "文件")
    return root


@pytest.mark.parametrize(
    "specs",
    [("policy/",), ("records",), ("policy/", "records"), ("records", "policy/")],
)
def test_listing_once_gives_what_git_lists(tmp_path: Path, specs: tuple[str, ...]) -> None:
    root = _repo(tmp_path)
    plain = gitsafe.ls_files(root, *specs)
    assert plain and len({p for *_, p in plain}) < len(NAMES)  # some names left out
    with gitsafe.steady(("policy/", "records")):
        first = gitsafe.ls_files(root, "policy/")  # the one listing made here
        held = gitsafe.ls_files(root, *specs)
    assert first == gitsafe.ls_files(root, "policy/")
    assert held == plain


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    real = subprocess.run

    def run(args: list[str], *a: Any, **k: Any) -> Any:
        calls.append(tuple(args[5:]))  # after "git -C DIR -c core.quotePath=false"
        return real(args, *a, **k)

    monkeypatch.setattr(gitsafe.subprocess, "run", run)
    return calls


def test_a_steady_repository_is_asked_each_question_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    sha = git(root, "rev-parse", "HEAD").stdout.strip()
    calls = _counting(monkeypatch)
    with gitsafe.steady(("policy/", "records")):
        tree = gitsafe.run(root, "write-tree", "--prefix=records/")
        assert gitsafe.run(root, "write-tree", "--prefix=records/") == tree
        assert gitsafe.head(root) == gitsafe.head(root)
        assert not gitsafe.succeeds(root, "rev-parse", "--verify", "no-such-branch")
        assert not gitsafe.succeeds(root, "rev-parse", "--verify", "no-such-branch")
        gitsafe.ls_files(root, "records")
        gitsafe.ls_files(root, "policy/")
        gitsafe.ls_files(root, "zzz.toml")  # not among the listed: asked as it is
    assert sorted(calls) == sorted(
        [
            ("write-tree", "--prefix=records/"),
            ("rev-parse", "--is-shallow-repository", "HEAD"),
            ("rev-parse", "--verify", "no-such-branch"),
            ("ls-files", "-s", "-z", "--", "policy/", "records"),
            ("ls-files", "-s", "-z", "--", "zzz.toml"),
        ]
    )
    head = gitsafe.head(root)  # outside: asked again, and the answer is git's
    assert head == (sha, False)
    assert len(calls) == 6


def test_a_steady_repository_reads_blobs_through_one_git(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    blobs = {p: b for _, b, _, p in gitsafe.ls_files(root)}
    with gitsafe.steady():
        reader = gitsafe.shared_reader(root)
        assert reader is not None
        first = gitsafe.read_blobs(root, [blobs["records/a.toml"]])
        again = gitsafe.read_blobs(root, [blobs["zzz.toml"]])
        proc = reader._proc
        assert proc is not None and proc.poll() is None  # still there for the next read
    assert proc.wait(timeout=10) == 0  # ended with the steady run
    assert first == {blobs["records/a.toml"]: b"n = 8\n"}
    assert again == {blobs["zzz.toml"]: f"n = {len(NAMES) - 1}\n".encode()}
    assert gitsafe.shared_reader(root) is None


def _name_only(root: Path) -> list[str]:
    return gitsafe.run(
        root, "diff", "--cached", "--name-only", "--", "records/accounts/", "policy/"
    ).split("\n")


@pytest.mark.parametrize("change", ["modify", "add", "rename", "delete", "nothing"])
def test_staged_paths_from_the_raw_diff_are_git_diffs(tmp_path: Path, change: str) -> None:
    root = _repo(tmp_path)
    post = root / "records/accounts/甲/posts/2026-11.toml"
    if change == "modify":
        post.write_bytes(post.read_bytes() + b"m = 1\n")
        (root / "policy/art-01.toml").write_text("changed = true\n")
    elif change == "add":
        (root / "records/accounts/乙/posts").mkdir(parents=True)
        (root / "records/accounts/乙/posts/2026-10.toml").write_text("n = 1\n")
    elif change == "rename":
        (root / "records/accounts/丙/posts").mkdir(parents=True)
        post.rename(root / "records/accounts/丙/posts/2026-11.toml")
    elif change == "delete":
        post.unlink()
    git(root, "add", "-A")
    raw = history.staged_diff(gitsafe.open_repo(root), "records/accounts/", "policy/")
    paths = hook._staged_paths(gitsafe.open_repo(root), raw)
    assert paths == _name_only(root)
    assert (
        hook.touched_accounts(paths)
        == {
            "modify": ["甲"],
            "add": ["乙"],
            "rename": ["丙"],  # git pairs the rename: the old account is not touched
            "delete": ["甲"],
            "nothing": [],
        }[change]
    )
