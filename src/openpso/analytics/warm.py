"""Build the PSO analysts' dashboards ahead of their first view, after the lake changes.

A cold PSO dashboard costs seconds (a dozen charts rendered to SVG, the CUSUM thresholds
calibrated); the cache is shared between processes (file-based), so building it once in the
task worker after a refresh, or in `openpso demo`, makes the analyst's first page fast.
"""

from __future__ import annotations

import logging
from typing import Any

from openpso.lake.models import LakeState
from openpso.organizations.models import Organization

log = logging.getLogger(__name__)


def warm_dashboards() -> int:
    """Build every PSO's default analyst dashboard into the cache; returns how many were warmed."""
    from openpso.analytics.pages import pso_source, warm  # the pages need the URLconf; load them late

    warmed = 0
    for pso in Organization.objects.filter(pk__in=LakeState.objects.values("pso_id")).order_by("pk"):
        warm(pso_source(pso))
        warmed += 1
    return warmed


def warm_after_refresh(sender: Any, **kwargs: Any) -> None:
    """`lake_refreshed` receiver. A failure here must not fail the refresh that already succeeded."""
    try:
        warm_dashboards()
    except Exception:  # the page builds the dashboard itself when it finds none cached
        log.exception("warming the analytics dashboards failed")
