"""The one way govmedia reads git: every git it starts goes through this module.

Git read as it is: no replace objects, no grafts. ``git replace`` (and ``git replace
--graft``) makes git show another object in place of the one a commit names;
``.git/info/grafts`` gives commits other parents. Both would let a clerk make forged
content or a forged history count (docs/decisions/0011-threat-model.md). govmedia
reads objects as their ids name them: ``harden`` sets, for the whole process and
every git it starts:

- ``GIT_NO_REPLACE_OBJECTS=1``: replace refs are ignored;
- ``GIT_GRAFT_FILE`` pointing at an empty file: ``info/grafts`` is ignored;
- ``advice.graftFileDeprecated=false`` (through ``GIT_CONFIG_COUNT``): git says
  nothing about the ignored grafts file on stderr.

The layer (the only engine module that starts git, enforced by tests/test_layers.py;
GitPython is not used):

- ``run`` / ``run_bytes``: one git command, in the hardened environment; a failure
  raises ``GitFailed`` (``.input_error`` turns it into a Chinese input error, exit 2);
- ``BlobReader``: one persistent ``git cat-file --batch`` per process, reading many
  blobs per round trip (the hot path of a cold check); ``read_blobs`` for a one-off;
- ``blob_ids`` (``cat-file --batch-check``), ``ls_tree``, ``ls_files``, ``rev_parse``,
  ``has_commits``, ``shallow_commits``: the listings the callers need;
- ``open_repo`` (a ``Repo``: where the repository is) and ``resolve`` (a ``Commit``:
  its id, time, author and summary), read with git itself (no GitPython).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import subprocess
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from engine.bounded import BoundedDict
from engine.errors import InputError

_ADVICE = ("advice.graftFileDeprecated", "false")


def harden(environ: os._Environ[str] | dict[str, str] = os.environ) -> None:
    """Set the variables above in ``environ`` (idempotent)."""
    environ["GIT_NO_REPLACE_OBJECTS"] = "1"
    environ["GIT_GRAFT_FILE"] = os.devnull
    try:
        count = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    keys = {environ.get(f"GIT_CONFIG_KEY_{i}") for i in range(count)}
    if _ADVICE[0] not in keys:
        environ[f"GIT_CONFIG_KEY_{count}"] = _ADVICE[0]
        environ[f"GIT_CONFIG_VALUE_{count}"] = _ADVICE[1]
        environ["GIT_CONFIG_COUNT"] = str(count + 1)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    harden(env)
    return env


# ---------------------------------------------------------------- repositories and commits


@dataclass(frozen=True)
class Repo:
    """A git repository: its work tree (None if bare), git dir and common git dir."""

    working_tree_dir: str | None
    git_dir: str
    common_dir: str

    @property
    def working_dir(self) -> str:
        return self.working_tree_dir or self.git_dir


@dataclass(frozen=True)
class Commit:
    hexsha: str
    committed_datetime: datetime  # aware (UTC)
    author_name: str
    summary: str  # the first line of the message


# ---------------------------------------------------------------- commands


class GitFailed(Exception):
    """A git command that exited with an error."""

    def __init__(self, args: tuple[str, ...], returncode: int, stderr: str, stdout: str) -> None:
        super().__init__(args, returncode, stderr, stdout)  # picklable: a worker may raise it
        self.git_args = args
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout

    def __str__(self) -> str:
        return f"git {' '.join(self.git_args)}: exit {self.returncode}: {self.stderr.strip()}"

    def input_error(self, what: str, hint: str = "按 git 的提示处理后重新运行。") -> InputError:
        """The failure as a Chinese input error (exit 2): ``what`` did not succeed, and
        what git said."""
        said = self.stderr.strip() or self.stdout.strip() or f"git 退出码 {self.returncode}"
        return InputError(f"{what}: {said}", hint=hint)


def where(repo: Repo | Path | str) -> Path:
    """The directory git runs in: a repository's work tree (or git dir), or a path."""
    if isinstance(repo, Repo):
        return Path(repo.working_tree_dir or repo.git_dir)
    return Path(repo)


# ---------------------------------------------------------------- a steady repository

# Questions whose answer depends only on the refs, the index and the objects (which
# ``steady`` promises do not change): asked once within it.
_STEADY_COMMANDS = frozenset({"rev-parse", "write-tree"})


@dataclass
class _Steady:
    answers: dict[tuple[str, tuple[str, ...]], tuple[int, bytes, bytes]]
    listed: tuple[str, ...]  # the pathspecs ``ls_files`` answers from one listing
    listing: dict[str, list[tuple[str, str, str, str]]]  # directory -> that listing
    readers: dict[str, BlobReader]  # directory -> the one ``cat-file --batch`` (``shared_reader``)


_STEADY: _Steady | None = None


@contextlib.contextmanager
def steady(listed: tuple[str, ...] = ()) -> Iterator[None]:
    """Within: nothing changes the refs or the index (the hook only reads them), so the
    same ``rev-parse`` or ``write-tree`` is run once, and ``ls_files`` of any of the
    ``listed`` folders (each ending in "/" or naming a top folder) is answered from one
    ``ls-files`` of them all. Outside, every call asks git."""
    global _STEADY
    held = _Steady({}, listed, {}, {})
    outer, _STEADY = _STEADY, held
    try:
        yield
    finally:
        _STEADY = outer
        for reader in held.readers.values():
            reader.close()


def shared_reader(repo: Repo | Path | str) -> BlobReader | None:
    """Within ``steady``: the one ``cat-file --batch`` of ``repo`` that every reader of blobs
    shares (closed when ``steady`` ends, not by its users); None outside."""
    if _STEADY is None:
        return None
    directory = str(where(repo))
    reader = _STEADY.readers.get(directory)
    if reader is None:
        reader = _STEADY.readers[directory] = BlobReader(directory)
    return reader


def run_bytes(
    repo: Repo | Path | str, *args: str, stdin: bytes | None = None, check: bool = True
) -> bytes:
    """``git -C <repo> <args>``'s standard output (paths unquoted: core.quotePath=false)."""
    directory = str(where(repo))
    key = (directory, args)
    held = _STEADY if stdin is None and args and args[0] in _STEADY_COMMANDS else None
    answer = held.answers.get(key) if held is not None else None
    if answer is None:
        proc = subprocess.run(
            ["git", "-C", directory, "-c", "core.quotePath=false", *args],
            input=stdin,
            capture_output=True,
            env=_env(),
        )
        answer = (proc.returncode, proc.stdout, proc.stderr)
        if held is not None:
            held.answers[key] = answer
    returncode, stdout, stderr = answer
    if check and returncode != 0:
        raise GitFailed(
            args,
            returncode,
            stderr.decode("utf-8", "replace"),
            stdout.decode("utf-8", "replace"),
        )
    return stdout


def run(repo: Repo | Path | str, *args: str, stdin: str | None = None, check: bool = True) -> str:
    """``run_bytes`` as text (UTF-8; undecodable bytes kept as surrogates)."""
    out = run_bytes(repo, *args, stdin=None if stdin is None else stdin.encode(), check=check)
    return out.decode("utf-8", "surrogateescape")


def succeeds(repo: Repo | Path | str, *args: str) -> bool:
    """Whether ``git <args>`` exits with 0."""
    try:
        run_bytes(repo, *args)
    except GitFailed:
        return False
    return True


def rev_parse(repo: Repo | Path | str, *args: str) -> str | None:
    """``git rev-parse <args>`` (stripped), or None when git refuses."""
    try:
        return run(repo, "rev-parse", *args).strip()
    except GitFailed:
        return None


def has_commits(repo: Repo | Path | str) -> bool:
    return rev_parse(repo, "--verify", "-q", "HEAD") is not None


def head(repo: Repo | Path | str) -> tuple[str, bool] | None:
    """(HEAD's sha, whether the repository is shallow), or None outside git or without
    commits (one git)."""
    lines = (rev_parse(repo, "--is-shallow-repository", "HEAD") or "").split()
    if len(lines) != 2:
        return None
    return lines[1], lines[0] == "true"


def shallow_commits(repo: Repo | Path | str) -> frozenset[str]:
    """The commits whose parents a shallow clone lacks (none in a full clone)."""
    path = rev_parse(repo, "--git-path", "shallow")
    if not path:
        return frozenset()
    file = Path(path) if Path(path).is_absolute() else where(repo) / path
    try:
        return frozenset(file.read_text().split())
    except OSError:
        return frozenset()


def ls_tree(repo: Repo | Path | str, treeish: str, *paths: str) -> list[tuple[str, str, str, str]]:
    """(mode, type, object id, path) of every entry under ``paths`` in ``treeish``."""
    return _ENTRY.findall(run(repo, "ls-tree", "-r", "-z", treeish, "--", *paths))


def ls_files(repo: Repo | Path | str, *paths: str) -> list[tuple[str, str, str, str]]:
    """(mode, blob id, stage, path) of every staged entry under ``paths``."""
    held = _STEADY
    if held is None or not paths or not set(paths) <= set(held.listed):
        return _ENTRY.findall(run(repo, "ls-files", "-s", "-z", "--", *paths))
    directory = str(where(repo))
    listing = held.listing.get(directory)
    if listing is None:
        listing = _ENTRY.findall(run(repo, "ls-files", "-s", "-z", "--", *held.listed))
        held.listing[directory] = listing
    return _under(listing, paths)


def _path_of(entry: tuple[str, str, str, str]) -> str:
    return entry[3]


def _under(
    listing: list[tuple[str, str, str, str]], specs: Iterable[str]
) -> list[tuple[str, str, str, str]]:
    """The entries of a listing sorted by path (as git sorts: by bytes) that the literal
    ASCII pathspecs cover (a folder "x/", or "x": the file x or the folder x/), found by
    bisection: for an ASCII bound, git's byte order and Python's code point order agree
    on which side of it a path lies."""
    ranges: list[tuple[int, int]] = []
    for spec in dict.fromkeys(specs):
        folder = spec if spec.endswith("/") else f"{spec}/"
        # Just past every path under the folder: "/" is followed by "0" in ASCII.
        ranges.append(
            (
                bisect.bisect_left(listing, folder, key=_path_of),
                bisect.bisect_left(listing, f"{folder[:-1]}0", key=_path_of),
            )
        )
        if not spec.endswith("/"):
            start = bisect.bisect_left(listing, spec, key=_path_of)
            end = bisect.bisect_right(listing, spec, key=_path_of)
            ranges.append((start, end))
    return [e for start, end in sorted(ranges) for e in listing[start:end]]


# One entry of ``ls-tree -z`` ("<mode> <type> <id>\t<path>\0") or ``ls-files -s -z``
# ("<mode> <id> <stage>\t<path>\0"): three fields, then the path up to the NUL.
_ENTRY = re.compile(r"(\S+) (\S+) (\S+)\t([^\0]*)\0")


def blob_ids(repo: Repo | Path | str, specs: list[str]) -> dict[str, str]:
    """``rev:path`` -> blob id, for the specs that name a blob (one ``--batch-check``)."""
    if not specs:
        return {}
    out = run(repo, "cat-file", "--batch-check", stdin="".join(f"{s}\n" for s in specs))
    found: dict[str, str] = {}
    for spec, line in zip(specs, out.splitlines(), strict=True):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            found[spec] = parts[0]
    return found


# Repositories found in this process, by the absolute path asked about: a command asks
# about the same repository many times (only found ones are kept).
_OPENED: BoundedDict[str, Repo] = BoundedDict(64)


def open_repo(path: Path) -> Repo:
    """The repository ``path`` is in (an input error, exit 2, if none)."""
    where_ = os.path.abspath(path)
    found = _OPENED.get(where_)
    if found is not None and os.path.isdir(found.git_dir):
        return found
    repo = _open_repo(path)
    _OPENED[where_] = repo
    return repo


def _open_repo(path: Path) -> Repo:
    # One git: the last question (the work tree) fails in a bare repository, after the others.
    asked = (
        "rev-parse",
        "--path-format=absolute",
        "--git-dir",
        "--git-common-dir",
        "--show-toplevel",
    )
    out = run(path, *asked, check=False) if Path(path).is_dir() else ""
    lines = out.splitlines()
    if len(lines) < 2:
        raise InputError(
            f"{path} 不是 git 仓库",
            hint="在记录仓库的目录中运行,或用 --repo 指定仓库路径;读取工作区时可不用 git。",
        )
    return Repo(lines[2] if len(lines) > 2 else None, lines[0], lines[1])


# A commit's date, author and message, by (repository, commit id): they never change.
_COMMITS: BoundedDict[tuple[str, str], str] = BoundedDict(4096)


def resolve(repo: Repo, rev: str, whole: bool = False) -> Commit | None:
    """The commit ``rev`` names, or None if it names none. ``whole``: also None when the
    commit's tree is absent (a shallow clone names its boundary's parents without
    having them)."""
    sha = rev_parse(repo, "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}")
    if not sha:
        return None
    if whole and not succeeds(repo, "cat-file", "-e", f"{sha}^{{tree}}"):
        return None
    known = _COMMITS.get((repo.common_dir, sha))
    if known is None:
        try:
            out = run(repo, "log", "-1", "--no-walk", "--format=%ct%x00%an%x00%B", sha)
        except GitFailed:
            return None
        known = _COMMITS[(repo.common_dir, sha)] = out
    stamp, author, message = known.split("\0", 2)
    return Commit(
        sha,
        datetime.fromtimestamp(int(stamp), UTC),
        author,
        message.split("\n", 1)[0],
    )


# ---------------------------------------------------------------- blobs


# A cat-file that reads a whole repository keeps, by default, up to 96 MB of delta bases
# and every page of the pack it touched mapped: some 320 MB per worker at the 10x
# workload (bench/scale.py), against 60 MB bounded like this, for about 2 CPU seconds
# more per 100,000 blobs.
_BOUNDED_READS = (
    "-c", "core.deltaBaseCacheLimit=16m",
    "-c", "core.packedGitLimit=32m",
    "-c", "core.packedGitWindowSize=8m",
)  # fmt: skip


class BlobReader:
    """Blobs read through one persistent ``git cat-file --batch``.

    Object ids are written in chunks small enough (41 bytes each) to fit the pipe
    buffer, so writing never waits on reading; each chunk's answers are read in bulk.
    The process belongs to the process that started it: a forked worker closes its
    copies of the parent's pipes at once (``_after_fork``: else the parent's git would
    never see the end of its input while a worker lives) and starts its own git on its
    first read.
    """

    _CHUNK = 1000

    def __init__(self, repo: Repo | Path | str) -> None:
        self.directory = where(repo)
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = 0
        self._finalizer: weakref.finalize[..., BlobReader] | None = None
        _READERS.add(self)

    def _git(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._pid != os.getpid():
            self._proc = subprocess.Popen(
                ["git", *_BOUNDED_READS, "-C", str(self.directory), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_env(),
            )
            self._pid = os.getpid()
            self._finalizer = weakref.finalize(self, _end, self._proc, self._pid)
        return self._proc

    def read_many(self, blobs: Iterable[str]) -> dict[str, bytes]:
        """Blob id -> content, for the ids that name a blob (missing ones are left out)."""
        wanted = list(dict.fromkeys(blobs))
        found: dict[str, bytes] = {}
        if not wanted:
            return found
        proc = self._git()
        stdin, stdout = proc.stdin, proc.stdout
        assert stdin is not None and stdout is not None
        for start in range(0, len(wanted), self._CHUNK):
            chunk = wanted[start : start + self._CHUNK]
            stdin.write("".join(f"{b}\n" for b in chunk).encode())
            stdin.flush()
            for _ in chunk:
                header = stdout.readline().split()
                if len(header) != 3:
                    continue  # "<id> missing" (or ambiguous): left out
                data = stdout.read(int(header[2]) + 1)[:-1]
                if header[1] == b"blob":
                    found[header[0].decode()] = data
        return found

    def read(self, blob: str) -> bytes:
        """One blob's content (an input error if the repository does not have it)."""
        data = self.read_many([blob]).get(blob)
        if data is None:
            raise InputError(
                f"git 仓库中找不到对象 {blob}",
                hint="仓库可能不完整(浅克隆或损坏):运行 git fsck 检查,或重新克隆后再试。",
            )
        return data

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._proc = None


_READERS: weakref.WeakSet[BlobReader] = weakref.WeakSet()


def _after_fork() -> None:
    """In a forked child: let go of the parents' gits (their pipes' copies closed here)."""
    for reader in list(_READERS):
        proc, reader._proc = reader._proc, None
        if proc is None:
            continue
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                # Closes this process's copy only (the parent flushed what it wrote).
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()


os.register_at_fork(after_in_child=_after_fork)


def _end(proc: subprocess.Popen[bytes], pid: int) -> None:
    if pid != os.getpid():
        return  # a forked worker's copy: the parent ends its own git
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a forked worker still holds the pipe open
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def read_blobs(repo: Repo | Path | str, blobs: Iterable[str]) -> dict[str, bytes]:
    """Blob id -> content, through one ``git cat-file --batch`` ended afterwards."""
    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return {}
    shared = shared_reader(repo)
    if shared is not None:
        return shared.read_many(wanted)
    reader = BlobReader(repo)
    try:
        return reader.read_many(wanted)
    finally:
        reader.close()
