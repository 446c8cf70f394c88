"""A client cannot set what the server decides (docs/security.md, ASVS mass assignment)."""

from __future__ import annotations

import json

import pytest

from openpso.reporting.models import EventReport
from openpso.testing.payloads import fall_report


@pytest.mark.parametrize(
    ("field", "value"),
    [("pswp_status", "not_pswp"), ("reporter", 1), ("reported_at", "2001-01-01T00:00:00Z"), ("id", "0" * 32)],
)
def test_a_field_the_server_decides_is_refused_naming_it_and_nothing_is_saved(cast, client_for, field, value):
    body = fall_report(cast, **{field: value})
    before = EventReport.objects.count()
    response = client_for("reporter").post("/api/v1/reports", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["errors"])
    assert EventReport.objects.count() == before
