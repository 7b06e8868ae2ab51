"""The shortcuts that list and sort a snapshot's files give the same answers as the plain
ways they replace: git's listings read in one pass, a listing of plain files taken whole,
post files told by their own pattern. (Other shortcuts: tests/test_fast_paths.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, git

from engine import gitsafe, records, snapshot


def _split(out: str) -> list[tuple[str, ...]]:
    """The listing read entry by entry, as before."""
    found = []
    for item in out.split("\0"):
        if item:
            meta, path = item.split("\t", 1)
            found.append((*meta.split(), path))
    return found


@pytest.fixture(scope="module")
def odd_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with names that are hard to list: spaces, tabs, new lines, Chinese,
    a symlink, and a staged record."""
    root = tmp_path_factory.mktemp("odd")
    git(root, "init", "-q", "-b", "main")
    folder = root / "records" / "accounts" / "a-b" / "posts"
    folder.mkdir(parents=True)
    for name in ("2024-01.toml", "带 空格.toml", "tab\there.toml", "new\nline.toml"):
        (folder / name).write_text("x = 1\n", encoding="utf-8")
    (root / "records" / "link.toml").symlink_to("accounts/a-b/posts/2024-01.toml")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "odd")
    return root


def test_listings_read_in_one_pass_match_entry_by_entry(odd_repo: Path) -> None:
    tree = gitsafe.run(odd_repo, "ls-tree", "-r", "-z", "HEAD", "--", "records")
    staged = gitsafe.run(odd_repo, "ls-files", "-s", "-z", "--", "records")
    assert gitsafe.ls_tree(odd_repo, "HEAD", "records") == _split(tree)
    assert gitsafe.ls_files(odd_repo, "records") == _split(staged)
    assert len(_split(staged)) == 5


@pytest.mark.parametrize("load", [snapshot.from_index, lambda r: snapshot.from_commit(r, "HEAD")])
def test_a_listing_taken_whole_reports_what_one_by_one_reports(
    odd_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: object
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(odd_repo, root, symlinks=True)
    repo = snapshot.open_repo(root)

    def outcome() -> object:
        try:
            return sorted(load(repo).entries.items())  # type: ignore[operator]
        except snapshot.InputErrors as exc:
            return exc.render()

    def both_ways() -> object:
        taken_whole = outcome()
        with monkeypatch.context() as patched:
            patched.setattr(snapshot, "_plain", lambda modes, paths: False)
            assert outcome() == taken_whole
        return taken_whole

    # A symlink and names with control characters: the same errors either way.
    errors = both_ways()
    assert isinstance(errors, str) and "link.toml" in errors and "tab" in errors
    git(root, "rm", "-q", "--cached", "records/link.toml")
    git(root, "commit", "-q", "-m", "no link")
    errors = both_ways()
    assert isinstance(errors, str) and "link.toml" not in errors and "tab" in errors
    # Plain files only (one with a space and Chinese): the same entries either way.
    git(root, "rm", "-q", "--cached", "records/accounts/a-b/posts/tab\there.toml")
    git(root, "rm", "-q", "--cached", "records/accounts/a-b/posts/new\nline.toml")
    git(root, "commit", "-q", "-m", "plain names")
    plain = both_ways()
    assert isinstance(plain, list) and len(plain) == 2
    listed = gitsafe.ls_files(root, "records")
    assert snapshot._plain([e[0] for e in listed], [e[3] for e in listed])  # taken whole


def test_post_files_told_by_their_pattern_are_what_kind_of_says() -> None:
    is_post = records.record_kind("posts").pattern.match
    paths = [
        f"records/{p.relative_to(ROOT / 'records').as_posix()}"
        for p in (ROOT / "records").rglob("*.toml")
    ]
    paths += ["records/accounts/x/posts/2024-1.toml", "records/accounts/x/posts/a/2024-01.toml"]
    posts = 0
    for path in paths:
        post = is_post(path)
        try:
            located = records.kind_of(path)
        except records.InputError:
            located = None
        if post is not None:
            posts += 1
            assert located == ("posts", post.groupdict())
            # No kind before posts in the table matches a post file.
            assert all(not k.pattern.match(path) for k in records.RECORD_KINDS if k.name != "posts")
        else:
            assert located is None or located[0] != "posts"
    assert posts > 1000
