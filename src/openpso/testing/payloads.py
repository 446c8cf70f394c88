"""Bodies a client sends to file a report, shared by the tests that file one through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openpso.testing.cast import Cast


def fall_report(cast: Cast, org: str = "p1", **overrides: Any) -> dict[str, Any]:
    """A complete `POST /api/v1/reports` body: a fall with minor harm, discovered an hour ago,
    at `org`'s unit. `overrides` replace or add fields (e.g. a field the server must refuse)."""
    body: dict[str, Any] = {
        "provider": cast.orgs[org].slug,
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "unit": cast.units[org].pk,
        "narrative": "Patient found on the floor beside the bed; bed alarm was off.",
        "harm": "LA21150-0",
        "patient_age_years": 78,
        "patient_sex": "F",
    }
    body.update(overrides)
    return body
