"""Snapshots: the record files of a work tree, of the staged index or of a commit.

A snapshot maps repository-relative paths to git blob ids and reads their bytes
on demand. Blob ids are content addresses, so everything derived from a file can
be cached by its blob id whatever the source.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import git

from engine.errors import InputError

CHINA_TZ = timezone(timedelta(hours=8), "CST")
RECORDS_DIR = "records"


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    date: datetime  # China time
    author: str
    summary: str


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob with this content."""
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


class Snapshot:
    """Record files (path -> blob id) with lazy access to their bytes."""

    def __init__(
        self,
        kind: str,
        label: str,
        entries: dict[str, str],
        reader: _Reader,
        commit: CommitInfo | None = None,
    ) -> None:
        self.kind = kind  # "worktree" | "index" | "commit"
        self.label = label
        self.entries = dict(sorted(entries.items()))
        self._reader = reader
        self.commit = commit

    def read(self, path: str) -> bytes:
        return self._reader.read(path, self.entries[path])

    def default_as_of(self) -> date:
        """The reference date of absence rules: the commit's date, else today in China."""
        if self.commit is not None:
            return self.commit.date.date()
        return datetime.now(CHINA_TZ).date()


class _Reader:
    def read(self, path: str, blob: str) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError


class _FileReader(_Reader):
    def __init__(self, root: Path, cache: dict[str, bytes]) -> None:
        self.root = root
        self.cache = cache

    def read(self, path: str, blob: str) -> bytes:
        data = self.cache.get(path)
        if data is None:
            data = (self.root / path).read_bytes()
        return data


class _GitReader(_Reader):
    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo

    def read(self, path: str, blob: str) -> bytes:
        return bytes(self.repo.odb.stream(bytes.fromhex(blob)).read())


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise InputError(
            f"{path} 不是 git 仓库",
            hint="在记录仓库的目录中运行,或用 --repo 指定仓库路径;读取工作区时可不用 git。",
        ) from exc


def from_worktree(root: Path) -> Snapshot:
    """All files under records/ in the work tree, hashed as git would."""
    base = root / RECORDS_DIR
    if not base.is_dir():
        raise InputError(
            f"找不到记录目录 {base}",
            hint="在记录仓库的根目录运行,或用 --repo 指定包含 records/ 的目录。",
        )
    entries: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            data = full.read_bytes()
            contents[rel] = data
            entries[rel] = git_blob_id(data)
    return Snapshot("worktree", "工作区", entries, _FileReader(root, contents))


def from_index(repo: git.Repo) -> Snapshot:
    """The staged version of every file under records/."""
    out = repo.git.ls_files("-s", "-z", "--", RECORDS_DIR)
    entries: dict[str, str] = {}
    for item in out.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        _mode, blob, stage = meta.split()
        if stage != "0":
            raise InputError(
                "暂存区中有未解决的合并冲突",
                path=path,
                hint="先解决冲突并用 git add 暂存结果,再提交。",
            )
        entries[path] = blob
    return Snapshot("index", "暂存区", entries, _GitReader(repo))


def resolve_commit(repo: git.Repo, rev: str) -> git.Commit:
    try:
        return repo.commit(rev)
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError) as exc:
        raise InputError(
            f"未知的 git 引用「{rev}」",
            hint="用 git log --oneline 查看可用的提交,或检查分支名、标签名是否拼写正确。",
        ) from exc


def from_commit(repo: git.Repo, rev: str) -> Snapshot:
    """The files under records/ in a commit, read without checking it out."""
    commit = resolve_commit(repo, rev)
    out = repo.git.ls_tree("-r", "-z", commit.hexsha, "--", RECORDS_DIR)
    entries: dict[str, str] = {}
    for item in out.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        _mode, kind, blob = meta.split()
        if kind == "blob":
            entries[path] = blob
    info = CommitInfo(
        sha=commit.hexsha,
        date=commit.committed_datetime.astimezone(CHINA_TZ),
        author=str(commit.author.name),
        summary=str(commit.summary),
    )
    return Snapshot("commit", f"提交 {commit.hexsha[:10]}", entries, _GitReader(repo), info)


def load(repo_path: Path, rev: str | None, staged: bool) -> Snapshot:
    """Pick the snapshot the user asked for."""
    if rev and staged:
        raise InputError("REV 和 --staged 只能二选一", hint="检查某个提交时不要加 --staged。")
    if staged:
        return from_index(open_repo(repo_path))
    if rev:
        return from_commit(open_repo(repo_path), rev)
    return from_worktree(repo_path)
