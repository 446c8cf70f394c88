"""The audit actions the analytics app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction

# A drill-down into the lake's events is not a row: its events name the audience and filters
# as the object id under this type.
LAKE_DRILL = "lake_drill"


class AnalyticsAction(AuditAction):
    EVENTS_VIEWED = "analytics.events_viewed"
