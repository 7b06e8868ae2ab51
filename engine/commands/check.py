"""``govmedia check``: evaluate a snapshot and report its (new) violations."""

from __future__ import annotations

import sys

from engine.commands.common import Options, run_evaluation
from engine.report import FORMATS, Report, load_formats


def run(opts: Options, base: str | None, fmt: str, lang: str, output: str | None = None) -> int:
    load_formats()
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
        from engine.fsutil import write_atomic

        write_atomic(output, text.encode("utf-8"), overwrite=True)
    else:
        sys.stdout.write(text)
    return 1 if report.errors else 0
