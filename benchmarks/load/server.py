"""The server under load: `openpso serve` (gunicorn, and the task worker) in its own process group,
and the resident memory of every process in that group, sampled while it runs.

Linux only (it reads /proc), as the benchmark machine is.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`openpso serve --no-migrate` on loopback, started as a process-group leader so that
    stopping it stops its task worker too (issue 13 item 6: a SIGTERM to the master alone
    leaves the worker behind)."""

    port: int
    workers: int
    tasks: bool
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        argv = [sys.executable, "-m", "openpso.cli", "serve", "--no-migrate"]
        argv += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        if not self.tasks:
            argv.append("--no-tasks")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until /healthz answers 200 and every worker and the task worker have started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                    roles = [p.role for p in self.processes()]
                    if (
                        r.status == 200
                        and roles.count("worker") >= self.workers
                        and (not self.tasks or "task worker" in roles)
                    ):
                        return
            except OSError:
                pass
            time.sleep(0.5)
        running = ", ".join(p.role for p in self.processes())
        raise RuntimeError(f"the server did not answer in {timeout:.0f} s (running: {running}); see {self.log}")

    def processes(self) -> list[Proc]:
        assert self.process is not None
        return group_processes(self.process.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = self.process.pid
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait()
        deadline = time.monotonic() + 10
        while group_processes(pgid) and time.monotonic() < deadline:  # the task worker stops on its own
            time.sleep(0.2)
        if group_processes(pgid):
            os.killpg(pgid, signal.SIGKILL)


@dataclass(frozen=True)
class Proc:
    pid: int
    role: str  # "master", "worker" or "task worker"
    rss_kib: int


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # state, ppid, pgrp, …


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def group_processes(pgid: int) -> list[Proc]:
    """Every live process in the process group led by `pgid`, with its role and resident memory."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            fields = _stat_fields(pid)
            if int(fields[2]) != pgid or fields[0] == "Z":
                continue
            cmdline = (entry / "cmdline").read_bytes()
            rss = _rss_kib(pid)
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        # Anything in the group that is not gunicorn is the task worker `openpso serve` started.
        role = "master" if pid == pgid else "worker" if b"gunicorn" in cmdline else "task worker"
        found.append(Proc(pid=pid, role=role, rss_kib=rss))
    return sorted(found, key=lambda p: p.pid)


@dataclass
class MemorySampler:
    """Samples the server group's resident memory every `every` seconds, in a thread."""

    pgid: int
    every: float
    samples: list[tuple[float, list[Proc]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        while True:
            self.samples.append((time.monotonic() - started, group_processes(self.pgid)))
            if self._stop.wait(self.every):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def total_mib(procs: list[Proc], role: str | None = None) -> float:
    return sum(p.rss_kib for p in procs if role is None or p.role == role) / 1024


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB) points, in MiB per hour (0 for fewer than two points)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / var * 3600
