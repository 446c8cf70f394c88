"""openpso.lib.pool: results in input order, a bounded number of items out, and no worker left
behind when the parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openpso.lib.pool import ordered_map


def _square(x: int) -> int:
    return x * x


def _pid(_: int) -> int:
    return os.getpid()


_HOME = os.getpid()  # a forked worker inherits this: the process the test runs in


def _die_in_a_worker_on_five(x: int) -> int:
    if x == 5 and os.getpid() != _HOME:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_results_come_in_input_order_from_several_workers() -> None:
    assert list(ordered_map(_square, range(50), workers=2)) == [x * x for x in range(50)]


def test_the_work_runs_in_worker_processes_and_with_one_worker_here() -> None:
    assert os.getpid() not in set(ordered_map(_pid, range(8), workers=2))
    assert set(ordered_map(_pid, range(8), workers=1)) == {os.getpid()}


def test_no_more_items_are_taken_than_may_be_in_flight() -> None:
    pulled: list[int] = []

    def source() -> Iterator[int]:
        for i in range(40):
            pulled.append(i)
            yield i

    for done, got in enumerate(ordered_map(_square, source(), workers=2, in_flight=3)):
        assert got == done * done
        assert len(pulled) - done <= 3


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="three"):
        list(ordered_map(_fail_on_three, range(10), workers=2))


def test_a_worker_that_dies_breaks_nothing_the_rest_is_done_here(caplog: pytest.LogCaptureFixture) -> None:
    """A native crash or the OOM killer takes a worker: no item is lost or reordered."""
    assert list(ordered_map(_die_in_a_worker_on_five, range(30), workers=2, in_flight=4)) == [x * x for x in range(30)]
    assert "a worker process died" in caplog.text


_PARENT = """
import time
from openpso.lib.pool import ordered_map
from openpso.lib.tests.test_pool import _pid

seen = set()
for pid in ordered_map(_pid, range(1000), workers=2, in_flight=40):
    seen.add(pid)
    if len(seen) == 2:  # both workers have worked: the pool is up, its parent mid-way
        print(" ".join(map(str, sorted(seen))), flush=True)
        time.sleep(120)
"""


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_leave_when_their_parent_is_killed() -> None:
    """A parent killed with SIGKILL cannot stop its pool: each worker sees it gone and exits."""
    parent = subprocess.Popen(  # noqa: S603 - our own code
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2
        assert parent.pid not in workers
        assert all(_alive(pid) for pid in workers), "the workers wait for the next item"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)]
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
