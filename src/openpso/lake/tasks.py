"""The lake refresh as a background task (django-tasks, database backend: no extra server)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from openpso.lake.refresh import refresh_lake
from openpso.lake.signals import lake_refreshed


@task()
def refresh_lake_task(full: bool = False) -> dict[str, Any]:
    """Refresh every PSO's lake; the summary is the task's result (counts and seconds only).

    Listeners of `lake_refreshed` (the analytics warm their dashboards) run after it, here in the
    worker, so the first page view after new data does not pay for them."""
    summary = refresh_lake(full=full)
    lake_refreshed.send(sender=refresh_lake_task, summary=summary)
    return summary.as_dict()


def enqueue_refresh(*, full: bool = False) -> None:
    """Queue a refresh once the current transaction commits, so the worker sees its rows.

    Refreshes are idempotent and serialised by a lock, so queueing one per submission batch
    is safe; one that finds nothing new writes nothing.
    """
    transaction.on_commit(lambda: refresh_lake_task.enqueue(full=full))
