"""Engines: run ``worker.process`` over a stream of tasks and give the results back in order.

Each engine takes an iterable of ``(meta, task or None)`` pairs and yields ``(meta, result or
None)`` in the same order; a None task (work already done) passes straight through. Tasks are
pulled lazily and only a bounded number are in flight, so memory stays flat on any corpus.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from tongwen.corpus.worker import Result, Task, process, warm_up

__all__ = ["run_local", "run_pool"]

M = TypeVar("M")


def run_local(items: Iterable[tuple[M, Task | None]]) -> Iterator[tuple[M, Result | None]]:
    """Run every task in this process, in order."""
    for meta, task in items:
        yield meta, (process(task) if task is not None else None)


def _orphan_watch(interval: float) -> None:
    parent = os.getppid()
    while True:
        time.sleep(interval)
        if os.getppid() != parent:
            os._exit(1)


def _worker_start() -> None:
    """A pool worker's initializer: load the tables, and exit as soon as the process that
    started it dies (killed with SIGKILL, say) instead of lingering as an orphan."""
    threading.Thread(target=_orphan_watch, args=(0.2,), daemon=True).start()
    warm_up()


def _context() -> multiprocessing.context.BaseContext:
    """Fork on Linux: workers start at once with the parent's tables, as its children (so
    they notice its death); spawn elsewhere. Not forkserver: a forkserver and its workers
    outlive a parent killed with SIGKILL."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def run_pool(items: Iterable[tuple[M, Task | None]], workers: int,
             ahead: int = 2) -> Iterator[tuple[M, Result | None]]:
    """Run the tasks in a pool of ``workers`` processes, at most ``ahead * workers`` in flight,
    and yield the results in input order."""
    if workers < 1:
        raise ValueError(f"workers must be positive, got {workers}")
    context = _context()
    if context.get_start_method() == "fork":
        warm_up()  # once, shared with every worker
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
    try:
        pending: deque[tuple[M, Future[Result] | None]] = deque()
        in_flight = 0
        for meta, task in items:
            future = pool.submit(process, task) if task is not None else None
            pending.append((meta, future))
            in_flight += future is not None
            while in_flight >= ahead * workers:
                done_meta, done = pending.popleft()
                if done is not None:
                    in_flight -= 1
                    yield done_meta, done.result()
                else:
                    yield done_meta, None
        while pending:
            done_meta, done = pending.popleft()
            yield done_meta, (done.result() if done is not None else None)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
