"""The 10x workload: one repository ten times the issue's, checked cold and warm.

``.venv/bin/python bench/scale.py`` generates (once, under the work directory of
``bench/run.py``) the many-violations shape at 3,000 accounts x 5 years: about 4.3
million posts, 200,000 planted violations and 200,000 distinct reviewers, in some
thirty banners' worth of units (the league's eight and synthetic 示例第N旗). It then
measures, as whole processes:

- the floor (a process reading and parsing every record file with rtoml);
- ``govmedia check HEAD`` with an empty cache (cold), then again (warm).

For each: wall and CPU seconds, the peak RSS of the largest process (ru_maxrss)
and the peak of the whole process tree's RSS (sampled every 0.2 s from /proc:
the main process and its workers together). The cold check must find exactly the
planted violations (else exit 3). The results go to ``WORKDIR/scale.json``, which
``bench/run.py`` shows in BENCHMARKS.md with the memory aim (under 1.5 GB).
Generating takes several minutes and about 1.5 GB of disk; the checks as long
again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, beside this file


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parent[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [child for child, p in parent.items() if p == pid]
    return total / 2**20


def measured(
    args: Sequence[str], env: dict[str, str], stdout: Path | None = None
) -> dict[str, float]:
    """Wall, CPU, peak RSS of the largest process and peak RSS of the process tree."""
    with open(stdout or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(args), env=env, stdout=out, stderr=err)
        tree_peak = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            sys.stderr.write(err.read().decode("utf-8", "replace")[-4000:])
            raise bench.BenchError(f"{' '.join(args)} exited {code}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "tree_peak_mb": tree_peak,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "govmedia-bench"
    )
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--violations", type=int, default=200000)
    parser.add_argument("--reviewers", type=int, default=200000)
    args = parser.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    load_start = f"{os.getloadavg()[0]:.1f}"
    started = datetime.now(UTC)
    repo, _key = bench.large_repo(
        workdir, "scale", args.accounts, args.years, args.violations, args.reviewers
    )
    planted = json.loads((repo / "planted.json").read_text("utf-8"))
    result: dict[str, object] = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "commit": bench._project_state(),
        "accounts": args.accounts,
        "years": args.years,
        "planted": planted["total"],
        "reviewers": args.reviewers,
        "cores": len(os.sched_getaffinity(0)),
    }
    bench._log("scale: floor")
    out = workdir / "scale-floor.json"
    floor = [sys.executable, str(Path(bench.__file__)), "--floor", str(repo)]
    measured(floor, bench._env(None))  # untimed: the files into the page cache
    for key, value in measured(floor, bench._env(None), out).items():
        result[f"floor_{key}"] = value
    seen = json.loads(out.read_text())
    result.update(files=seen["files"], posts=seen["posts"], megabytes=seen["bytes"] / 1e6)
    cache = workdir / "caches" / "scale"
    subprocess.run(["rm", "-rf", str(cache)], check=True)
    check = [*bench.govmedia(), "check", "HEAD", "--repo", str(repo), "--format", "json"]
    reports = []
    for name in ("cold", "warm"):
        bench._log(f"scale: {name} check")
        report = workdir / f"scale-{name}.json"
        for key, value in measured([*check, "-o", str(report)], bench._env(cache)).items():
            result[f"{name}_{key}"] = value
        reports.append(report)
    found = bench.by_check(bench.violation_keys(reports[0]))
    if bench.violation_keys(reports[0]) != bench.violation_keys(reports[1]):
        raise bench.BenchError("scale: the cold and the warm check disagree")
    if found != dict(sorted(planted["violations"].items())):
        raise bench.BenchError(f"scale: found {found}, planted {planted['violations']}")
    result["violations"] = sum(found.values())
    result["load"] = f"{load_start} at start, {os.getloadavg()[0]:.1f} at end (1 min)"
    (workdir / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    bench._log(f"wrote {workdir / 'scale.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
