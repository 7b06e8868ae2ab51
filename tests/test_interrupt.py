"""A cold check interrupted (Ctrl-C, SIGTERM) stops its worker processes and says so briefly."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"
)


def _synth() -> Any:
    spec = importlib.util.spec_from_file_location("synth_interrupt", ROOT / "bench" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth_interrupt"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A banner big enough that a cold check runs for a few seconds in worker processes."""
    root = tmp_path_factory.mktemp("large")
    # A cold check of 240 accounts x 3 years runs about two seconds on two cores: long
    # enough to interrupt it in its workers, even on a fast machine.
    _synth().build_large(root, 240, 3)
    return root


def _reap(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc``'s group if it still runs, and close its pipes whatever happened."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid``, from /proc (no psutil)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":  # zombies are dead already
            parents[int(entry)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _signal(proc: subprocess.Popen[str], signum: int, group: bool, timeout: float) -> str:
    """Send ``signum`` to the command (to its whole process group, as Ctrl-C does, if
    ``group``) and return what it wrote to stderr."""
    if group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    return proc.communicate(timeout=timeout)[1]


def _assert_all_ended(pids: set[int], what: str) -> None:
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)], what


@pytest.mark.parametrize(
    ("signum", "group", "code", "words"),
    [
        (signal.SIGINT, True, 130, "已中断"),  # Ctrl-C: the terminal signals the whole group
        (signal.SIGTERM, False, 143, "已终止"),  # kill <pid>: the parent alone
        (signal.SIGKILL, False, -signal.SIGKILL, ""),  # kill -9: no clean-up, the kernel's
    ],
    ids=["ctrl-c", "sigterm", "sigkill"],
)
def test_interrupted_cold_check_leaves_no_workers(
    large_repo: Path, tmp_path: Path, signum: int, group: bool, code: int, words: str
) -> None:
    env = {
        **os.environ,
        "GOVMEDIA_CACHE_DIR": str(tmp_path / "cache"),
        "GOVMEDIA_JOBS": "2",  # workers even on a one-core machine
    }
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "engine.cli", "check", "--repo", str(large_repo)),
            *("--as-of", "2026-11-26", "--format", "json", "-o", str(tmp_path / "report.json")),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a command run in a terminal
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(seen) < 2 and time.monotonic() < deadline and proc.poll() is None:
            seen |= _children(proc.pid)
            time.sleep(0.02)
        assert proc.poll() is None, "the check ended before it could be interrupted"
        assert seen, "no worker process started"
        time.sleep(0.1)  # let the workers get into their partitions
        seen |= _children(proc.pid)
        assert proc.poll() is None, "the check ended before it could be interrupted"
        err = _signal(proc, signum, group, 30)
    finally:
        _reap(proc)
    assert proc.returncode == code, err
    if words:
        assert words in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "report.json").exists()
    _assert_all_ended(seen, "worker processes outlived the check")


@pytest.mark.parametrize(
    ("signum", "group", "code", "words"),
    [
        (signal.SIGINT, True, 130, "已中断"),
        (signal.SIGKILL, False, -signal.SIGKILL, ""),
    ],
    ids=["ctrl-c", "sigkill"],  # SIGTERM takes the same way out as Ctrl-C (the check tests it)
)
def test_interrupted_site_history_leaves_no_workers(
    large_repo: Path, tmp_path: Path, signum: int, group: bool, code: int, words: str
) -> None:
    """The site's history judges past months in spawned workers: they are stopped too."""
    from conftest import git
    from test_site_fixture import write_config

    repo = tmp_path / "repo"
    subprocess.run(["cp", "-a", str(large_repo), str(repo)], check=True)
    git(repo, "init", "-q")
    unit = sorted((repo / "records" / "units").glob("*/unit.toml"))[0]
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        stamp = f"{month}-15T12:00:00+08:00"
        with unit.open("a", encoding="utf-8") as fh:  # a new records tree every month
            fh.write(f"# {month}\n")
        git(repo, "add", "-A")
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        git(repo, "commit", "-q", "-m", month, env=env)
    config = write_config(repo)
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "engine.cli", "site", "--repo", str(repo)),
            *("--as-of", "2026-11-26", "--config", str(config)),
            *("--output", str(tmp_path / "site")),
        ],
        cwd=repo,
        env={**os.environ, "GOVMEDIA_CACHE_DIR": str(tmp_path / "cache")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen: set[int] = set()
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        # Spawned workers run "multiprocessing.spawn"; git subprocesses come and go.
        while not workers and time.monotonic() < deadline and proc.poll() is None:
            for pid in _children(proc.pid):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                seen.add(pid)
                if b"multiprocessing" in cmdline:
                    workers.add(pid)
            time.sleep(0.02)
        assert proc.poll() is None, "the site build ended before it could be interrupted"
        assert workers, "no history worker started"
        time.sleep(0.5)
        seen |= _children(proc.pid)
        err = _signal(proc, signum, group, 60)
    finally:
        _reap(proc)
    assert proc.returncode == code, err
    if words:
        assert words in err and "Traceback" not in err, err
    _assert_all_ended(seen, "history workers outlived the site build")


def test_stopped_workers_leave_no_pool_thread_behind() -> None:
    """After ``stop_workers`` the pool's manager thread has ended: at exit CPython wakes
    every live one through a pipe the thread may be closing meanwhile, and printed
    "Exception ignored ... Bad file descriptor" when it lost that race."""
    from engine.pool import new_pool, stop_workers

    pool = new_pool(2, "fork")
    futures = [pool.submit(time.sleep, 30) for _ in range(2)]
    time.sleep(0.5)  # both workers busy
    manager = pool._executor_manager_thread  # type: ignore[attr-defined]
    assert manager is not None and manager.is_alive()
    stop_workers(pool)
    assert not manager.is_alive()
    assert all(f.done() for f in futures)


def test_bad_input_found_by_workers_is_one_clean_message(large_repo: Path, tmp_path: Path) -> None:
    """An input error met while workers run is one clean message and exit 2."""
    repo = tmp_path / "repo"
    subprocess.run(["cp", "-a", str(large_repo), str(repo)], check=True)
    post_file = sorted((repo / "records" / "accounts").glob("*/posts/*.toml"))[-1]
    post_file.write_text(post_file.read_text("utf-8") + '\n[[post]]\ntitle = "缺少发布时间"\n')
    out = subprocess.run(
        [sys.executable, "-m", "engine.cli", "check", "--repo", str(repo), "--as-of", "2026-11-26"],
        cwd=ROOT,
        env={**os.environ, "GOVMEDIA_CACHE_DIR": str(tmp_path / "cache"), "GOVMEDIA_JOBS": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("错误: ") and post_file.name in out.stderr, out.stderr
    assert "Exception" not in out.stderr and "Traceback" not in out.stderr, out.stderr
