"""`openpso worker`: the background task worker (django-tasks' db_worker), one per installation.

`openpso serve` starts it as gunicorn's child; production runs it as a service of its own
(deploy/systemd/openpso-worker.service). Either way it first queues the dashboards to be built
ahead: after an upgrade the cache's code stamp changes and every dashboard would be cold,
seconds on its first view; one already built costs a cache lookup.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (lake refreshes, dashboards built ahead) until SIGTERM."

    def handle(self, *args: Any, **options: Any) -> None:
        from openpso.analytics.tasks import warm_dashboards_task

        warm_dashboards_task.enqueue()
        # SIGTERM or SIGINT: the task in hand is finished, then the worker exits.
        call_command("db_worker", verbosity=options["verbosity"])
