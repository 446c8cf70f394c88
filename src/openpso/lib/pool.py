"""Work shared out over worker processes, results in input order, memory bounded.

One pool for the two places that scrub text on every core: `openpso deid` (nonid.deid.stream)
and the lake refresh (lake.refresh). At most `in_flight` items (2 × workers by default) are
submitted and not yet read back, so a long input never piles up in memory, and the caller sees
each result as soon as every earlier one is done.

The workers are forked, so the caller warms what they need (word lists, model) first and every
worker shares it. `work` must be a pure function over plain data (a module-level function or a
`functools.partial` of one, so it pickles): a forked worker inherits the parent's open sockets,
a database connection among them, and must never use them. Workers leave with `os._exit`
(multiprocessing's way), so nothing the parent holds is closed or flushed from a worker.

A worker that dies (a native crash after the fork, the OOM killer) breaks the whole pool. Since
`work` is pure, the items it had not answered are then done again here, in this process, and
the rest follow here too, with a warning in the log: slower, never lost or reordered.

This module imports no Django: `openpso deid` runs without settings.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

logger = logging.getLogger(__name__)

PARENT_CHECK_S = 1.0  # how often a worker looks whether its parent is still there


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def ordered_map(
    work: Callable[[T], R], items: Iterable[T], *, workers: int, in_flight: int | None = None
) -> Generator[R, None, None]:
    """`map(work, items)` over `workers` processes, in order, with at most `in_flight` items out.

    With one worker, `work` runs here, in this process, and no pool is made. Closing the
    iterator early (or an error in the caller's loop) cancels what was not started and waits
    for the rest.
    """
    if workers <= 1:
        for item in items:
            yield work(item)
        return
    limit = max(1, in_flight or 2 * workers)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_leave_with_parent,
        initargs=(os.getpid(),),
    )
    pending: deque[tuple[T, Future[R] | None]] = deque()  # None: not sent, the pool was broken
    source = iter(items)
    try:
        while True:
            for item in itertools.islice(source, limit - len(pending)):
                pending.append((item, _submit(pool, work, item)))
            if not pending:
                return
            item, future = pending[0]
            try:
                if future is None:
                    raise BrokenProcessPool("the pool was broken before this item was sent")
                result = future.result()
            except BrokenProcessPool as broken:
                logger.warning("a worker process died (%s); finishing the work in this process", broken)
                break
            pending.popleft()
            yield result
        # What the pool had not answered, in order, then what was not yet taken.
        for item, _ in pending:
            yield work(item)
        for item in source:
            yield work(item)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, work: Callable[[T], R], item: T) -> Future[R] | None:
    try:
        return pool.submit(work, item)
    except BrokenProcessPool:
        return None


def _leave_with_parent(parent: int) -> None:
    """In each worker: exit when the parent is gone.

    A parent killed with SIGKILL (a crash drill, the OOM killer) cannot stop its pool, and a
    worker waiting for its next item would wait for ever, holding the model's memory.
    """

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()
