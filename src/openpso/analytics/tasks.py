"""Building the dashboards ahead as a background task (django-tasks), for callers that should not wait."""

from __future__ import annotations

from django_tasks import task

from openpso.analytics.warm import warm_dashboards


@task()
def warm_dashboards_task() -> int:
    """Every dashboard `warm.warm_dashboards` builds; those already built for this lake state are skipped."""
    return warm_dashboards()
