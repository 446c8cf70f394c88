"""Reports with a chosen narrative, and reviews with chosen engine spans, for the nonid tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openpso.nonid.deid import VERSION
from openpso.nonid.models import NarrativeReview
from openpso.nonid.review import narrative_digest
from openpso.reporting.models import EventReport
from openpso.testing.cast import Cast

NARRATIVE = "Maria Lopez fell at the bedside on 03/04/2024 in room 12. Maria was helped up by Jane Roe."
MARIA_LOPEZ = (0, 11)
BEDSIDE = (24, 31)
DATE = (35, 45)
ROOM = (54, 56)
MARIA_AGAIN = (58, 63)
JANE_ROE = (81, 89)
ENGINE_SPANS = [
    {"start": 0, "end": 11, "type": "PERSON", "source": "name-run"},
    {"start": 35, "end": 45, "type": "DATE", "source": "date-shape"},
    {"start": 54, "end": 56, "type": "ROOM", "source": "room"},
]


def make_report(cast: Cast, provider: str = "p1", *, narrative: str = NARRATIVE, **fields: Any) -> EventReport:
    now = timezone.now()
    values: dict[str, Any] = {
        "provider": cast.orgs[provider],
        "unit": cast.units.get(provider),
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": now - dt.timedelta(hours=1),
        "narrative": narrative,
        "harm": "LA21150-0",
        "reported_at": now,
        "pswp_status_at": now,
    }
    values.update(fields)
    return EventReport.objects.create(**values)


def make_review(
    report: EventReport, spans: list[dict[str, Any]] | None = None, *, engine_version: str = VERSION
) -> NarrativeReview:
    """A review as the engine would have made it, with known spans (the engine is tested on its own)."""
    return NarrativeReview.objects.create(
        report=report,
        engine_version=engine_version,
        engine_spans=ENGINE_SPANS if spans is None else spans,
        narrative_digest=narrative_digest(report.narrative),
    )
