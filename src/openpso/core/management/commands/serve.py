"""`openpso serve`: run OpenPSO under gunicorn (a production WSGI server), on loopback by default."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from openpso.core.gunicorn import SERVE_TASK_WORKER


class Command(BaseCommand):
    help = "Apply migrations and serve OpenPSO with gunicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("OPENPSO_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("OPENPSO_WORKERS", "2")))
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations first.")
        parser.add_argument(
            "--no-tasks",
            action="store_true",
            help="Do not start the background task worker (run `openpso worker` apart, as production does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"OpenPSO is serving on http://{options['bind']}/ — press Ctrl+C to stop.")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "openpso.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
            # Access logs carry method, path and status only: paths hold ids, never PHI.
            "--access-logformat",
            '%(t)s "%(m)s %(U)s" %(s)s %(M)sms',
            # No access-log line dates an anonymous report more finely than the hour.
            "--logger-class",
            "openpso.core.gunicorn.QuietAnonymousLogger",
            # Each worker loads the pages' code and models before it serves: no first request pays.
            "--config",
            "python:openpso.core.gunicorn",
        ]
        if not options.get("no_tasks"):
            # Background work (the lake refresh after submissions, the dashboards built ahead) runs
            # in the task worker, `openpso worker`. Gunicorn's master starts it once it listens and
            # stops it when it stops; it dies with the master even when that is killed outright
            # (openpso.core.taskworker). Production runs it as a service of its own instead.
            argv += ["--env", f"{SERVE_TASK_WORKER}=1"]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
