"""Gunicorn's logger for `openpso serve`, minus access-log lines about anonymous reporters.

An access-log line carries the exact time of a request; for `POST /anonymous/report/…`
that is the exact time of an anonymous report, which the report itself keeps only to the
hour (DESIGN invariant 2). So requests to the anonymous pages — and the static files those
pages load, recognised by their same-origin Referer — are not written to the access log.
Nor are posts of the signed-in report form (`POST /reports/new/`) and what their answer page
loads: "Report anonymously" there files through the anonymous channel, and the log cannot
see the box; a named filing is in the audit log with its time anyway.
Error-log lines are unchanged. Loaded by gunicorn before Django: imports no Django code.

It is also gunicorn's configuration module (`--config python:openpso.core.gunicorn`; gunicorn
reads only the names it knows as settings): `post_worker_init` warms each worker before it takes
requests, so no user's first view pays for loading the code (`openpso.core.warmup`); and when
`openpso serve` asks for it (`--env OPENPSO_SERVE_TASK_WORKER=1`), the master runs the task
worker as its child and stops it on the way out (`openpso.core.taskworker`).
"""

from __future__ import annotations

import subprocess
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from openpso.core import taskworker

# Set by `openpso serve` unless --no-tasks; the production units run the worker apart.
SERVE_TASK_WORKER = "OPENPSO_SERVE_TASK_WORKER"

# Gunicorn 27 opens a control socket under $HOME or $XDG_RUNTIME_DIR; nothing of ours uses it,
# and a service user's home is read-only (deploy/systemd). Older gunicorns ignore the name.
control_socket_disable = True

_task_worker: subprocess.Popen[bytes] | None = None

# Keep in step with openpso.reporting.channel.views.ANONYMOUS_PATH and REPORT_FORM_PATH
# (a test checks them).
ANONYMOUS_PATH = "/anonymous/"
REPORT_FORM_PATH = "/reports/new/"


def is_anonymous_request(environ: dict[str, Any] | None) -> bool:
    if not environ:
        return False
    path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    referer = str(environ.get("HTTP_REFERER", ""))
    if path.startswith(ANONYMOUS_PATH) or ANONYMOUS_PATH in referer:
        return True
    form_post = path == REPORT_FORM_PATH and str(environ.get("REQUEST_METHOD", "")).upper() == "POST"
    return form_post or _referer_path(referer) == REPORT_FORM_PATH


def _referer_path(referer: str) -> str:
    """The path of a Referer URL ("https://host/reports/new/?provider=x" → "/reports/new/")."""
    rest = referer.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1].split("?", 1)[0].split("#", 1)[0] if "/" in rest else ""


class QuietAnonymousLogger(Logger):  # type: ignore[misc]
    """`--logger-class openpso.core.gunicorn.QuietAnonymousLogger`."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if is_anonymous_request(environ):
            return
        super().access(resp, req, environ, request_time)


def post_worker_init(worker: Any) -> None:
    """Gunicorn hook, in each worker after the application is loaded and before it serves."""
    from openpso.core.warmup import warm_process  # Django is set up by now

    warm_process(alive=worker.notify)


def post_fork(server: Any, worker: Any) -> None:
    """Gunicorn hook, in each web worker: it goes when the master goes, even one killed outright."""
    taskworker.die_with_parent()


def when_ready(server: Any) -> None:
    """Gunicorn hook, in the master once it listens: start the task worker if serve asked for one."""
    global _task_worker
    if server.cfg.env.get(SERVE_TASK_WORKER) == "1":
        _task_worker = taskworker.start()


def on_exit(server: Any) -> None:
    """Gunicorn hook, in the master after the web workers stopped (SIGTERM, SIGINT, SIGQUIT)."""
    if _task_worker is not None:
        taskworker.stop(_task_worker, timeout=server.cfg.graceful_timeout)
