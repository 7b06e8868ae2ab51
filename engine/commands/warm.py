"""``govmedia check REV`` answered from the report a previous check of that commit left.

The report of a commit is a function of what the key below holds, and of nothing else:

- the commit id: its records (waivers, acknowledgements and supervision records
  included), its ``policy/``, its date (the default check date) and its whole history
  (the authority of waivers and supervision records, removed accounts, back-filled
  reviews);
- the check date when one is given, the base commit's id (``--base``), the format and
  the language of the report;
- the rulebook given with ``--policy`` (its files' contents), the installed rulebook (a
  commit without ``policy/`` is judged by it), the trust root, and the boundary of a
  shallow clone (commits whose history is cut there are judged without it);
- the engine: its code, schemas and the versions of the packages it relies on
  (engine/cache.py ``result_key``).

So a second check of the same commit reads one cache entry and writes the same bytes
and exit code, without reading a record, loading the rulebook or building one
violation. A check that ends in bad input (exit 2) or an internal error leaves nothing.
The staged index and the work tree are never answered from here: they have no commit
id (their hook is engine/delta.py). ``--since`` names its base through the current
HEAD, so it is never answered from here either. ``--no-cache`` reads and writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from engine import gitsafe, i18n, resources
from engine.cache import Cache, digest, result_key
from engine.commands.common import Options
from engine.errors import InputError
from engine.fsutil import write_atomic

_FORMAT = b"govmedia-report-entry/1"


def run(
    opts: Options,
    base: str | None,
    fmt: str,
    lang: str,
    output: str | None = None,
    since: str | None = None,
) -> int:
    """``engine.commands.check.run``, answered from the cache when the same check of the
    same commit was made before (and remembered for the next time when not)."""
    key = report_key(opts, base, fmt, lang, since)
    store = reports(opts.cache())
    found = cached_report(store, key) if key else None
    if key and found is not None:
        store.touch(key)
        code, text = found
        if output:
            write_atomic(output, text, overwrite=True)
        else:
            sys.stdout.write(str(text, "utf-8", "replace"))
        return code
    from engine.commands import check

    tee = partial(remembering, store, key) if key else None
    return check.run(opts, base, fmt, lang, output, since, tee=tee)


# Reports are large (a banner with 20,000 violations: 15 MB each) and each checked commit
# has its own: only the most recently used ones are kept.
REPORTS_KEPT = 16


def reports(store: Cache) -> Cache:
    """Where reports are remembered: a folder of the cache of their own, kept to the
    ``REPORTS_KEPT`` most recently used (``remembering`` prunes it)."""
    return Cache(None if store.directory is None else store.directory / "reports")


def report_key(
    opts: Options, base: str | None, fmt: str, lang: str, since: str | None
) -> str | None:
    """The key of a check's report, or None when it is not to be remembered (not a
    commit, ``--since``, ``--no-cache``, or a revision that names no commit: the full
    check then words the error)."""
    if opts.staged or not opts.rev or since or not opts.use_cache:
        return None
    try:
        repo = gitsafe.open_repo(opts.repo)
    except InputError:  # not a repository: the full check says so
        return None
    revs = [opts.rev] if base is None else [opts.rev, base]
    shas = [
        gitsafe.rev_parse(repo, "--verify", "-q", "--end-of-options", f"{r}^{{commit}}")
        for r in revs
    ]
    if not all(shas):
        return None
    rulebook = _files_digest(opts.policy_dir) if opts.policy_dir else "committed"
    if rulebook is None:
        return None
    return result_key(
        "check-report",
        *[str(s) for s in shas],
        "base" if base is not None else "no-base",
        opts.as_of.isoformat() if opts.as_of else "commit-date",
        fmt,
        lang,
        i18n.lang(),
        rulebook,
        _files_digest(resources.bundled_policy_dir()) or "no-installed-rulebook",
        _file_digest(resources.trust_root_file()),
        _file_digest(Path(repo.git_dir) / "shallow"),
        _file_digest(Path(repo.common_dir) / "shallow"),
    )


def _file_digest(path: Path) -> str:
    try:
        return digest(path.read_bytes().hex())
    except OSError:
        return "absent"


def _files_digest(folder: Path) -> str | None:
    """A digest of every file under ``folder`` (names and contents); None if unreadable."""
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        return digest([f"{p.relative_to(folder)}={p.read_bytes().hex()}" for p in files])
    except OSError:
        return None


def cached_report(store: Cache, key: str) -> tuple[int, memoryview] | None:
    """A remembered (exit code, report text in UTF-8), or None: missing, damaged or not one."""
    body = store.get_view(key)
    if body is None:
        return None
    head = bytes(body[: len(_FORMAT) + 3])
    if head not in (_FORMAT + b" 0\n", _FORMAT + b" 1\n"):
        return None
    return int(head[-2:-1]), body[len(head) :]


def remembering(store: Cache, key: str, code: int, pieces: Iterable[str]) -> Iterator[str]:
    """Pass a check's report on piece by piece, keeping its exit code (0 or 1) and text
    under ``key`` as they go by: the entry appears only once every piece has been passed
    on (a check interrupted while writing its report leaves nothing)."""
    entry = store.open_entry(key) if code in (0, 1) else None
    if entry is None:
        yield from pieces
        return
    try:
        entry.write(_FORMAT + f" {code}\n".encode())
        for piece in pieces:
            try:
                entry.write(piece.encode("utf-8"))
            except UnicodeEncodeError:  # not text that could be read back the same
                entry.discard()
            yield piece
        entry.commit()
        store.keep_newest(REPORTS_KEPT)
    finally:
        entry.discard()  # nothing after a commit; the partial entry otherwise
