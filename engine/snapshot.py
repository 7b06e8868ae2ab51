"""Snapshots: the record files of a work tree, of the staged index or of a commit.

A snapshot maps repository-relative paths to git blob ids and reads their bytes
on demand. Blob ids are content addresses, so everything derived from a file can
be cached by its blob id whatever the source.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from engine import gitsafe
from engine.errors import InputError, InputErrors
from engine.textsafe import UNSAFE, clean
from engine.timeutil import CHINA_TZ

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
        source: Path | None = None,
    ) -> None:
        self.kind = kind  # "worktree" | "index" | "commit"
        self.source = source  # the directory git runs in for this snapshot's history
        self.label = label
        self.entries = dict(sorted(entries.items()))
        self._reader = reader
        self.commit = commit

    def read(self, path: str) -> bytes:
        return self._reader.read(path, self.entries[path])

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read these files ahead in one go (one git process for a commit or the index).
        What earlier reads kept is let go (see ``_GitReader.prefetch``)."""
        self._reader.prefetch_files([(p, self.entries[p]) for p in paths])

    def release(self) -> None:
        """Let go of the bytes read ahead and end the git process that reads this
        snapshot's blobs, if any; the next read starts another. Called before forking
        workers, which start their own: the parent's would sit idle, and count twice."""
        self._reader.release()

    def default_as_of(self) -> date:
        """The reference date of absence rules: the commit's date, else today in China."""
        if self.commit is not None:
            return self.commit.date.date()
        return datetime.now(CHINA_TZ).date()


class _Reader:
    def read(self, path: str, blob: str) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def prefetch(self, blobs: list[str]) -> None:
        """Make later reads of these blobs cheap; a no-op where reads are cheap already."""

    def prefetch_files(self, files: list[tuple[str, str]]) -> None:
        """``prefetch`` of these (path, blob id) pairs: a reader that can use the paths
        (``_GitReader``: the work tree) overrides it."""
        self.prefetch([blob for _, blob in files])

    def release(self) -> None:
        """Let go of what reads hold open (a git process); a no-op where nothing is."""


class _FileReader(_Reader):
    def __init__(self, root: Path, cache: dict[str, bytes]) -> None:
        self.root = root
        self.cache = cache

    def read(self, path: str, blob: str) -> bytes:
        data = self.cache.get(path)
        if data is None:
            data = (self.root / path).read_bytes()
        return data


# A work-tree file larger than this is never read in place of its blob (git is asked).
_TREE_READ_LIMIT = 64 * 1024 * 1024


def tree_copy(tree: Path | None, path: str, blob: str) -> bytes | None:
    """The bytes of the work-tree file at ``path`` if they are exactly the blob ``blob``
    (their git blob id is ``blob``), else None (ask git).

    A clean work tree holds the very bytes of the commit (and index) it checks out, and
    reading a file costs a fraction of what git spends inflating the blob from its pack
    and piping it over. The content address decides: a file that was changed, is
    missing, is not a regular file, or that git stores differently (an eol or a clean
    filter, a SHA-256 repository) gives other ids and is read from git as before.
    Opened without blocking, so a FIFO in its place cannot hang the check.
    """
    if tree is None or len(blob) != 40:
        return None
    try:
        fd = os.open(tree / path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _TREE_READ_LIMIT:
            return None
        # One read of its size: whatever it gives (a file that changed meanwhile, a short
        # read) is used only if it is the blob.
        data = os.read(fd, info.st_size) if info.st_size else b""
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if git_blob_id(data) == blob else None


class _GitReader(_Reader):
    """Blobs read through the git layer's persistent ``cat-file --batch``
    (engine/gitsafe.py): one git per process, many blobs per round trip; or from the
    work tree (``tree``) where a file there is the very blob (``tree_copy``)."""

    def __init__(self, repo: gitsafe.Repo, tree: Path | None = None) -> None:
        shared = gitsafe.shared_reader(repo)  # the hook's one cat-file (gitsafe.steady)
        self._own = shared is None
        self._git = gitsafe.BlobReader(repo) if shared is None else shared
        self._tree = tree
        self._ahead: dict[str, bytes] = {}  # read ahead, not yet asked for
        self._asked: dict[str, bytes] = {}  # asked for since the last prefetch

    def read(self, path: str, blob: str) -> bytes:
        data = self._ahead.pop(blob, None)
        if data is None:
            data = self._asked.get(blob)
        if data is None:
            data = tree_copy(self._tree, path, blob)
        if data is None:
            data = self._git.read(blob)
        self._asked[blob] = data
        return data

    def prefetch(self, blobs: list[str]) -> None:
        """Read many blobs through one `git cat-file --batch`, not one round trip each.

        What was read since the last prefetch is let go: a cold check reads each
        account's post files once (one prefetch per account), then only their line
        numbers; a worker that kept them all would hold the whole repository's bytes
        (a gigabyte at the 10x workload) to the end. A later read asks git again."""
        self._asked = {}
        wanted = [b for b in dict.fromkeys(blobs) if b not in self._ahead]
        if wanted:
            self._ahead.update(self._git.read_many(wanted))

    def prefetch_files(self, files: list[tuple[str, str]]) -> None:
        """``prefetch``, the files that are their blobs in the work tree read from there
        (``tree_copy``); git reads the rest (and starts only if some are left)."""
        if self._tree is None:
            self.prefetch([blob for _, blob in files])
            return
        self._asked = {}
        rest = []
        for path, blob in files:
            if blob in self._ahead:
                continue
            data = tree_copy(self._tree, path, blob)
            if data is None:
                rest.append(blob)
            else:
                self._ahead[blob] = data
        if rest:
            self._ahead.update(self._git.read_many(dict.fromkeys(rest)))

    def release(self) -> None:
        self._ahead, self._asked = {}, {}
        if self._own:
            self._git.close()


def open_repo(path: Path) -> gitsafe.Repo:
    return gitsafe.open_repo(path)


# Git file modes of tree and index entries that are not plain files.
_MODE_SYMLINK = "120000"
_MODE_SUBMODULE = "160000"
_SYMLINK_HINT = (
    "records/ 下不允许符号链接(无论指向仓库内还是仓库外):把链接换成它指向的文件本身"
    "(复制内容后 git add),或删除它。"
)


def _symlink_error(rel: str, target: str = "") -> InputError:
    if rel == RECORDS_DIR:
        return InputError(
            "records 目录本身是符号链接",
            path=rel,
            hint="记录必须直接放在仓库的 records/ 目录中:把链接换成真实的目录。",
        )
    pointing = f"(指向 {target})" if target else ""
    return InputError(f"这是符号链接{pointing},不是普通文件", path=rel, hint=_SYMLINK_HINT)


def _not_a_file_error(rel: str, what: str) -> InputError:
    return InputError(
        f"这是{what},不是普通文件",
        path=rel,
        hint="records/ 下只放记录文件(TOML)和目录;移走或删除它。",
    )


def printable_path(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 shown as ``\\xff``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _bad_name(rel: str) -> InputError | None:
    """A file name that is not UTF-8 (an input error naming the file), else None."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return InputError(
            "文件名不是 UTF-8 编码",
            path=printable_path(rel),
            hint="记录的文件名和目录名只用 UTF-8 编码(建议只用小写字母、数字和连字符):"
            "用 git mv 或在文件管理器中改名。",
        )
    if UNSAFE.search(rel):
        return InputError(
            "文件名中有控制字符或文字方向控制字符",
            path=clean(rel),
            hint="文件名只用小写字母、数字、连字符和常用汉字:用 git mv 改名。",
        )
    return None


def _no_records_error(where: str, hint: str) -> InputError:
    return InputError(f"{where}中没有 records/ 目录,无记录可检查", hint=hint)


def from_worktree(root: Path) -> Snapshot:
    """All files under records/ in the work tree, hashed as git would.

    Symbolic links are refused, wherever they point: a record is a plain file
    inside records/ (docs/records.md), so nothing outside the repository is read.
    """
    base = root / RECORDS_DIR
    if base.is_symlink():
        raise _symlink_error(RECORDS_DIR)
    if not base.is_dir():
        raise InputError(
            f"找不到记录目录 {base}",
            hint="在记录仓库的根目录运行,或用 --repo 指定包含 records/ 的目录。",
        )
    entries: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    errors: list[InputError] = []
    folders = [base]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as listing:
            found = sorted(listing, key=lambda e: e.name)
        for entry in found:
            if entry.name.startswith("."):
                continue
            rel = Path(entry.path).relative_to(root).as_posix()
            bad = _bad_name(rel)
            if bad is not None:
                errors.append(bad)
            elif entry.is_symlink():
                errors.append(_symlink_error(rel, os.readlink(entry.path)))
            elif entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
            elif not entry.is_file(follow_symlinks=False):
                errors.append(_not_a_file_error(rel, "特殊文件(管道、设备或套接字)"))
            else:
                data = Path(entry.path).read_bytes()
                contents[rel] = data
                entries[rel] = git_blob_id(data)
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.path or ""))
    return Snapshot("worktree", "工作区", entries, _FileReader(root, contents), source=root)


def _plain(modes: list[str], paths: list[str]) -> bool:
    """Whether ``_git_entry`` would take every one of these entries, seen at once (the
    usual case: every name UTF-8 and printable, no symlink or submodule, no file
    named records); when not, the entries are looked at one by one."""
    joined = "/".join(paths)
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (
        not UNSAFE.search(joined)
        and _MODE_SYMLINK not in modes
        and _MODE_SUBMODULE not in modes
        and RECORDS_DIR not in paths
    )


def _git_entry(mode: str, path: str, errors: list[InputError]) -> bool:
    """True for a plain file; a symlink, a submodule or a name that is not UTF-8 is an
    input error (collected)."""
    bad = _bad_name(path)
    if bad is not None:
        errors.append(bad)
        return False
    if mode == _MODE_SYMLINK:
        errors.append(_symlink_error(path))
        return False
    if mode == _MODE_SUBMODULE:
        errors.append(_not_a_file_error(path, "子模块(submodule)"))
        return False
    if path == RECORDS_DIR:
        errors.append(
            InputError(
                "records 是一个文件,不是目录",
                path=path,
                hint="记录放在仓库根目录的 records/ 目录中:删除或改名这个文件。",
            )
        )
        return False
    return True


def from_index(repo: gitsafe.Repo, require_records: bool = False) -> Snapshot:
    """The staged version of every file under records/.

    A symlink (mode 120000) or a submodule under records/ is an input error, as in
    the work tree; with ``require_records`` so is an index without records/.
    """
    listed = gitsafe.ls_files(repo, RECORDS_DIR)
    entries: dict[str, str] = {}
    errors: list[InputError] = []
    if all(stage == "0" for _, _, stage, _ in listed) and _plain(
        [mode for mode, _, _, _ in listed], [path for _, _, _, path in listed]
    ):
        entries = {path: blob for _, blob, _, path in listed}
        listed = []  # nothing to look at one by one
    for mode, blob, stage, path in listed:
        if stage != "0":
            raise InputError(
                "暂存区中有未解决的合并冲突",
                path=printable_path(path),
                hint="先解决冲突并用 git add 暂存结果,再提交。",
            )
        if _git_entry(mode, path, errors):
            entries[path] = blob
    if errors:
        raise InputErrors(errors)
    if require_records and not entries:
        raise _no_records_error(
            "暂存区",
            "用 git add records 暂存记录后再检查;或检查 --repo 是否指向记录仓库。",
        )
    reader = _GitReader(repo, _work_tree(repo))
    return Snapshot("index", "暂存区", entries, reader, source=_repo_dir(repo))


def _repo_dir(repo: gitsafe.Repo) -> Path:
    return gitsafe.where(repo)


def _work_tree(repo: gitsafe.Repo) -> Path | None:
    """Where a commit's or the index's files may be read without git (``tree_copy``)."""
    return Path(repo.working_tree_dir) if repo.working_tree_dir else None


SHALLOW_HINT = "运行 git fetch --unshallow 取回完整历史后再试(CI 中检出时设置 fetch-depth: 0)。"


def is_shallow(repo: gitsafe.Repo) -> bool:
    return (Path(repo.git_dir) / "shallow").is_file() or (
        Path(repo.common_dir) / "shallow"
    ).is_file()


def resolve_commit(repo: gitsafe.Repo, rev: str) -> gitsafe.Commit:
    # A shallow clone names its boundary's parents without having them.
    shallow = is_shallow(repo)
    commit = gitsafe.resolve(repo, rev, whole=shallow)
    if commit is None:
        if shallow:
            raise InputError(
                f"找不到 git 引用「{rev}」:此仓库是浅克隆(shallow clone),"
                "缺少较早提交的历史,该提交可能不在已取回的历史中",
                hint=SHALLOW_HINT,
            )
        raise InputError(
            f"未知的 git 引用「{rev}」",
            hint="用 git log --oneline 查看可用的提交,或检查分支名、标签名是否拼写正确。",
        )
    return commit


def from_commit(repo: gitsafe.Repo, rev: str, require_records: bool = False) -> Snapshot:
    """The files under records/ in a commit, read without checking it out.

    A symlink (a blob of mode 120000) or a submodule under records/ is an input
    error, as in the work tree; with ``require_records`` so is a commit without
    records/ (the site shows such a commit as "no records yet" instead).
    """
    commit = resolve_commit(repo, rev)
    listed = gitsafe.ls_tree(repo, commit.hexsha, RECORDS_DIR)
    entries: dict[str, str] = {}
    errors: list[InputError] = []
    if _plain([mode for mode, _, _, _ in listed], [path for _, _, _, path in listed]):
        entries = {path: blob for _, kind, blob, path in listed if kind == "blob"}
        listed = []  # nothing to look at one by one
    for mode, kind, blob, path in listed:
        if _git_entry(mode, path, errors) and kind == "blob":
            entries[path] = blob
    if errors:
        raise InputErrors(errors)
    if require_records and not entries:
        raise _no_records_error(
            f"提交 {commit.hexsha[:10]} ",
            "检查提交或分支名是否选对(git log --oneline -- records 列出改过记录的提交),"
            "或 --repo 是否指向记录仓库。",
        )
    info = CommitInfo(
        sha=commit.hexsha,
        date=commit.committed_datetime.astimezone(CHINA_TZ),
        author=commit.author_name,
        summary=commit.summary,
    )
    reader = _GitReader(repo, _work_tree(repo))
    return Snapshot("commit", f"提交 {commit.hexsha[:10]}", entries, reader, info, _repo_dir(repo))


def load(repo_path: Path, rev: str | None, staged: bool) -> Snapshot:
    """Pick the snapshot the user asked for."""
    if rev and staged:
        raise InputError("指定提交和 --staged 只能二选一", hint="检查某个提交时不要加 --staged。")
    if staged:
        return from_index(open_repo(repo_path), require_records=True)
    if rev:
        return from_commit(open_repo(repo_path), rev, require_records=True)
    return from_worktree(repo_path)
