"""engine/pool.py: cold partitions computed by forked workers, in order, and in the main
process when a worker fails; Ctrl-C held back while workers are spawned."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from contextlib import closing
from functools import partial
from typing import Any

import pytest

from engine import pool

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked"
)

Task = Callable[[], dict[str, Any]]


def _where(n: int) -> dict[str, Any]:
    return {"n": n, "pid": os.getpid()}


def _run(tasks: list[Task]) -> tuple[list[dict[str, Any]], list[str]]:
    """The results, and what the parent was asked to do: read ahead ("read") or let go
    of its reader before forking ("release")."""
    asked: list[str] = []
    with closing(
        pool.compute_all(tasks, partial(asked.append, "read"), partial(asked.append, "release"))
    ) as results:
        return list(results), asked


def _tasks(n: int, task: Callable[[int], dict[str, Any]] = _where) -> list[Task]:
    return [partial(task, i) for i in range(n)]


def test_many_tasks_run_in_workers_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVMEDIA_JOBS", "2")
    results, prefetched = _run(_tasks(pool._MIN_PARALLEL))
    assert [r["n"] for r in results] == list(range(pool._MIN_PARALLEL))
    assert os.getpid() not in {r["pid"] for r in results}
    assert prefetched == ["release"]  # each worker reads its own files
    assert pool._TASKS == []  # the tasks are let go of once the pool is done


@pytest.mark.parametrize(
    ("jobs", "count", "asked"),
    [
        # Many tasks on one core: each reads its own files as it runs, not all at once.
        ("1", pool._MIN_PARALLEL, []),
        ("2", 3, ["read"]),  # a hook's few partitions: their files read in one go
    ],
)
def test_one_core_or_few_tasks_run_here(
    monkeypatch: pytest.MonkeyPatch, jobs: str, count: int, asked: list[str]
) -> None:
    monkeypatch.setenv("GOVMEDIA_JOBS", jobs)
    results, prefetched = _run(_tasks(count))
    assert results == [{"n": i, "pid": os.getpid()} for i in range(count)]
    assert prefetched == asked


def test_a_task_failing_in_a_worker_runs_again_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVMEDIA_JOBS", "2")
    parent = os.getpid()

    def flaky(n: int) -> dict[str, Any]:
        if n == 3 and os.getpid() != parent:
            raise RuntimeError("only in a worker")
        return _where(n)

    results, _ = _run(_tasks(pool._MIN_PARALLEL, flaky))
    assert [r["n"] for r in results] == list(range(pool._MIN_PARALLEL))
    assert results[3]["pid"] == parent
    assert results[2]["pid"] != parent


def test_a_task_failing_everywhere_raises_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVMEDIA_JOBS", "2")

    def broken(n: int) -> dict[str, Any]:
        if n == 1:
            raise ValueError(f"task {n} is broken")
        return _where(n)

    with pytest.raises(ValueError, match="task 1 is broken"):
        _run(_tasks(pool._MIN_PARALLEL, broken))
    assert pool._TASKS == []


def test_a_dead_worker_leaves_the_rest_to_the_main_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOVMEDIA_JOBS", "2")
    parent = os.getpid()

    def crashing(n: int) -> dict[str, Any]:
        if n == 0 and os.getpid() != parent:
            os._exit(70)  # a crash in native code: no exception, the worker is gone
        return _where(n)

    results, _ = _run(_tasks(pool._MIN_PARALLEL, crashing))
    assert [r["n"] for r in results] == list(range(pool._MIN_PARALLEL))
    assert results[0]["pid"] == parent


def test_sigint_is_held_back_while_workers_are_spawned() -> None:
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert signal.SIGINT not in before
    with pool.sigint_blocked():
        assert signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before
