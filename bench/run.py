"""Benchmarks: time govmedia against the rtoml floor on the sample and two large workloads.

Run with ``make bench`` (or ``.venv/bin/python bench/run.py --help``). Three
workloads, generated once under the work directory and reused while the
generator and its arguments are unchanged:

- the bundled sample (the project's ``records/``, copied into a git repository);
- the clean large banner (``bench/synth.py large``, 300 accounts x 5 years, no
  violation);
- the many-violations large banner (``bench/synth.py large --violations 20000
  --reviewers 100000``, the shape of the issue's independent workload).

Every command is timed as a whole process (wall, CPU of it and its children, peak
RSS), *paired* with the floor: each round runs the floor (a process reading and
parsing every record file with rtoml), then the cold check, then the warm check,
and the ratios are taken round by round, so a machine that slows down between
rounds slows both sides. The hook runs alternate between the clean and the
many-violations banner. The results and the aims, met or not, go to
BENCHMARKS.md; bench/README.md explains each row.

The run fails loudly (exit 3, nothing written) when the violations differ: between
the cold and the warm check, from the planted ones (the many-violations banner's
``planted.json``), or from the previous run's on the same workload (digests under
``WORKDIR/violations/``; ``--accept-violations`` records a new reference after an
intended change). ``--compare-with REF`` exports another govmedia commit's tree
(git archive) and requires the same violations from it on every workload.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
SYNTH = PROJECT / "bench" / "synth.py"
FIXED_DATE = "2026-11-26T09:00:00+08:00"  # commit date of the sample copy: the demo's check date
LARGE_DATE = "2026-11-23T09:00:00+08:00"  # commit date of the large repositories (synth.py)

# The aims of the speed issue, judged on both large workloads.
COLD_CPU_RATIO = 2.0  # cold check CPU seconds / floor CPU seconds
COLD_WALL_RATIO = 1.5  # cold check wall / floor wall
WARM_RATIO = 0.1  # warm check wall / floor wall
HOOK_SECONDS = 0.3  # hook wall with ~20k existing violations
HOOK_SPREAD = 0.05  # hook with 20k violations minus hook with none, seconds
SITE_RATIO = 3.0  # site wall / floor wall
REBUILD_SECONDS = 2.0  # site rebuild after one changed file
SCALE_PEAK_GB = 1.5  # peak RSS of the cold check on the 10x workload (bench/scale.py)


class BenchError(SystemExit):
    """A loud failure: message on stderr, exit status 3."""

    def __init__(self, message: str) -> None:
        sys.stderr.write(f"\nbench: FAILED: {message}\n")
        super().__init__(3)


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float  # peak resident set of the largest process (ru_maxrss)


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def peak(self) -> float:
        return max(r.rss_mb for r in self.runs)


def paired(a: Series, b: Series, attr: str = "wall") -> float:
    """Median of the round-by-round ratios a/b."""
    return statistics.median(
        getattr(x, attr) / max(getattr(y, attr), 1e-9) for x, y in zip(a.runs, b.runs, strict=True)
    )


def paired_diff(a: Series, b: Series) -> float:
    return statistics.median(x.wall - y.wall for x, y in zip(a.runs, b.runs, strict=True))


@dataclass
class Workload:
    key: str  # sample | large | dirty
    name: str
    path: Path
    digest_key: str  # what generated it: the reference violations are kept per key
    judged: bool = True
    manifest: dict[str, Any] | None = None
    files: int = 0
    posts: int = 0
    megabytes: float = 0.0
    series: dict[str, Series] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)  # rule/check -> count
    report_json: Path | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- processes


def _log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(
    args: Sequence[str],
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0, 1),
    timeout: float | None = None,
    stdout: Path | None = None,
    cwd: Path = PROJECT,
) -> Run:
    """Run a command as a whole process: wall, CPU (its children included) and peak RSS.

    ``cwd`` matters: ``python -m engine.cli`` imports the engine from there first."""
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(list(args), env=env, stdout=out, stderr=err, cwd=cwd)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise subprocess.TimeoutExpired(list(args), timeout or 0)
            time.sleep(0.002)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            sys.stderr.write(err.read().decode("utf-8", "replace")[-4000:])
            raise BenchError(f"{' '.join(args)} exited {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def govmedia() -> list[str]:
    return [sys.executable, "-m", "engine.cli"]


def _env(cache_dir: Path | None, engine_root: Path = PROJECT, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    if cache_dir is not None:
        env["GOVMEDIA_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = str(engine_root)
    env.pop("GOVMEDIA_JOBS", None)
    env.pop("GOVMEDIA_AS_OF", None)
    # govmedia may write its bytecode, as an installed one has (untimed runs come first).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


# ---------------------------------------------------------------- the floor


def floor_main(repo: Path) -> int:
    """The floor itself (``run.py --floor REPO``): read and parse every record file."""
    import rtoml

    files = posts = size = 0
    for path in sorted((repo / "records").rglob("*.toml")):
        data = path.read_bytes()
        parsed = rtoml.loads(data.decode("utf-8"))
        files += 1
        size += len(data)
        if path.parent.name == "posts":
            posts += len(parsed.get("post", []))
    print(json.dumps({"files": files, "posts": posts, "bytes": size}))
    return 0


def floor(workload: Workload, workdir: Path) -> Run:
    out = workdir / "floor.json"
    result = run([sys.executable, str(Path(__file__)), "--floor", str(workload.path)], stdout=out)
    seen = json.loads(out.read_text())
    workload.files, workload.posts = seen["files"], seen["posts"]
    workload.megabytes = seen["bytes"] / 1e6
    return result


# ---------------------------------------------------------------- workloads


def _synth_key(*args: object) -> str:
    text = SYNTH.read_bytes() + "\0".join(map(str, args)).encode()
    return hashlib.sha256(text).hexdigest()[:12]


def large_repo(
    workdir: Path, kind: str, accounts: int, years: int, violations: int = 0, reviewers: int = 0
) -> tuple[Path, str]:
    """A synthetic repository, generated once per generator version and arguments."""
    key = _synth_key(accounts, years, violations, reviewers)
    repo = workdir / f"{kind}-{key}"
    done = workdir / f"{kind}-{key}.ok"
    if done.is_file() and (repo / ".git").is_dir():
        _log(f"reusing {repo}")
        return repo, key
    for stale in workdir.glob(f"{kind}-*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    _log(f"generating {repo} ({accounts} accounts x {years} years, {violations} violations)")
    args = ["large", "--out", str(repo), "--accounts", str(accounts), "--years", str(years)]
    if violations or reviewers:
        args += ["--violations", str(violations), "--reviewers", str(reviewers)]
    if subprocess.run([sys.executable, str(SYNTH), *args, "--git"], check=False).returncode:
        raise BenchError(f"bench/synth.py {' '.join(args)} failed")
    # One pack, as a long-lived repository would have. The generator's commit may
    # have started `git gc --auto` in the background: wait for its lock.
    for _ in range(60):
        gc = ["git", "-C", str(repo), "gc", "-q"]
        if subprocess.run(gc, check=False, capture_output=True).returncode == 0:
            break
        time.sleep(5)
    else:
        raise BenchError(f"git gc failed in {repo}")
    done.write_text(key)
    return repo, key


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def sample_repo(workdir: Path) -> tuple[Path, str] | None:
    """A git repository holding a copy of the project's records/ (one commit)."""
    source = PROJECT / "records"
    if not source.is_dir() or not any(source.iterdir()):
        return None
    key = f"{_tree_digest(source)}-{FIXED_DATE[:10]}"
    repo = workdir / f"sample-{key}"
    if (repo / ".git").is_dir():
        return repo, key
    for stale in workdir.glob("sample-*"):
        shutil.rmtree(stale)
    shutil.copytree(source, repo / "records")
    _commit_all(repo, FIXED_DATE, "sample", init=True)
    return repo, key


def _commit_env(when: str) -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }


def _commit_all(repo: Path, when: str, message: str, init: bool = False) -> None:
    env = _commit_env(when)
    if init:
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A", "records"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


# ---------------------------------------------------------------- violations


def violation_keys(report: Path) -> list[str]:
    """What must not change: each violation's rule, check, severity, status, path and
    fingerprint, and each waived and accepted one's, from a ``--format json`` report.

    Read by a child process (``run.py --keys``): parsing a report of 20,000 violations
    here would grow this process by some 100 MB, and Linux passes a parent's high-water
    RSS on to the children it starts (kept across exec), which would then show in the
    peak memory of every command measured after it."""
    out = report.with_name(report.name + ".keys")
    subprocess.run([sys.executable, str(Path(__file__)), "--keys", str(report)], check=True)
    return out.read_text("utf-8").splitlines()


def keys_main(report: Path) -> int:
    """``run.py --keys REPORT``: write REPORT.keys, the sorted keys, one a line."""
    keys = _read_keys(report)
    report.with_name(report.name + ".keys").write_text("".join(k + "\n" for k in keys), "utf-8")
    return 0


def _read_keys(report: Path) -> list[str]:
    data = json.loads(report.read_text("utf-8"))
    keys = []
    for part in ("violations", "waived", "accepted"):
        for v in data.get(part, []):
            keys.append(
                f"{part}\t{v['rule']}/{v['check']}\t{v['severity']}\t{v.get('status', '')}"
                f"\t{v['path']}\t{v['fingerprint']}"
            )
    return sorted(keys)


def by_check(keys: list[str]) -> dict[str, int]:
    return dict(
        sorted(
            collections.Counter(
                k.split("\t")[1] for k in keys if k.startswith("violations")
            ).items()
        )
    )


def _difference(a: list[str], b: list[str], a_name: str, b_name: str) -> str:
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    lines = [f"{len(a)} in {a_name}, {len(b)} in {b_name}"]
    lines += [f"  only in {a_name}: {k}" for k in only_a[:10]]
    lines += [f"  only in {b_name}: {k}" for k in only_b[:10]]
    if len(only_a) > 10 or len(only_b) > 10:
        lines.append(f"  ({len(only_a)} and {len(only_b)} in all)")
    return "\n".join(lines)


def check_violations(
    workload: Workload, reports: list[Path], workdir: Path, accept: bool
) -> list[str]:
    """The violations of every timed check must agree, with the planted ones and with
    the previous run's; raise BenchError otherwise."""
    first = violation_keys(reports[0])
    for other in reports[1:]:
        keys = violation_keys(other)
        if keys != first:
            raise BenchError(
                f"{workload.name}: two checks of the same commit disagree (cache?):\n"
                + _difference(first, keys, reports[0].name, other.name)
            )
    workload.violations = by_check(first)
    if workload.manifest is not None:
        planted = dict(sorted(workload.manifest["violations"].items()))
        if workload.violations != planted:
            raise BenchError(
                f"{workload.name}: found {workload.violations}, planted {planted} "
                f"({workload.path / 'planted.json'})"
            )
    store = workdir / "violations" / f"{workload.key}-{workload.digest_key}.json"
    digest = hashlib.sha256("\n".join(first).encode()).hexdigest()
    if store.is_file() and not accept:
        previous = json.loads(store.read_text())
        if previous["digest"] != digest:
            raise BenchError(
                f"{workload.name}: the violations differ from the previous run's "
                f"({previous['commit']}, {store}):\n"
                + _difference(previous["keys"], first, "previous", "now")
                + "\nIf the change is intended, run again with --accept-violations."
            )
        return [f"violations identical to the previous run's (govmedia {previous['commit']})"]
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(
        json.dumps({"digest": digest, "commit": _project_state(), "keys": first}, indent=0)
    )
    return ["violations recorded as the reference for later runs"]


# ---------------------------------------------------------------- measurements


def measure_checks(workload: Workload, workdir: Path, repeat: int, accept: bool) -> None:
    """Rounds of floor, cold check, warm check; the violations of each check compared."""
    caches = workdir / "caches" / workload.key
    shutil.rmtree(caches, ignore_errors=True)
    caches.mkdir(parents=True)
    reports = workdir / "reports" / workload.key
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    check = [*govmedia(), "check", "HEAD", "--repo", str(workload.path), "--format", "json"]
    _log(f"{workload.name}: floor (untimed, to fill the page cache)")
    floor(workload, workdir)
    run(check, _env(caches / "warmup"))  # git's objects in the page cache too
    names = ("floor", "cold", "warm")
    series = {name: Series() for name in names}
    outputs = []
    for i in range(repeat):
        _log(f"{workload.name}: round {i + 1}/{repeat}: floor, cold check, warm check")
        cache = caches / f"round-{i}"
        series["floor"].runs.append(floor(workload, workdir))
        for name in ("cold", "warm"):
            out = reports / f"{name}-{i}.json"
            series[name].runs.append(run([*check, "-o", str(out)], _env(cache)))
            outputs.append(out)
    workload.series.update(series)
    workload.report_json = outputs[0]
    workload.notes += check_violations(workload, outputs, workdir, accept)
    # The cache of the last round stays, warm, for the hook and the site.
    shutil.rmtree(caches / "warmup", ignore_errors=True)
    (caches / f"round-{repeat - 1}").rename(caches / "warm")
    for stale in caches.glob("round-*"):
        shutil.rmtree(stale)


def _new_post(nonce: int) -> str:
    """A valid routine post on the last judged Sunday, with its review before it."""
    return (
        f'\n[[post]]\npublished = 2026-11-22 20:{nonce % 50 + 5:02d}:00\ntitle = "基准测试新增信息{nonce}"\n'
        f'category = "routine"\n\n[[post.review]]\nlevel = 1\nat = 2026-11-22 20:00:00\n'
        f'reviewer = "基准测试审核人"\n'
    )


def _last_month_files(repo: Path) -> list[str]:
    files = _git(repo, "ls-files", "records/accounts/*/posts/2026-11.toml").split()
    return sorted(files)


def measure_hooks(workloads: list[Workload], workdir: Path, repeat: int) -> None:
    """`govmedia hook run` after one post added and staged, the workloads alternating."""
    hook = [*govmedia(), "hook", "run"]
    nonce = time.time_ns() % 10**9
    targets = {w.key: _last_month_files(w.path) for w in workloads}
    for w in workloads:
        if not targets[w.key]:
            w.notes.append("hook: no 2026-11 post file to add a post to")
        w.series["hook"] = Series()
        # The hook's check date is the commit's, so "existing violations" are the check's.
        env = _env(workdir / "caches" / w.key / "warm", GOVMEDIA_AS_OF=_as_of(w))
        run([*hook, "--repo", str(w.path)], env, ok=(0,))  # HEAD at that date, cached once
    for i in range(repeat):
        _log(f"hook round {i + 1}/{repeat}: " + ", ".join(w.key for w in workloads))
        for w in workloads:
            if not targets[w.key]:
                continue
            env = _env(workdir / "caches" / w.key / "warm", GOVMEDIA_AS_OF=_as_of(w))
            target = w.path / targets[w.key][(i * 7919) % len(targets[w.key])]
            original = target.read_bytes()
            try:
                target.write_bytes(original + _new_post(nonce + i).encode())
                _git(w.path, "add", "--", str(target))
                w.series["hook"].runs.append(run([*hook, "--repo", str(w.path)], env, ok=(0,)))
            finally:
                target.write_bytes(original)
                _git(w.path, "add", "--", str(target))


def _as_of(w: Workload) -> str:
    return (FIXED_DATE if w.key == "sample" else LARGE_DATE)[:10]


def measure_site(workload: Workload, workdir: Path, timeout: float) -> None:
    """The site with the warm check cache, paired with a floor run; then one post added,
    committed (same commit date) and the site built again into the same folder."""
    config = PROJECT / "mkdocs.yml"
    if not config.is_file():
        workload.notes.append("site: skipped (no mkdocs.yml)")
        return
    out = workdir / f"site-{workload.key}"
    shutil.rmtree(out, ignore_errors=True)
    env = _env(workdir / "caches" / workload.key / "warm")
    site = [*govmedia(), "site", "--repo", str(workload.path), "--config", str(config)]
    site += ["-o", str(out)]
    _log(f"{workload.name}: site")
    workload.series["site-floor"] = Series([floor(workload, workdir)])
    try:
        workload.series["site"] = Series([run(site, env, ok=(0,), timeout=timeout)])
    except subprocess.TimeoutExpired:
        workload.notes.append(f"site: not finished within {timeout:g} s, stopped")
        return
    head = _git(workload.path, "rev-parse", "HEAD").strip()
    targets = _last_month_files(workload.path)
    if not targets:
        return
    _log(f"{workload.name}: site rebuild after one changed file")
    target = workload.path / targets[len(targets) // 2]
    try:
        target.write_bytes(target.read_bytes() + _new_post(time.time_ns() % 10**9).encode())
        when = _git(workload.path, "log", "-1", "--format=%aI").strip()
        _commit_all(workload.path, when, "bench: one post added")
        rebuild = run(site, env, ok=(0,), timeout=timeout)
        workload.series["rebuild"] = Series([rebuild])
    except subprocess.TimeoutExpired:
        workload.notes.append(f"site rebuild: not finished within {timeout:g} s, stopped")
    finally:
        _git(workload.path, "reset", "-q", "--hard", head)


def compare_with(ref: str, workloads: list[Workload], workdir: Path) -> list[str]:
    """Check every workload with govmedia at REF (its tree exported under the work
    directory); the same violations."""
    sha = _git(PROJECT, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
    tree = workdir / f"ref-{sha[:12]}"
    if not (tree / "engine").is_dir():
        # An export of the commit's tree (git archive): the project's repository and
        # its list of worktrees stay as they are.
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.Popen(
            ["git", "-C", str(PROJECT), "archive", "--format=tar", sha], stdout=subprocess.PIPE
        )
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise BenchError(f"git archive {sha} failed")
    lines = []
    for w in workloads:
        _log(f"{w.name}: check with govmedia {sha[:10]}")
        ours = w.report_json
        if ours is None:
            ours = workdir / "reports" / f"{w.key}-current.json"
            cmd = [*govmedia(), "check", "HEAD", "--repo", str(w.path), "--format", "json"]
            run([*cmd, "--no-cache", "-o", str(ours)], _env(None))
        theirs = workdir / "reports" / f"{w.key}-ref-{sha[:12]}.json"
        theirs.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "engine.cli", "check", "HEAD", "--repo", str(w.path)]
        run([*cmd, "--format", "json", "--no-cache", "-o", str(theirs)], _env(None, tree), cwd=tree)
        a, b = violation_keys(theirs), violation_keys(ours)
        if a != b:
            raise BenchError(
                f"{w.name}: govmedia {sha[:10]} and this checkout disagree:\n"
                + _difference(a, b, sha[:10], "this checkout")
            )
        lines.append(f"{w.name}: {len(b):,} violations, identical to govmedia {sha[:10]}")
    return lines


# ---------------------------------------------------------------- report


def _machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "unknown"
    return [
        f"- CPU: {cpu}; nproc {os.cpu_count()}, usable {len(os.sched_getaffinity(0))}; memory {memory}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
    ]


def _project_state() -> str:
    try:
        head = _git(PROJECT, "rev-parse", "--short", "HEAD").strip()
        dirty = _git(PROJECT, "status", "--porcelain", "--untracked-files=no").strip()
    except (subprocess.CalledProcessError, OSError):
        return "not a git checkout"
    return f"commit {head}" + (" with uncommitted changes" if dirty else "")


def _verdict(ok: bool, judged: bool) -> str:
    text = "met" if ok else "**not met**"
    return text if judged else f"({text.strip('*')})"


def workload_table(w: Workload) -> list[str]:
    s = w.series
    lines = [
        f"## {w.name}",
        "",
        f"{w.files:,} record files, {w.posts:,} posts, {w.megabytes:.1f} MB of TOML; "
        f"{sum(w.violations.values()):,} violations"
        + (f" ({', '.join(f'{k} {n:,}' for k, n in w.violations.items())})" if w.violations else "")
        + ".",
        "",
        "| measurement | wall s | CPU s | peak MB | wall x floor | CPU x floor |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def row(label: str, key: str, base: str | None) -> None:
        if key not in s or not s[key].runs:
            return
        x = s[key]
        wall_r = f"{paired(x, s[base]):.2f}" if base else ""
        cpu_r = f"{paired(x, s[base], 'cpu'):.2f}" if base else ""
        lines.append(
            f"| {label} | {x.median('wall'):.2f} | {x.median('cpu'):.2f} | {x.peak():.0f} "
            f"| {wall_r} | {cpu_r} |"
        )

    row("floor: a process reading + parsing every record file with rtoml", "floor", None)
    row("`govmedia check HEAD`, empty cache (cold)", "cold", "floor")
    row("`govmedia check HEAD` again (warm cache)", "warm", "floor")
    row("`govmedia hook run`, one post added and staged", "hook", None)
    row("floor, just before the site", "site-floor", None)
    row("`govmedia site` (warm check cache)", "site", "site-floor")
    row("`govmedia site` again after one post added and committed", "rebuild", None)
    lines.append("")
    lines += [f"- {note}" for note in w.notes]
    lines.append("")
    return lines


def aims(workloads: list[Workload], scale: dict[str, Any] | None) -> list[str]:
    """The aims table: one row per aim and large workload."""
    lines = [
        "## Aims",
        "",
        "Judged on the two large workloads from the paired ratios of this run (the median",
        "of the round-by-round ratios); the sample's verdicts are in parentheses: there",
        "Python's start-up and imports (about 0.3 s) outweigh the parsing.",
        "",
        "| aim | workload | measured | |",
        "|---|---|---:|---|",
    ]
    by_key = {w.key: w for w in workloads}

    def add(aim: str, w: Workload, value: float | None, ok: bool, unit: str) -> None:
        shown = "not measured" if value is None else f"{value:.2f}{unit}"
        verdict = "**not measured**" if value is None else _verdict(ok, w.judged)
        lines.append(f"| {aim} | {w.key} | {shown} | {verdict} |")

    for w in workloads:
        s = w.series
        if "cold" in s:
            r = paired(s["cold"], s["floor"], "cpu")
            add(f"cold check CPU ≤ {COLD_CPU_RATIO:g}x floor", w, r, r <= COLD_CPU_RATIO, "x")
            r = paired(s["cold"], s["floor"])
            add(f"cold check wall ≤ {COLD_WALL_RATIO:g}x floor", w, r, r <= COLD_WALL_RATIO, "x")
        if "warm" in s:
            r = paired(s["warm"], s["floor"])
            add(f"warm check wall ≤ {WARM_RATIO:g}x floor", w, r, r <= WARM_RATIO, "x")
        if "site" in s:
            r = paired(s["site"], s["site-floor"])
            add(f"site wall ≤ {SITE_RATIO:g}x floor", w, r, r <= SITE_RATIO, "x")
        elif w.judged and "cold" in s:
            add(f"site wall ≤ {SITE_RATIO:g}x floor", w, None, False, "")
        if "rebuild" in s:
            v = s["rebuild"].median("wall")
            add(
                f"site rebuild after one change ≤ {REBUILD_SECONDS:g} s",
                w,
                v,
                v <= REBUILD_SECONDS,
                " s",
            )
    dirty, clean = by_key.get("dirty"), by_key.get("large")
    if dirty and dirty.series.get("hook") and dirty.series["hook"].runs:
        v = dirty.series["hook"].median("wall")
        add(f"hook ≤ {HOOK_SECONDS:g} s with ~20k violations", dirty, v, v <= HOOK_SECONDS, " s")
        if clean and clean.series.get("hook") and clean.series["hook"].runs:
            d = paired_diff(dirty.series["hook"], clean.series["hook"])
            lines.append(
                f"| hook with ~20k violations minus hook with none ≤ {HOOK_SPREAD * 1000:g} ms "
                f"| dirty − large | {d * 1000:.0f} ms | {_verdict(d <= HOOK_SPREAD, True)} |"
            )
            v = clean.series["hook"].median("wall")
            add(f"hook ≤ {HOOK_SECONDS:g} s with no violation", clean, v, v <= HOOK_SECONDS, " s")
    if scale:
        # The whole process tree (the main process and its workers together), the stricter.
        gb = float(scale.get("cold_tree_peak_mb", scale["cold_peak_mb"])) / 1024
        ok = gb < SCALE_PEAK_GB
        lines.append(
            f"| cold check peak memory (process tree) < {SCALE_PEAK_GB:g} GB at 10x | "
            f"{int(scale['posts']):,} posts | {gb:.2f} GB | {_verdict(ok, True)} |"
        )
    else:
        lines.append(
            f"| cold check peak memory (process tree) < {SCALE_PEAK_GB:g} GB at 10x | 10x | "
            "not measured (bench/scale.py) | **not measured** |"
        )
    lines.append("")
    return lines


def scale_section(scale: dict[str, Any] | None) -> list[str]:
    if not scale:
        return []
    return [
        "## 10x workload (bench/scale.py, a separate run)",
        "",
        f"{int(scale['accounts']):,} accounts x {scale['years']} years, "
        f"{int(scale['files']):,} record files, {int(scale['posts']):,} posts, "
        f"{float(scale['megabytes']):.0f} MB of TOML; measured {scale['date']} at govmedia "
        f"{scale['commit']}, load average {scale['load']}; {int(scale['violations']):,} "
        "violations found, exactly the planted ones.",
        "",
        "| measurement | wall s | CPU s | peak MB, largest process | peak MB, process tree |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {label} | {float(scale[k + '_wall']):.1f} | {float(scale[k + '_cpu']):.1f} "
            f"| {float(scale[k + '_peak_mb']):.0f} | {float(scale.get(k + '_tree_peak_mb', 0)):.0f} |"
            for k, label in (
                ("floor", "floor (rtoml)"),
                ("cold", "`govmedia check HEAD`, empty cache"),
                ("warm", "`govmedia check HEAD`, warm cache"),
            )
            if f"{k}_wall" in scale
        ),
        "",
    ]


def report(
    workloads: list[Workload],
    load: tuple[str, str],
    started: datetime,
    repeat: int,
    scale: dict[str, Any] | None,
    compared: list[str],
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py` (`make bench`); do not edit by hand. What each number",
        "means and how to run it: [bench/README.md](bench/README.md).",
        "",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')}; govmedia at {_project_state()}",
        *_machine(),
        f"- Load average (1 min) at start {load[0]}, at end {load[1]}; other work on the",
        "  machine slows the wall-clock times (CPU seconds are less affected)",
        f"- {repeat} rounds of floor, cold check and warm check on each workload, and {repeat}",
        "  hook runs alternating between the workloads; times are medians in seconds, ratios",
        "  the median of the round-by-round ratios. The site: one run, paired with one floor.",
        "",
        *aims(workloads, scale),
    ]
    for w in workloads:
        lines += workload_table(w)
    lines += scale_section(scale)
    if compared:
        lines += ["## Behaviour unchanged", "", *(f"- {c}" for c in compared), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "govmedia-bench",
        help="where the repositories, caches and reference violations live (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds per measurement")
    parser.add_argument("--accounts", type=int, default=300, help="accounts of the large banners")
    parser.add_argument("--years", type=int, default=5, help="years of posts of the large banners")
    parser.add_argument(
        "--violations", type=int, default=20000, help="planted violations of the dirty banner"
    )
    parser.add_argument(
        "--reviewers", type=int, default=100000, help="distinct reviewers of the dirty banner"
    )
    parser.add_argument("--output", type=Path, default=None, help="default: BENCHMARKS.md")
    parser.add_argument("--no-sample", action="store_true", help="skip the bundled sample")
    parser.add_argument("--no-large", action="store_true", help="skip the clean large banner")
    parser.add_argument("--no-dirty", action="store_true", help="skip the many-violations banner")
    parser.add_argument("--no-site", action="store_true", help="skip the site builds")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 30 accounts x 1 year, 600 violations, 2 rounds, no site; "
        "written to WORKDIR/BENCHMARKS-quick.md unless --output",
    )
    parser.add_argument(
        "--accept-violations",
        action="store_true",
        help="record this run's violations as the reference (after an intended change)",
    )
    parser.add_argument(
        "--compare-with",
        metavar="REF",
        help="also check every workload with govmedia at REF (its tree exported with git "
        "archive): the same violations",
    )
    parser.add_argument(
        "--site-timeout", type=float, default=600, help="stop a site build after this many seconds"
    )
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keys", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        return floor_main(args.floor)
    if args.keys:
        return keys_main(args.keys)
    workdir: Path = args.workdir.resolve()
    if args.quick:
        args.accounts, args.years, args.repeat, args.no_site = 30, 1, 2, True
        args.violations, args.reviewers = 600, 2000
    output = args.output or (
        workdir / "BENCHMARKS-quick.md" if args.quick else PROJECT / "BENCHMARKS.md"
    )

    started = datetime.now(UTC)
    load_start = f"{os.getloadavg()[0]:.1f}"
    workdir.mkdir(parents=True, exist_ok=True)
    workloads: list[Workload] = []
    if not args.no_sample:
        found = sample_repo(workdir)
        if found is None:
            raise BenchError("no bundled sample (records/ is empty or absent); use --no-sample")
        workloads.append(Workload("sample", "Bundled sample (records/)", *found, judged=False))
    size = f"{args.accounts} accounts x {args.years} year{'s' if args.years != 1 else ''}"
    if not args.no_large:
        repo, key = large_repo(workdir, "large", args.accounts, args.years)
        workloads.append(Workload("large", f"Clean large banner ({size})", repo, key))
    if not args.no_dirty:
        repo, key = large_repo(
            workdir, "dirty", args.accounts, args.years, args.violations, args.reviewers
        )
        manifest = json.loads((repo / "planted.json").read_text("utf-8"))
        name = f"Many-violations large banner ({size}, {args.reviewers:,} reviewers)"
        workloads.append(Workload("dirty", name, repo, key, manifest=manifest))
    if not workloads:
        raise BenchError("nothing to measure")
    for w in workloads:
        measure_checks(w, workdir, args.repeat, args.accept_violations)
    measure_hooks(workloads, workdir, args.repeat)
    if not args.no_site:
        for w in workloads:
            measure_site(w, workdir, args.site_timeout)
    compared = compare_with(args.compare_with, workloads, workdir) if args.compare_with else []
    scale_file = workdir / "scale.json"
    scale = json.loads(scale_file.read_text()) if scale_file.is_file() else None
    load = (load_start, f"{os.getloadavg()[0]:.1f}")
    text = report(workloads, load, started, args.repeat, scale, compared)
    output.write_text(text if text.endswith("\n") else text + "\n", "utf-8")
    sys.stdout.write(text + "\n")
    _log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
