"""A commit's (or the index's) files read from the work tree where the file there is
the very blob (``snapshot.tree_copy``) give the same bytes as reading every blob from
git, whatever the work tree holds: changed, deleted, a directory or a FIFO in a
file's place, bytes git converts (an eol attribute), or a staged version that differs."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import git

from engine import gitsafe, snapshot

FILES = {
    "records/a.toml": 'a = "\u4e00"\n'.encode(),
    "records/b.toml": b"b = 2\n",
    "records/empty.toml": b"",
    "records/same.toml": b"b = 2\n",  # the same blob as b.toml
    "records/changed.toml": b"c = 1\n",
    "records/gone.toml": b"d = 1\n",
    "records/dir.toml": b"e = 1\n",
    "records/fifo.toml": b"f = 1\n",
    "records/crlf.toml": b"g = 1\nh = 2\n",
    "records/staged.toml": b"i = 1\n",
}


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "records").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    (root / ".gitattributes").write_text("records/crlf.toml text eol=crlf\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "记录")
    # Checked out again: git writes it with CRLF, its blob has LF.
    (root / "records/crlf.toml").unlink()
    git(root, "checkout", "--", "records/crlf.toml")
    # The work tree departs from the commit in every way it can.
    (root / "records/changed.toml").write_bytes(b"c = 2\n")
    (root / "records/gone.toml").unlink()
    (root / "records/dir.toml").unlink()
    (root / "records/dir.toml").mkdir()
    (root / "records/fifo.toml").unlink()
    os.mkfifo(root / "records/fifo.toml")
    (root / "records/staged.toml").write_bytes(b"i = 2\n")
    git(root, "add", "records/staged.toml")
    (root / "records/staged.toml").write_bytes(b"i = 3\n")
    return root


def _from_git(root: Path, snap: snapshot.Snapshot) -> dict[str, bytes]:
    """Every file of the snapshot as git itself gives it (the plain way)."""
    reader = gitsafe.BlobReader(root)
    try:
        found = reader.read_many(snap.entries.values())
    finally:
        reader.close()
    return {path: found[blob] for path, blob in snap.entries.items()}


def test_commit_files_read_from_the_tree_are_the_blobs(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert b"\r\n" in (root / "records/crlf.toml").read_bytes()  # git converted it
    snap = snapshot.from_commit(snapshot.open_repo(root), "HEAD")
    plain = _from_git(root, snap)
    assert plain["records/staged.toml"] == b"i = 1\n"
    paths = list(snap.entries)
    snap.prefetch(paths)
    assert {p: snap.read(p) for p in paths} == plain
    # Read one by one too (a line number's read after the prefetch let go of them).
    snap.prefetch([])
    assert {p: snap.read(p) for p in reversed(paths)} == plain
    snap.release()


def test_index_files_read_from_the_tree_are_the_staged_blobs(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    snap = snapshot.from_index(snapshot.open_repo(root))
    plain = _from_git(root, snap)
    assert plain["records/staged.toml"] == b"i = 2\n"
    snap.prefetch(list(snap.entries))
    assert {p: snap.read(p) for p in snap.entries} == plain
    snap.release()


def test_a_clean_tree_needs_no_git_to_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "records").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for name in ("records/a.toml", "records/b.toml", "records/empty.toml"):
        (root / name).write_bytes(FILES[name])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "记录")
    snap = snapshot.from_commit(snapshot.open_repo(root), "HEAD")
    reader = snap._reader
    assert isinstance(reader, snapshot._GitReader)
    snap.prefetch(list(snap.entries))
    assert {p: snap.read(p) for p in snap.entries} == _from_git(root, snap)
    assert reader._git._proc is None  # no git was started


def test_tree_copy_refuses_what_is_not_the_blob(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    ids = {name: snapshot.git_blob_id(data) for name, data in FILES.items()}
    assert (
        snapshot.tree_copy(root, "records/a.toml", ids["records/a.toml"]) == FILES["records/a.toml"]
    )
    assert snapshot.tree_copy(root, "records/empty.toml", ids["records/empty.toml"]) == b""
    for name in ("changed", "gone", "dir", "fifo", "crlf", "staged"):
        path = f"records/{name}.toml"
        assert snapshot.tree_copy(root, path, ids[path]) is None, name
    assert snapshot.tree_copy(None, "records/a.toml", ids["records/a.toml"]) is None
    # A SHA-256 repository's ids are never SHA-1 ones: git decides.
    assert snapshot.tree_copy(root, "records/a.toml", "0" * 64) is None
