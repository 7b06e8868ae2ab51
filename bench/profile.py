"""Profiles of the cold check, the hook and the site: the top functions, for bench/README.md.

``.venv/bin/python bench/profile.py`` profiles, with cProfile, on the workloads of
``bench/run.py`` (the same work directory and arguments, so the repositories are
reused):

- the cold check (``govmedia check HEAD``, empty cache) of the clean large banner;
- the hook (``govmedia hook run``, one post added and staged, warm cache) of the
  many-violations banner (~20,000 existing violations);
- the site (``govmedia site``, warm check cache) of the clean large banner.

Each runs in one process (``GOVMEDIA_JOBS=1``: cProfile sees no worker process), so
its times are CPU of one core, slower than the timed runs and inflated by the
profiler. The top functions by own time (tottime) and by time including callees
(cumtime) replace the part of bench/README.md between the profile markers
(``--readme``), or are printed (``--print``).
"""

from __future__ import annotations

import argparse
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, beside this file

PROJECT = bench.PROJECT
BEGIN = "<!-- profiles:begin (bench/profile.py writes this part) -->"
END = "<!-- profiles:end -->"


def _where(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return f"`{name}`"  # a built-in
    parts = Path(path).parts
    if "site-packages" in parts:
        shown = "/".join(parts[parts.index("site-packages") + 1 :])
    else:
        try:
            shown = Path(path).resolve().relative_to(PROJECT).as_posix()
        except ValueError:
            cut = max((i for i, part in enumerate(parts) if part.startswith("python3")), default=-1)
            shown = "/".join(parts[cut + 1 :]) if cut >= 0 else Path(path).name
    return f"`{shown}:{line}({name})`"


# Frames every command passes through (start-up, click's dispatch): left out of the
# cumtime table, where they would fill the top rows with the whole run's time.
WRAPPERS = ("<frozen runpy>", "click/", "engine/cli.py", "<string>", "builtins.exec", "cProfile")


def _wrapper(func: tuple[str, int, str]) -> bool:
    where = _where(func)
    if "importlib._bootstrap" in where or "__import__" in where:
        return func[2] != "_find_and_load"  # imports: one row, all of them
    return any(w in where for w in WRAPPERS) or func[2] in ("<module>", "main", "invoke")


def top(profile: Path, sort: str, limit: int) -> list[str]:
    stats = pstats.Stats(str(profile), stream=io.StringIO())
    stats.sort_stats(sort)
    rows = [
        "| ncalls | tottime s | cumtime s | function |",
        "|---:|---:|---:|---|",
    ]
    entries = stats.stats  # type: ignore[attr-defined]
    funcs = stats.fcn_list  # type: ignore[attr-defined]
    if sort == "cumulative":
        funcs = [f for f in funcs if not _wrapper(f)]
    for func in funcs[:limit]:
        cc, nc, tt, ct, _callers = entries[func]
        calls = f"{nc}/{cc}" if nc != cc else f"{nc}"
        rows.append(f"| {calls} | {tt:.2f} | {ct:.2f} | {_where(func)} |")
    return rows


def profiled(
    args: list[str], env: dict[str, str], out: Path, ok: tuple[int, ...] = (0, 1)
) -> float:
    env = {**env, "GOVMEDIA_JOBS": "1"}
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "engine.cli", *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=PROJECT, capture_output=True, check=False)
    if proc.returncode not in ok or not out.is_file():
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-3000:])
        raise SystemExit(f"profile: {' '.join(args)} exited {proc.returncode}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "govmedia-bench"
    )
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--violations", type=int, default=20000)
    parser.add_argument("--reviewers", type=int, default=100000)
    parser.add_argument("--top", type=int, default=10, help="functions per table")
    parser.add_argument("--no-site", action="store_true")
    parser.add_argument("--quick", action="store_true", help="30 accounts x 1 year, no site")
    parser.add_argument("--readme", type=Path, default=PROJECT / "bench" / "README.md")
    parser.add_argument("--print", action="store_true", help="print, do not touch the README")
    args = parser.parse_args(argv)
    if args.quick:
        args.accounts, args.years, args.violations, args.reviewers = 30, 1, 600, 2000
        args.no_site = True
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    large, _ = bench.large_repo(workdir, "large", args.accounts, args.years)
    dirty, _ = bench.large_repo(
        workdir, "dirty", args.accounts, args.years, args.violations, args.reviewers
    )
    profiles = workdir / "profiles"
    shutil.rmtree(profiles, ignore_errors=True)
    profiles.mkdir()
    started = datetime.now(UTC)
    load = f"{bench.os.getloadavg()[0]:.1f}"
    sections: list[tuple[str, Path, float]] = []

    bench._log("profile: cold check of the clean large banner")
    cache = profiles / "cache-large"
    prof = profiles / "cold.prof"
    seconds = profiled(["check", "HEAD", "--repo", str(large)], bench._env(cache), prof)
    sections.append(
        ("Cold check (`govmedia check HEAD`, empty cache), clean large banner", prof, seconds)
    )

    bench._log("profile: hook on the many-violations banner")
    dcache = profiles / "cache-dirty"
    env = bench._env(dcache, GOVMEDIA_AS_OF=bench.LARGE_DATE[:10])
    bench.run([*bench.govmedia(), "check", "HEAD", "--repo", str(dirty)], bench._env(dcache))
    bench.run([*bench.govmedia(), "hook", "run", "--repo", str(dirty)], env, ok=(0,))
    target = dirty / bench._last_month_files(dirty)[0]
    original = target.read_bytes()
    prof = profiles / "hook.prof"
    try:
        target.write_bytes(original + bench._new_post(time.time_ns() % 10**9).encode())
        bench._git(dirty, "add", "--", str(target))
        seconds = profiled(["hook", "run", "--repo", str(dirty)], env, prof, ok=(0,))
    finally:
        target.write_bytes(original)
        bench._git(dirty, "add", "--", str(target))
    sections.append(
        (
            "Hook (`govmedia hook run`, one post added, warm cache), many-violations banner",
            prof,
            seconds,
        )
    )

    if not args.no_site:
        bench._log("profile: site of the clean large banner")
        out = profiles / "site"
        prof = profiles / "site.prof"
        site = [
            "site",
            "--repo",
            str(large),
            "--config",
            str(PROJECT / "mkdocs.yml"),
            "-o",
            str(out),
        ]
        seconds = profiled(site, bench._env(cache), prof, ok=(0,))
        sections.append(
            ("Site (`govmedia site`, warm check cache), clean large banner", prof, seconds)
        )

    lines = [
        BEGIN,
        "",
        f"Made by `bench/profile.py` on {started.strftime('%Y-%m-%d %H:%M UTC')}, govmedia at "
        f"{bench._project_state()}, {args.accounts} accounts x {args.years} years, load "
        f"average {load}. One process each (`GOVMEDIA_JOBS=1`), under cProfile: the seconds "
        "are inflated by the profiler; compare the functions, not the totals. The "
        "cumtime tables leave out the frames every command passes through (runpy, click, "
        "engine/cli.py, module bodies) and show the import machinery as one row "
        "(`_find_and_load`: all imports).",
        "",
    ]
    for title, prof, seconds in sections:
        lines += [f"### {title}: {seconds:.1f} s under the profiler", ""]
        lines += [f"Top {args.top} by own time (tottime):", "", *top(prof, "tottime", args.top), ""]
        lines += [
            f"Top {args.top} by time with callees (cumtime):",
            "",
            *top(prof, "cumulative", args.top),
            "",
        ]
    lines.append(END)
    text = "\n".join(lines)
    if args.print:
        print(text)
        return 0
    readme = args.readme.read_text("utf-8")
    if BEGIN in readme and END in readme:
        head, rest = readme.split(BEGIN, 1)
        readme = head + text + rest.split(END, 1)[1]
    else:
        readme = readme.rstrip("\n") + "\n\n## Profiles\n\n" + text + "\n"
    args.readme.write_text(readme, "utf-8")
    bench._log(f"wrote the profiles into {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
