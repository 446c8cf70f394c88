"""`openpso serve` takes its task worker down with it (issue 13 item 6).

The server is gunicorn's master and the task worker its child. A SIGTERM (what `kill`, a
container stop or a process supervisor sends) used to stop gunicorn and leave the worker
running as an orphan, one more on the same database at every restart. These tests start the
real server on a free port and look at the process tree in /proc (Linux only).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from openpso.core import gunicorn, taskworker

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree in /proc")

Process = tuple[int, str]  # pid and start time: a pid alone may be reused


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    return text[text.rindex(")") + 2 :].split()


def _alive(process: Process) -> bool:
    fields = _stat(process[0])
    # fields[0] is the state, fields[19] the start time (field 22 of proc_pid_stat(5)).
    return fields is not None and fields[0] not in ("Z", "X") and fields[19] == process[1]


def _descendants(root: int) -> set[Process]:
    children: dict[int, list[Process]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    found: set[Process] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _left(tree: set[Process]) -> list[str]:
    return [_command_line(process[0]) for process in tree if _alive(process)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], set[Process]]]:
    """A running `openpso serve` on its own SQLite file, and its process tree once the task worker is up."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # never the suite's PostgreSQL
    env.update(OPENPSO_ENV="test", OPENPSO_DATA_DIR=str(tmp_path / "data"), OPENPSO_KEYS_DIR=str(tmp_path / "keys"))
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "openpso.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so the clean-up below reaches any orphan
    )
    try:
        assert _wait_for(lambda: _healthy(port), 60), "the server never answered /healthz"
        # The web workers run gunicorn's command line; the task worker is the one running openpso's.
        assert _wait_for(lambda: any("openpso.cli" in _command_line(p) for p, _ in _descendants(proc.pid)), 20), (
            "no task worker started"
        )
        yield proc, _descendants(proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def test_a_sigterm_to_the_server_leaves_no_process_behind(server):
    proc, tree = server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert _wait_for(lambda: not any(_alive(p) for p in tree), 10), _left(tree)


def test_a_task_worker_goes_when_the_server_is_killed_outright(tmp_path):
    """SIGKILL (the OOM killer's way) runs no handler in the server: Linux's parent-death signal,
    armed by taskworker.start() and by the gunicorn hook in each web worker, stops the children."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from openpso.core import taskworker\n"
            "taskworker.COMMAND[:] = [sys.executable, '-c', 'import time; time.sleep(60)']\n"
            "taskworker.start()\n"
            "time.sleep(60)\n",
        ],
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: len(_descendants(parent.pid)) == 1, 20), "the child never started"
        tree = _descendants(parent.pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _wait_for(lambda: not any(_alive(p) for p in tree), 5), _left(tree)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)


class _Config:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.graceful_timeout = 5


class _Master:
    def __init__(self, env: dict[str, str]) -> None:
        self.cfg = _Config(env)


def test_gunicorn_starts_the_task_worker_only_when_serve_asks_for_it(monkeypatch):
    started: list[str] = []
    monkeypatch.setattr(taskworker, "start", lambda: started.append("worker"))
    monkeypatch.setattr(gunicorn, "_task_worker", None)
    gunicorn.when_ready(_Master({}))  # a production web service: the worker is a service of its own
    assert started == []
    gunicorn.when_ready(_Master({gunicorn.SERVE_TASK_WORKER: "1"}))
    assert started == ["worker"]


def test_serve_asks_for_the_task_worker_unless_told_not_to(db, monkeypatch):
    from django.core.management import call_command

    seen: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: seen.append(argv))
    call_command("serve", "--no-migrate")
    call_command("serve", "--no-migrate", "--no-tasks")
    asked = f"{gunicorn.SERVE_TASK_WORKER}=1"
    assert seen[0][seen[0].index("--env") + 1] == asked
    assert asked not in seen[1]


def test_stopping_the_task_worker_waits_for_it_and_kills_one_that_will_not_stop(tmp_path):
    stubborn = subprocess.Popen(
        [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"]
    )
    time.sleep(0.5)  # let it install its handler
    taskworker.stop(stubborn, timeout=0.5)
    assert stubborn.returncode == -signal.SIGKILL
