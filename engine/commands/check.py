"""``govmedia check``: evaluate a snapshot and report its (new) violations."""

from __future__ import annotations

import sys
from datetime import date

import git

from engine import snapshot
from engine.commands.common import Options, parse_as_of, run_evaluation
from engine.errors import InputError
from engine.evaluate import Result, result_key
from engine.fsutil import write_atomic
from engine.policy import Policy
from engine.report import FORMATS, Report, load_formats


def base_before(opts: Options, since: str) -> str:
    """The last commit before ``since`` (a date), for "what changed since then"."""
    day = parse_as_of(since, "--since", bounded=False)
    repo = snapshot.open_repo(opts.repo)
    sha = repo.git.rev_list("-1", f"--before={day}T00:00:00+08:00", "HEAD") if day else ""
    if not sha:
        raise InputError(
            f"{since} 之前没有提交,无法比较",
            hint="选一个更晚的日期,或用 --base 指定提交。",
        )
    return str(sha)


def records_tree(repo: git.Repo, treeish: str) -> str:
    """The id of the records/ tree in a commit or tree: it names every record's content."""
    try:
        return str(repo.git.rev_parse(f"{treeish}:{snapshot.RECORDS_DIR}"))
    except git.GitCommandError:
        return "no-records"


def _fingerprints_key(tree: str, as_of: date, policy: Policy) -> str:
    return result_key("fingerprints", tree, as_of.isoformat(), policy.digest)


def base_fingerprints(opts: Options, base: str, as_of: date, policy: Policy) -> set[str]:
    """Fingerprints of every violation at ``base``, judged as of ``as_of``.

    Remembered by the records tree id, so the hook, which compares the index with HEAD
    at every commit, evaluates HEAD only when nothing has judged that tree yet (the
    previous hook run remembered the index it checked, which is now HEAD).
    """
    repo = snapshot.open_repo(opts.repo)
    commit = snapshot.resolve_commit(repo, base)
    tree = records_tree(repo, commit.hexsha)
    if tree == "no-records":
        return set()  # the first commit of records: nothing was there before
    store = opts.cache()
    key = _fingerprints_key(tree, as_of, policy)
    cached = store.get(key)
    if isinstance(cached, list) and all(isinstance(fp, str) for fp in cached):
        return set(cached)
    previous = run_evaluation(opts, rev=commit.hexsha, staged=False, as_of=as_of, policy=policy)
    found = {v.fingerprint for v in previous.violations}
    store.put(key, sorted(found))
    return found


def _remember_index(opts: Options, result: Result) -> None:
    """Store the staged index's fingerprints under its records tree id, for the next hook run."""
    repo = snapshot.open_repo(opts.repo)
    try:
        index_tree = str(repo.git.write_tree())
    except git.GitCommandError:
        return  # unmerged files elsewhere in the index: nothing to remember, only slower
    tree = records_tree(repo, index_tree)
    key = _fingerprints_key(tree, result.as_of, result.policy)
    opts.cache().put(key, sorted({v.fingerprint for v in result.violations}))


def run(
    opts: Options,
    base: str | None,
    fmt: str,
    lang: str,
    output: str | None = None,
    since: str | None = None,
) -> int:
    load_formats()
    if base and since:
        raise InputError("--base 和 --since 只能二选一", hint="去掉其中一个选项。")
    if since:
        base = base_before(opts, since)
    policy = opts.policy()
    result = run_evaluation(opts, policy=policy)
    if opts.staged and opts.use_cache:
        _remember_index(opts, result)
    shown = result.open
    known = 0
    if base:
        seen = base_fingerprints(opts, base, result.as_of, policy)
        known = sum(1 for v in shown if v.fingerprint in seen)
        shown = [v for v in shown if v.fingerprint not in seen]
    report = Report(result, shown, base=base, base_known=known, lang=lang)
    text = FORMATS[fmt](report)
    if output:
        write_atomic(output, text.encode("utf-8"), overwrite=True)
    else:
        sys.stdout.write(text)
    return 1 if report.errors else 0
