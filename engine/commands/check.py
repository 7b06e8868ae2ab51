"""``govmedia check``: evaluate a snapshot and report its (new) violations."""

from __future__ import annotations

import sys

from engine import snapshot
from engine.commands.common import Options, parse_as_of, run_evaluation
from engine.errors import InputError
from engine.fsutil import write_atomic
from engine.report import FORMATS, Report, load_formats


def base_before(opts: Options, since: str) -> str:
    """The last commit before ``since`` (a date), for "what changed since then"."""
    day = parse_as_of(since)
    repo = snapshot.open_repo(opts.repo)
    sha = repo.git.rev_list("-1", f"--before={day}T00:00:00+08:00", "HEAD") if day else ""
    if not sha:
        raise InputError(
            f"{since} 之前没有提交,无法比较",
            hint="选一个更晚的日期,或用 --base 指定提交。",
        )
    return str(sha)


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
    shown = result.open
    known = 0
    if base:
        previous = run_evaluation(opts, rev=base, staged=False, as_of=result.as_of, policy=policy)
        seen = {v.fingerprint for v in previous.violations}
        known = sum(1 for v in shown if v.fingerprint in seen)
        shown = [v for v in shown if v.fingerprint not in seen]
    report = Report(result, shown, base=base, base_known=known, lang=lang)
    text = FORMATS[fmt](report)
    if output:
        write_atomic(output, text.encode("utf-8"), overwrite=True)
    else:
        sys.stdout.write(text)
    return 1 if report.errors else 0
