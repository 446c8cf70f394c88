"""`openpso serve`: run OpenPSO under gunicorn (a production WSGI server), on loopback by default."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and serve OpenPSO with gunicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("OPENPSO_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("OPENPSO_WORKERS", "2")))
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations first.")
        parser.add_argument(
            "--no-tasks", action="store_true", help="Do not start the background task worker (django-tasks db_worker)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not options.get("no_tasks"):
            # Background work (the lake refresh after submissions) runs in django-tasks' worker.
            # It is this process's child, in its process group: Ctrl+C stops it with gunicorn.
            subprocess.Popen([sys.executable, "-m", "openpso.cli", "db_worker"])
            # The worker then builds the dashboards the cache lacks (after an upgrade the cache's
            # code stamp changes and every one would be cold, seconds on its first view; issue 12
            # item 6). One already built for this code and lake state costs a cache lookup.
            from openpso.analytics.tasks import warm_dashboards_task

            warm_dashboards_task.enqueue()
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
            # Each worker loads the pages' code and models before it serves (issue 12 item 6).
            "--config",
            "python:openpso.core.gunicorn",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
