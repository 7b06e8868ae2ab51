"""The worker processes that compute cold partitions, and the pool helpers shared with
the site's history (engine/site/model.py).

``compute_all`` runs an evaluation's missed partitions: in the main process when there
are few of them or one core, else in forked workers that share the parent's memory.
Futures are submitted one by one, never through ``pool.map``; a task that fails in a
worker, or a worker that dies, is run again in the main process (which then raises the
same error, or computes what is left). Workers leave Ctrl-C and SIGTERM to the parent
and die with it; ``stop_workers`` ends them when the run is interrupted, and
``sigint_blocked`` holds Ctrl-C back while spawned workers start.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported when workers are started: a hook
# computes its one or two partitions here, and would spend milliseconds importing them.

# Partitions computed at once by worker processes (forked: they share the parent's memory).
_TASKS: list[Callable[[], dict[str, Any]]] = []
# Fewer missed partitions than this are computed in-process (a hook misses one or two).
_MIN_PARALLEL = 8


def _jobs() -> int:
    """Worker processes for cold partitions: GOVMEDIA_JOBS, else the usable cores."""
    wanted = os.environ.get("GOVMEDIA_JOBS", "")
    if wanted.isdigit():
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0))


def _start_worker(parent: int) -> None:
    # The parent alone answers Ctrl-C (sent to the whole process group) and SIGTERM:
    # it stops the workers itself. A worker ignores Ctrl-C and dies quietly of
    # SIGTERM, instead of running the parent's handlers and printing tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    # What the worker inherited stays put: not scanned by the collector, nor copied
    # by it touching the pages. Parsing allocates millions of acyclic containers,
    # which would trigger a collection every few hundred allocations.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies, even of SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's own clean-up must do
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def new_pool(jobs: int, method: str) -> ProcessPoolExecutor:
    """Worker processes that leave Ctrl-C and SIGTERM to their parent and die with it;
    end them with ``stop_workers`` when the run is interrupted."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        jobs, multiprocessing.get_context(method), _start_worker, (os.getpid(),)
    )


@contextlib.contextmanager
def sigint_blocked() -> Iterator[None]:
    """Hold Ctrl-C back while worker processes are spawned: a spawned worker inherits the
    blocked signal (the mask survives exec), so it can never die of KeyboardInterrupt
    before its initializer ignores SIGINT; the parent gets the held Ctrl-C right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now (the run was interrupted), without waiting for their tasks."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # Taken before shutdown(), which forgets it: it must have ended before the
    # interpreter's exit handler wakes it through a pipe it may be closing.
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in processes:
        if process.is_alive():
            process.terminate()
    # Pending futures are left as they are (not cancelled): the pool marks them broken
    # once its workers are gone, and a cancelled one would make that fail (CPython 3.11).
    pool.shutdown(wait=False)
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            process.kill()
            process.join(timeout=2)
    # The pool's manager thread notices the dead workers and ends; waiting for it keeps
    # the interpreter's exit from racing it (CPython then prints a spurious traceback).
    if manager is not None:
        manager.join(timeout=5)


def _run_task(index: int) -> dict[str, Any] | None:
    try:
        return _TASKS[index]()
    except Exception:
        return None  # the parent runs the task again itself, and raises the same error


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def compute_all(
    tasks: list[Callable[[], dict[str, Any]]],
    prefetch: Callable[[], None],
    release: Callable[[], None] = lambda: None,
) -> Generator[dict[str, Any], None, None]:
    """Each task's result in order; on two or more cores, computed by forked workers.

    ``prefetch`` reads ahead, in one go, the files of a few tasks run here (a hook's
    one or two partitions). Many tasks read each its own files as it runs, here or in
    workers: read ahead at once, a cold check's post files would all be in memory
    together (a gigabyte at the 10x workload). Before forking workers, ``release``
    lets go of what the parent holds for reading (its git process): every page the
    parent holds when it forks counts again in each worker's RSS.
    A result is the caller's alone once yielded: the parent keeps no other reference.
    """
    jobs = min(_jobs(), len(tasks))
    if jobs < 2 or len(tasks) < _MIN_PARALLEL or not _can_fork():
        threshold = gc.get_threshold()
        if len(tasks) >= _MIN_PARALLEL:  # a cold run on one core: collect rarely meanwhile
            gc.set_threshold(100_000, 50, 50)
        else:
            prefetch()
        try:
            yield from (task() for task in tasks)
        finally:
            gc.set_threshold(*threshold)
        return
    from concurrent.futures.process import BrokenProcessPool

    _TASKS[:] = tasks
    done = 0
    finished = False
    release()
    pool = new_pool(jobs, "fork")
    try:
        try:
            # Futures submitted one by one, not pool.map: map cancels the pending ones when
            # interrupted, and CPython 3.11's pool then fails to mark a cancelled future
            # broken (InvalidStateError printed from its manager thread).
            futures: list[Future[dict[str, Any] | None] | None] = [
                pool.submit(_run_task, i) for i in range(len(tasks))
            ]
            for i, future in enumerate(futures):
                assert future is not None
                # Each future is dropped once read: a future keeps its result, and all of
                # them together would keep every partition's result to the end.
                result = future.result()
                futures[i] = future = None
                value = tasks[done]() if result is None else result
                del result
                done += 1
                yield value
                del value
        except BrokenProcessPool:
            pass  # a worker died (a crash in native code): what is left runs here, in the open
        yield from (task() for task in tasks[done:])
        finished = True
    finally:
        # Interrupted (Ctrl-C, SIGTERM, an input error) or abandoned by the caller:
        # no worker may outlive the run.
        if finished:
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            stop_workers(pool)
        _TASKS.clear()
