"""The task worker as the server's child: started with it, stopped with it, gone if it dies.

`openpso serve` runs django-tasks' worker (`openpso worker`) beside gunicorn so that the
embedded install is one command. Gunicorn's master owns it through the hooks in
`openpso.core.gunicorn`: a SIGTERM to the server stops both, and a server killed outright
(SIGKILL, the OOM killer) takes the worker with it through Linux's parent-death signal.
Before this, every restart left one more orphaned worker on the same database
(docs/decisions/0016-task-worker-and-services.md). In production the worker is a service of
its own (deploy/systemd, docs/deploy.md).
Loaded by gunicorn's master before Django: imports no Django code.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
COMMAND = [sys.executable, "-m", "openpso.cli", "worker"]


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have Linux send `sig` to this process when the thread that started it ends (prctl(2)).

    SIGTERM, not SIGKILL: django-tasks' worker and gunicorn's workers finish what they are
    doing and exit. Elsewhere (macOS in development) there is no such call and this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


def start() -> subprocess.Popen[bytes]:
    """Start the task worker as this process's child, bound to die with it."""
    parent = os.getpid()

    def in_child() -> None:  # runs between fork and exec, before the worker's own code
        die_with_parent()
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    # preexec_fn is unsafe once threads run; gunicorn's master calls this from when_ready,
    # before it starts any thread.
    return subprocess.Popen(COMMAND, preexec_fn=in_child)  # noqa: S603 - our own command line


def stop(worker: subprocess.Popen[bytes], *, timeout: float) -> None:
    """SIGTERM, then wait: django-tasks finishes the task in hand and exits. Killed after `timeout`."""
    worker.terminate()  # does nothing if it has already exited
    try:
        worker.wait(timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
