"""The git access layer (engine/gitsafe.py) on a real repository: its blob reader, its
commands' errors, its listings."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path

import pytest
from conftest import commit_files, git

from engine import gitsafe
from engine.errors import InputError

FILES = {
    "records/a.toml": b'x = "\xe4\xb8\x80"\n',
    "records/b.toml": b"",  # empty
    "records/c.bin": bytes(range(256)) * 300,  # larger than a pipe's buffer, with newlines
}


def test_the_blob_reader_reads_many_blobs_in_one_process(tmp_path: Path) -> None:
    root = commit_files(tmp_path, FILES)
    listed = {path: blob for _, kind, blob, path in gitsafe.ls_tree(root, "HEAD", "records")}
    assert sorted(listed) == sorted(FILES)
    reader = gitsafe.BlobReader(root)
    missing = "0" * 40
    # More ids than one chunk: the reader writes and reads chunk by chunk.
    wanted = [*listed.values(), missing] * 700
    got = reader.read_many(wanted)
    assert got == {listed[p]: FILES[p] for p in FILES}  # the missing id is left out
    first = reader._proc
    assert reader.read(listed["records/a.toml"]) == FILES["records/a.toml"]
    assert reader._proc is first  # the same git answers every read
    with pytest.raises(InputError, match="找不到对象"):
        reader.read(missing)
    reader.close()
    assert first is not None and first.returncode == 0
    assert gitsafe.read_blobs(root, [listed["records/b.toml"]]) == {listed["records/b.toml"]: b""}


def test_a_forked_child_reads_with_its_own_git(tmp_path: Path) -> None:
    root = commit_files(tmp_path, FILES)
    blob = gitsafe.blob_ids(root, ["HEAD:records/a.toml"])["HEAD:records/a.toml"]
    reader = gitsafe.BlobReader(root)
    assert reader.read(blob) == FILES["records/a.toml"]
    parent_git = reader._proc
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new git of its own, never the parent's pipes
        try:
            ok = reader.read(blob) == FILES["records/a.toml"] and reader._proc is not parent_git
            os.write(write_end, b"1" if ok else b"0")
            time.sleep(30)  # alive while the parent closes its reader (killed below)
        finally:
            os._exit(0)
    os.close(write_end)
    assert os.read(read_end, 1) == b"1"
    assert reader.read(blob) == FILES["records/a.toml"] and reader._proc is parent_git
    # The child closed its copies of the parent's pipes at once: closing the reader ends
    # the parent's git while the child still lives (else this would wait for the child).
    reader.close()
    assert parent_git is not None and parent_git.returncode == 0
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_failed_command_is_a_chinese_input_error(tmp_path: Path) -> None:
    root = commit_files(tmp_path, FILES)
    with pytest.raises(gitsafe.GitFailed) as caught:
        gitsafe.run(root, "rev-parse", "--verify", "no-such-branch")
    again = pickle.loads(pickle.dumps(caught.value))  # from a worker process, intact
    assert str(again) == str(caught.value) and "no-such-branch" in str(again)
    error = again.input_error("找不到分支")
    assert error.message == "找不到分支: fatal: Needed a single revision"  # what git said
    assert error.hint
    assert gitsafe.rev_parse(root, "--verify", "-q", "no-such-branch") is None
    assert gitsafe.has_commits(root)
    assert not gitsafe.succeeds(root, "cat-file", "-e", "HEAD:records/none.toml")


def test_commands_run_with_replace_objects_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This process's environment as a clerk's shell has it (engine/__init__.py hardened
    # it): the layer hardens every git it starts by itself.
    for name in ("GIT_NO_REPLACE_OBJECTS", "GIT_GRAFT_FILE", "GIT_CONFIG_COUNT"):
        monkeypatch.delenv(name, raising=False)
    root = commit_files(tmp_path, FILES)
    blob = gitsafe.blob_ids(root, ["HEAD:records/a.toml"])["HEAD:records/a.toml"]
    forged = git(root, "hash-object", "-w", "--stdin", check=True).stdout.strip()
    git(root, "replace", blob, forged)
    assert git(root, "cat-file", "-p", blob).stdout == ""  # plain git (the test's) is fooled
    assert gitsafe.read_blobs(root, [blob]) == {blob: FILES["records/a.toml"]}
    assert gitsafe.run(root, "cat-file", "-p", blob).encode() == FILES["records/a.toml"]
