"""Benchmarks: time govmedia on the bundled sample and on a large synthetic repository.

Run with ``make bench`` (or ``.venv/bin/python bench/run.py --help``). Each number
is the median of several runs, in seconds of wall-clock time, and as a ratio to
the *floor* measured in the same run on the same files: reading every record
file and parsing it with rtoml, the fastest TOML parser govmedia uses. The
results are written to BENCHMARKS.md; what each number means is in
bench/README.md.

The large repository is made by ``bench/synth.py large ... --git`` under the work
directory and reused while the generator and its arguments are unchanged. The
sample is the project's ``records/``, copied into a fresh git repository there.
Nothing in the project's own git repository is touched.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import rtoml

PROJECT = Path(__file__).resolve().parent.parent
SYNTH = PROJECT / "bench" / "synth.py"
GOVMEDIA = [sys.executable, "-m", "engine.cli"]
FIXED_DATE = "2026-11-26T09:00:00+08:00"  # commit date of the sample copy: the demo's check date

# The aims of the issue "Foundation", item 8 "Scale".
COLD_FLOOR_RATIO = 3.0
WARM_SECONDS = 1.0
HOOK_SECONDS = 1.0


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


@dataclass
class RepoResult:
    name: str
    path: Path
    files: int = 0
    posts: int = 0
    megabytes: float = 0.0
    timings: dict[str, Timing] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    judged: bool = True  # the aims are judged here (else shown in parentheses)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(
    args: Sequence[str],
    env: dict[str, str],
    ok: tuple[int, ...] = (0, 1),
    timeout: float | None = None,
) -> tuple[float, float]:
    """Run a command; return its wall-clock and CPU seconds (its children included)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        list(args),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        timeout=timeout,
    )
    wall = time.perf_counter() - started
    if proc.returncode not in ok:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"bench: {' '.join(args)} exited {proc.returncode}")
    return wall, _children_cpu() - cpu


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["GOVMEDIA_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = str(PROJECT)
    env.pop("GOVMEDIA_JOBS", None)
    return env


def _log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- repositories


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def large_repo(workdir: Path, accounts: int, years: int) -> Path | None:
    """The synthetic repository, generated once per generator version and arguments."""
    if not SYNTH.is_file():
        return None
    key = hashlib.sha256(SYNTH.read_bytes() + f"\0{accounts}\0{years}".encode()).hexdigest()[:12]
    repo = workdir / f"large-{key}"
    done = workdir / f"large-{key}.ok"
    if done.is_file() and (repo / ".git").is_dir():
        _log(f"reusing {repo}")
        return repo
    for stale in workdir.glob("large-*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    _log(f"generating {repo} ({accounts} accounts x {years} years)")
    subprocess.run(
        [
            sys.executable,
            str(SYNTH),
            "large",
            "--out",
            str(repo),
            "--accounts",
            str(accounts),
            "--years",
            str(years),
            "--git",
        ],
        check=True,
    )
    # One pack, as a long-lived repository would have. The generator's commit may
    # have started `git gc --auto` in the background: wait for its lock.
    for _ in range(60):
        gc = ["git", "-C", str(repo), "gc", "-q"]
        if subprocess.run(gc, check=False, capture_output=True).returncode == 0:
            break
        time.sleep(5)
    else:
        raise SystemExit(f"bench: git gc failed in {repo}")
    done.write_text(key)
    return repo


def sample_repo(workdir: Path) -> Path | None:
    """A git repository holding a copy of the project's records/ (one commit)."""
    source = PROJECT / "records"
    if not source.is_dir() or not any(source.iterdir()):
        return None
    repo = workdir / f"sample-{_tree_digest(source)}-{FIXED_DATE[:10]}"
    if (repo / ".git").is_dir():
        return repo
    for stale in workdir.glob("sample-*"):
        shutil.rmtree(stale)
    shutil.copytree(source, repo / "records")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A", "records"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "sample"], check=True, env=env)
    return repo


# ---------------------------------------------------------------- measurements


def floor(repo: Path) -> tuple[float, int, int, int]:
    """Seconds to read and parse every record file with rtoml; files, posts and bytes seen."""
    started = time.perf_counter()
    files = posts = size = 0
    for path in sorted((repo / "records").rglob("*.toml")):
        data = path.read_bytes()
        parsed = rtoml.loads(data.decode("utf-8"))
        files += 1
        size += len(data)
        if path.parent.name == "posts":
            posts += len(parsed.get("post", []))
    return time.perf_counter() - started, files, posts, size


def _repeat(times: int, once: Callable[[int], tuple[float, float]]) -> Timing:
    timing = Timing()
    for i in range(times):
        wall, cpu = once(i)
        timing.wall.append(wall)
        timing.cpu.append(cpu)
    return timing


def _cache_entries(cache_dir: Path) -> int:
    return sum(1 for _ in cache_dir.rglob("*.json")) if cache_dir.is_dir() else 0


def measure(
    result: RepoResult, workdir: Path, repeat: int, site: bool, site_timeout: float
) -> None:
    repo = result.path
    caches = workdir / "caches"
    shutil.rmtree(caches, ignore_errors=True)
    caches.mkdir(parents=True)
    check = [*GOVMEDIA, "check", "HEAD", "--repo", str(repo)]

    _log(f"{result.name}: floor")
    floor(repo)  # once untimed: the files in the page cache, as git's objects will be
    runs = []
    for _ in range(repeat):
        seconds, result.files, result.posts, size = floor(repo)
        runs.append(seconds)
    result.megabytes = size / 1e6
    result.timings["floor"] = Timing(wall=runs)

    _log(f"{result.name}: cold check")
    cache_dir = caches / "cold"

    def cold(i: int) -> tuple[float, float]:
        shutil.rmtree(cache_dir, ignore_errors=True)
        return _run(check, _env(cache_dir))

    result.timings["cold"] = _repeat(repeat, cold)
    entries = _cache_entries(cache_dir)

    _log(f"{result.name}: warm check")
    warm = _repeat(repeat, lambda i: _run(check, _env(cache_dir)))
    written = _cache_entries(cache_dir) - entries
    if written:
        warm.note = (
            f"the warm runs wrote {written} cache entries: code or rulebook changed meanwhile?"
        )
        result.notes.append(f"warm check: {warm.note}")
    result.timings["warm"] = warm

    _log(f"{result.name}: hook after one changed post file")
    hook = [*GOVMEDIA, "hook", "run", "--repo", str(repo)]
    _run(hook, _env(cache_dir))  # the hook's own date (today) and base HEAD, cached once
    post_files = sorted(_git(repo, "ls-files", "records/accounts/*/posts/*.toml").split())
    if not post_files:
        result.notes.append("hook: no post file to change")
    else:
        nonce = time.time_ns()

        def hook_once(i: int) -> tuple[float, float]:
            target = repo / post_files[(i * 7919) % len(post_files)]
            original = target.read_bytes()
            try:
                target.write_bytes(original + f"# bench {nonce} {i}\n".encode())
                _git(repo, "add", "--", str(target))
                return _run(hook, _env(cache_dir))
            finally:
                target.write_bytes(original)
                _git(repo, "add", "--", str(target))

        result.timings["hook"] = _repeat(repeat, hook_once)

    if site:
        config = PROJECT / "mkdocs.yml"
        if not (PROJECT / "engine" / "commands" / "site.py").is_file() or not config.is_file():
            result.notes.append("site: skipped (no engine/commands/site.py or mkdocs.yml)")
        else:
            _log(f"{result.name}: site build (warm check cache)")
            out = workdir / f"site-{result.name}"
            shutil.rmtree(out, ignore_errors=True)
            site_cmd = [
                *GOVMEDIA,
                "site",
                "--repo",
                str(repo),
                "--config",
                str(config),
                "-o",
                str(out),
            ]
            try:
                timing = _repeat(
                    1, lambda i: _run(site_cmd, _env(cache_dir), ok=(0,), timeout=site_timeout)
                )
            except subprocess.TimeoutExpired:
                result.notes.append(f"site: not finished within {site_timeout:g} s, stopped")
            else:
                result.timings["site"] = timing


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


ROWS = [
    ("floor", "floor: read + parse every record file with rtoml"),
    ("cold", "`govmedia check HEAD`, empty cache"),
    ("warm", "`govmedia check HEAD` again (warm cache)"),
    ("hook", "`govmedia hook run` after `git add` of one changed post file"),
    ("site", "`govmedia site` (warm cache)"),
]


def _aim(key: str, timing: Timing, floor_s: float) -> tuple[str, str]:
    if key == "cold":
        ratio = timing.median / floor_s
        return (
            f"≤ {COLD_FLOOR_RATIO:g}x floor",
            "met" if ratio <= COLD_FLOOR_RATIO else "**not met**",
        )
    if key == "warm":
        return f"< {WARM_SECONDS:g} s", "met" if timing.median < WARM_SECONDS else "**not met**"
    if key == "hook":
        return f"< {HOOK_SECONDS:g} s", "met" if timing.median < HOOK_SECONDS else "**not met**"
    return "", ""


def report(results: list[RepoResult], load: tuple[str, str], started: datetime, repeat: int) -> str:
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
        f"- Each time is the median of {repeat} runs (the site build: one run), in seconds.",
        f'- Aims (issue "Foundation", item 8): cold check within {COLD_FLOOR_RATIO:g}x the floor,',
        f"  warm check and hook under {WARM_SECONDS:g} s, judged on the large repository; on the",
        "  small sample Python's start-up and imports (about 0.3 s) outweigh the parsing, so",
        "  its verdicts are only shown, in parentheses.",
        "",
    ]
    for result in results:
        floor_s = result.timings["floor"].median
        lines += [
            f"## {result.name}",
            "",
            f"{result.files:,} record files, {result.posts:,} posts, {result.megabytes:.0f} MB of TOML.",
            "",
            "| measurement | wall s | x floor | CPU s | aim | |",
            "|---|---:|---:|---:|---|---|",
        ]
        for key, label in ROWS:
            timing = result.timings.get(key)
            if timing is None:
                continue
            aim, verdict = _aim(key, timing, floor_s)
            if verdict and not result.judged:
                verdict = f"({verdict.strip('*')})"
            cpu = "" if key == "floor" else f"{timing.cpu_median:.2f}"
            lines.append(
                f"| {label} | {timing.median:.2f} | {timing.median / floor_s:.1f} | {cpu} | {aim} | {verdict} |"
            )
        lines.append("")
        for note in result.notes:
            lines.append(f"- {note}")
        if result.notes:
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "govmedia-bench",
        help="where the repositories and caches live (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--accounts", type=int, default=300, help="accounts in the large repository"
    )
    parser.add_argument(
        "--years", type=int, default=5, help="years of posts in the large repository"
    )
    parser.add_argument("--output", type=Path, default=PROJECT / "BENCHMARKS.md")
    parser.add_argument("--no-sample", action="store_true", help="skip the bundled sample")
    parser.add_argument("--no-large", action="store_true", help="skip the large repository")
    parser.add_argument("--no-site", action="store_true", help="skip the site builds")
    parser.add_argument(
        "--site-timeout", type=float, default=600, help="stop a site build after this many seconds"
    )
    args = parser.parse_args(argv)

    started = datetime.now(UTC)
    load_start = f"{os.getloadavg()[0]:.1f}"
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[RepoResult] = []
    missing: list[str] = []
    if not args.no_sample:
        repo = sample_repo(workdir)
        if repo is None:
            missing.append("the bundled sample (records/ is empty or absent)")
        else:
            results.append(RepoResult("Bundled sample (records/)", repo, judged=False))
    if not args.no_large:
        repo = large_repo(workdir, args.accounts, args.years)
        if repo is None:
            missing.append("the large repository (bench/synth.py is absent)")
        else:
            name = f"Large synthetic repository ({args.accounts} accounts x {args.years} years)"
            results.append(RepoResult(name, repo))
    if len(results) == 1:
        results[0].judged = True  # the only repository measured
    for result in results:
        measure(result, workdir, args.repeat, not args.no_site, args.site_timeout)
    text = report(results, (load_start, f"{os.getloadavg()[0]:.1f}"), started, args.repeat)
    if missing:
        text += "\nNot measured: " + "; ".join(missing) + ".\n"
    args.output.write_text(text if text.endswith("\n") else text + "\n", "utf-8")
    sys.stdout.write(text + "\n")
    _log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
