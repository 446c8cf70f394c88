"""A NUL character in API input is refused naming the field, not stored (issue 13 item 8).

PostgreSQL text and jsonb cannot hold U+0000: the fuzzing found `?provider=…%00…` on
POST /api/v1/reports/fhir answering 500 there (SQLite stored it). Every field of a report, and
the provider slug of the FHIR route, refuse it with a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from openpso.reporting.models import EventReport


def _body(cast, **overrides):
    body = {
        "provider": cast.orgs["p1"].slug,
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "narrative": "Patient found on the floor.",
        "harm": "LA21150-0",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("narrative", "Found on the floor.\x00"),
        ("location_detail", "Room\x0012"),
        ("reporter_role", "\x00"),
        ("provider", "t-p1\x00"),
        ("answers", {"Fall/assisted": "OPSO-FALL-UNASSISTED", "Fall/note": "x\x00"}),
    ],
)
def test_a_nul_character_in_a_report_is_refused_naming_the_field(cast, client_for, field, value):
    before = EventReport.objects.count()
    response = client_for("reporter").post(
        "/api/v1/reports", data=json.dumps(_body(cast, **{field: value})), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert {"field": field, "code": "nul_character"} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]
    assert EventReport.objects.count() == before


def test_a_nul_character_in_the_fhir_provider_is_refused_naming_it(cast, client_for):
    response = client_for("reporter").post(
        "/api/v1/reports/fhir?provider=t-p1%00", data="{}", content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["provider"]
