"""bench/run.py on a tiny workload: a well-formed report, and a loud failure when the
violations change. Speed itself is never asserted here (it is measured in bench/)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, git

TINY = ["--accounts", "3", "--years", "1", "--violations", "20", "--reviewers", "50"]
TINY += ["--repeat", "1", "--no-sample", "--no-site"]


def _bench(workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMEDIA_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--workdir", str(workdir), *TINY, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


AIM_ROW = re.compile(r"^\| (.+?) \| (large|dirty|dirty − large|10x) \| (.+?) \| (.+?) \|$")


def test_report_then_loud_failure_on_changed_violations(tmp_path: Path) -> None:
    work = tmp_path / "work"
    out = tmp_path / "B.md"
    first = _bench(work, "--output", str(out))
    assert first.returncode == 0, first.stderr
    text = out.read_text("utf-8")

    # Every aim is a row with a measured value and a verdict, on both large workloads.
    rows = [m.groups() for line in text.splitlines() if (m := AIM_ROW.match(line))]
    aims = {(aim, workload) for aim, workload, _, _ in rows}
    for workload in ("large", "dirty"):
        assert ("cold check CPU ≤ 2x floor", workload) in aims
        assert ("cold check wall ≤ 1.5x floor", workload) in aims
        assert ("warm check wall ≤ 0.1x floor", workload) in aims
    assert ("hook ≤ 0.3 s with ~20k violations", "dirty") in aims
    assert ("hook ≤ 0.3 s with no violation", "large") in aims
    for aim, workload, measured, verdict in rows:
        if workload == "10x" or aim.startswith("site"):
            # bench/scale.py was not run, the site not built (--no-site): said, not hidden.
            assert (measured.startswith("not measured"), verdict) == (True, "**not measured**")
            continue
        assert re.fullmatch(r"-?[\d.]+(x| s| ms)", measured), (aim, measured)
        assert verdict in ("met", "**not met**"), (aim, verdict)
    # The planted violations were found, exactly.
    assert "20 violations (art-14/review-missing 10, art-15/weekly-update 10)" in text
    assert "0 violations." in text  # the clean banner
    assert text.count("violations recorded as the reference") == 2

    # Unchanged: the same violations as the previous run's.
    again = _bench(work, "--no-dirty", "--output", str(out))
    assert again.returncode == 0, again.stderr
    assert "violations identical to the previous run's" in out.read_text("utf-8")

    # One post without its review in the clean banner: a new violation, a loud failure.
    (large,) = [p for p in work.glob("large-*") if p.is_dir()]
    month = sorted((large / "records" / "accounts").glob("*/posts/2026-11.toml"))[0]
    with month.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[post]]\npublished = 2026-11-20 10:00:00\ntitle = "未审核"\ncategory = "routine"\n'
        )
    date = {
        "GIT_AUTHOR_DATE": "2026-11-23T09:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-11-23T09:00:00+08:00",
    }
    git(large, "commit", "-qam", "one post without review", env=date)
    out.unlink()
    changed = _bench(work, "--no-dirty", "--output", str(out))
    assert changed.returncode == 3
    assert "FAILED" in changed.stderr and "differ from the previous run's" in changed.stderr
    assert "only in now" in changed.stderr and "art-14/review-missing" in changed.stderr
    assert not out.exists()  # nothing written

    # The many-violations banner must show exactly what planted.json says.
    (dirty,) = [p for p in work.glob("dirty-*") if p.is_dir()]
    manifest = json.loads((dirty / "planted.json").read_text("utf-8"))
    manifest["violations"]["art-15/weekly-update"] += 1
    (dirty / "planted.json").write_text(json.dumps(manifest), "utf-8")
    planted = _bench(work, "--no-large", "--output", str(out))
    assert planted.returncode == 3
    assert "planted" in planted.stderr and "'art-15/weekly-update': 11" in planted.stderr
    assert not out.exists()
