"""Reports with chosen harm, type, category and age, for the PSES tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openpso.reporting.models import EventReport
from openpso.testing.cast import Cast


def make_report(
    cast: Cast,
    provider: str = "p1",
    *,
    event_type: str = "A3",
    harm: str = "LA21150-0",
    categories: list[str] | None = None,
    days_ago: float = 0,
    narrative: str = "NARRATIVE-SECRET words about the patient",
    **fields: Any,
) -> EventReport:
    reported_at = timezone.now() - dt.timedelta(days=days_ago)
    org = cast.orgs[provider]
    values: dict[str, Any] = {
        "provider": org,
        "unit": cast.units.get(provider),
        "event_type": event_type,
        "categories": categories if categories is not None else ["A48"],
        "discovered_at": reported_at - dt.timedelta(hours=1),
        "narrative": narrative,
        "harm": harm if event_type == "A3" else "",
        "reported_at": reported_at,
        "pswp_status_at": reported_at,
    }
    values.update(fields)
    return EventReport.objects.create(**values)
