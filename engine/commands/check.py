"""``govmedia check``: evaluate a snapshot and report its (new) violations."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import date

from engine import delta, gitsafe, history, records, snapshot
from engine.cache import result_key
from engine.commands.common import Options, parse_as_of, plan_evaluation, run_evaluation
from engine.errors import InputError
from engine.evaluate import Plan, Result, cached_violations, judge_partitions
from engine.fsutil import write_atomic
from engine.policy import Policy
from engine.report import FORMATS, Report, load_formats, safe
from engine.violations import Reminder, Violation, compare


def base_before(opts: Options, since: str) -> str:
    """The last commit before ``since`` (a date), for "what changed since then"."""
    day = parse_as_of(since, "--since", bounded=False)
    repo = snapshot.open_repo(opts.repo)
    sha = (
        gitsafe.run(repo, "rev-list", "-1", f"--before={day}T00:00:00+08:00", "HEAD").strip()
        if day
        else ""
    )
    if not sha and snapshot.is_shallow(repo):
        raise InputError(
            f"此仓库是浅克隆(shallow clone),已取回的历史中没有 {since} 之前的提交,无法比较",
            hint=snapshot.SHALLOW_HINT,
        )
    if not sha:
        raise InputError(
            f"{since} 之前没有提交,无法比较",
            hint="选一个更晚的日期,或用 --base 指定提交。",
        )
    return str(sha)


def records_tree(repo: gitsafe.Repo, treeish: str) -> str:
    """The id of the records/ tree in a commit or tree: it names every record's content."""
    return gitsafe.rev_parse(repo, f"{treeish}:{snapshot.RECORDS_DIR}") or "no-records"


def _base_key(tree: str, as_of: date, policy: Policy) -> str:
    return result_key("base-violations", tree, as_of.isoformat(), policy.digest)


def base_violations(opts: Options, base: str, as_of: date, policy: Policy) -> list[Violation]:
    """Every violation at ``base`` (open and waived), judged as of ``as_of``.

    Remembered by the records tree id, so the hook, which compares the index with HEAD
    at every commit, evaluates HEAD only when nothing has judged that tree yet (the
    previous hook run remembered the index it checked, which is now HEAD).
    """
    repo = snapshot.open_repo(opts.repo)
    commit = snapshot.resolve_commit(repo, base)
    tree = records_tree(repo, commit.hexsha)
    if tree == "no-records":
        return []  # the first commit of records: nothing was there before
    store = opts.cache()
    key = _base_key(tree, as_of, policy)
    cached = cached_violations(store.get(key))
    if cached is not None:
        return cached
    previous = run_evaluation(opts, rev=commit.hexsha, staged=False, as_of=as_of, policy=policy)
    store.put(key, [v.to_dict() for v in previous.violations])
    return previous.violations


def base_fingerprints(opts: Options, base: str, as_of: date, policy: Policy) -> set[str]:
    """Fingerprints of every violation at ``base``, judged as of ``as_of``."""
    return {v.fingerprint for v in base_violations(opts, base, as_of, policy)}


def _remember_index(opts: Options, result: Result) -> None:
    """Store the staged index's violations under its records tree id, for the next hook run.

    Not when a staged supervision record was left out for not being committed yet: once
    committed (and signed) it counts, so the same tree would be judged differently.
    """
    tree = _index_tree(opts, result)
    if tree is not None:
        key = _base_key(tree, result.as_of, result.policy)
        opts.cache().put(key, [v.to_dict() for v in result.violations])


def _index_tree(opts: Options, result: Result) -> str | None:
    """The staged index's records tree id, under which its judgement may be remembered;
    None when it may not: a staged supervision record was left out for not being
    committed yet (once committed and signed it counts, so the same tree would be
    judged differently), or files elsewhere are unmerged."""
    if any(
        w.reason == "uncommitted" and w.path.startswith(records.directory("supervision"))
        for w in result.authority.warnings
    ):
        return None
    return index_records_tree(snapshot.open_repo(opts.repo))


def index_records_tree(repo: gitsafe.Repo) -> str | None:
    """The staged index's records/ tree id ("no-records" without one); None when git cannot
    write the index's tree (files are unmerged)."""
    try:  # one git when records/ is there
        return gitsafe.run(repo, "write-tree", f"--prefix={snapshot.RECORDS_DIR}/").strip()
    except gitsafe.GitFailed:
        pass
    try:  # no records/, or the index cannot be written at all
        return records_tree(repo, gitsafe.run(repo, "write-tree").strip())
    except gitsafe.GitFailed:
        return None


def commit_records_tree(repo: gitsafe.Repo, rev: str) -> tuple[str, str]:
    """The commit ``rev`` names and its records/ tree id (``records_tree``): one git in a
    full clone whose commit has records/; else asked as ``resolve_commit`` asks (which
    words the errors)."""
    if not rev.startswith("-") and not snapshot.is_shallow(repo):
        commit = f"{rev}^{{commit}}"
        out = gitsafe.rev_parse(repo, commit, f"{commit}:{snapshot.RECORDS_DIR}", "--")
        found = (out or "").split("\n")
        if len(found) == 3 and found[2] == "--":
            return found[0], found[1]
    sha = snapshot.resolve_commit(repo, rev).hexsha
    return sha, records_tree(repo, sha)


def base_summary(opts: Options, base: str, planned: Plan) -> delta.Summary | None:
    """The base's summary (engine/delta.py), judged like ``planned`` (its check date, rulebook
    and reading of later posts): remembered by the records tree id, else made by judging
    the base in full once. None for a base without records."""
    repo = snapshot.open_repo(opts.repo)
    sha, tree = commit_records_tree(repo, base)
    if tree == "no-records":
        return None
    store = opts.cache()
    key = delta.summary_key(tree, planned)
    found = delta.Summary.from_json(store.get(key))
    if found is None:
        base_plan = plan_evaluation(
            opts,
            rev=sha,
            staged=False,
            as_of=planned.as_of,
            policy=planned.policy,
            as_stood=planned.as_stood,
        )
        found = delta.summarise(
            base_plan, judge_partitions(base_plan, [p.pid for p in base_plan.partitions])
        )
        store.put(key, found.to_json())
    return found


def judge_change(opts: Options, base: str, policy: Policy) -> delta.Change | None:
    """The staged index judged against ``base`` partition by partition (engine/delta.py),
    remembered for the next run; None when only the full comparison can tell."""
    planned = plan_evaluation(opts, policy=policy)
    summary = base_summary(opts, base, planned)
    if summary is None:
        return None
    change = delta.judge_change(planned, summary, opts.cache())
    if change is None:
        return None
    tree = _index_tree(opts, change.result)
    if tree is not None:
        opts.cache().put(delta.summary_key(tree, planned), change.summary.to_json())
    return change


def backfill_reminders(opts: Options, result: Result) -> list[Reminder]:
    """Back-filled reviews up to the checked commit (HEAD for the work tree and the
    index), as reminders (``history.backfill_reminders``); nothing outside git."""
    try:
        repo = snapshot.open_repo(opts.repo)
    except InputError:
        return []
    commit = result.snapshot.commit
    sha = (
        commit.sha
        if commit is not None
        else gitsafe.rev_parse(repo, "--verify", "-q", "HEAD") or ""
    )
    if not sha:
        return []
    return history.backfill_reminders(repo, sha, set(result.snapshot.entries), opts.cache())


def acknowledged_since(opts: Options, base: str, new: list[Violation]) -> list[Violation]:
    """New violations acknowledged (如实登记) by a record that is not at ``base``: the clerk
    records what really happened and says so in the same change. They stay violations."""
    marked = [v for v in new if v.acknowledged]
    if not marked:
        return []
    repo = snapshot.open_repo(opts.repo)
    commit = snapshot.resolve_commit(repo, base).hexsha
    out = []
    for v in marked:
        if not gitsafe.succeeds(repo, "cat-file", "-e", f"{commit}:{v.acknowledged}"):
            out.append(v)  # the acknowledgement is new since the base
    return out


def run(
    opts: Options,
    base: str | None,
    fmt: str,
    lang: str,
    output: str | None = None,
    since: str | None = None,
    keep: list[Result] | None = None,
    blocking: list[Violation] | None = None,
    *,
    backfills: bool = True,
    by_change: bool = False,
    tee: Callable[[int, Iterable[str]], Iterable[str]] | None = None,
) -> int:
    """Report; exit 1 on errors. ``keep`` (if given) receives the evaluation, for the hook's
    reminders; ``blocking`` (if given) the errors that decide the exit code.

    ``by_change`` (the hook): the staged index is judged against ``base`` only where it
    differs (engine/delta.py); the report lists the violations, waivers and reminders of
    the changed accounts, and counts the rest. ``tee`` (if given) is handed the exit
    code and the report's pieces, and passes the pieces on (engine/commands/warm.py keeps
    a copy of them)."""
    if fmt == "text":  # the hook's: the other formats (XML, SARIF, ...) are not imported
        from engine.report import text  # noqa: F401
    else:
        load_formats()
    if base and since:
        raise InputError("--base 和 --since 只能二选一", hint="去掉其中一个选项。")
    if since:
        base = base_before(opts, since)
    policy = opts.policy()
    change = (
        judge_change(opts, base, policy)
        if by_change and base and opts.staged and opts.use_cache
        else None
    )
    result = change.result if change else run_evaluation(opts, policy=policy)
    if keep is not None:
        keep.append(result)
    if opts.staged and opts.use_cache and change is None:
        _remember_index(opts, result)
    if backfills:
        result.reminders = sorted(
            result.reminders + backfill_reminders(opts, result), key=Reminder.sort_key
        )
    report = Report(result, result.open, lang=lang)
    if base:
        found = compare(
            result.violations,
            change.base if change else base_violations(opts, base, result.as_of, policy),
        )
        accepted = acknowledged_since(opts, base, found.new)
        report = Report(
            result,
            [v for v in found.new if v not in accepted],
            base=base,
            base_known=len(found.unchanged) + (change.unchanged_open if change else 0),
            lang=lang,
            changed=found.changed,
            fixed=found.fixed,
            accepted=accepted,
        )
    # Written piece by piece as the format makes it: never the whole report in memory.
    pieces: Iterable[str] = FORMATS[fmt](safe(report))
    if tee is not None:  # engine/commands/warm.py keeps a copy as the pieces go by
        pieces = tee(1 if report.errors else 0, pieces)
    if output:
        write_atomic(output, (piece.encode("utf-8") for piece in pieces), overwrite=True)
    else:
        for piece in pieces:
            sys.stdout.write(piece)
    if blocking is not None:
        blocking.extend(report.errors)
    return 1 if report.errors else 0
