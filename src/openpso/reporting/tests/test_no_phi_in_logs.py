"""No PHI or narrative text reaches the logs or error reports (invariant 4)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from openpso.core.logging import RedactingExceptionReporterFilter
from openpso.reporting import actions

PHI = ["Zebulon Quackenbush", "MRN 88231907", "555-867-5309", "412 Larkspur Lane", "DOB 03/14/1931"]
NARRATIVE = "Pt Zebulon Quackenbush (MRN 88231907, DOB 03/14/1931) of 412 Larkspur Lane, tel 555-867-5309, fell."


def _all_logged_text(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(parts)


def _body(cast, **overrides):
    body = {
        "provider": cast.orgs["p1"].slug,
        "event_type": "A3",
        "categories": ["A48"],
        "harm": "LA21150-0",
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "narrative": NARRATIVE,
        "location_detail": "Room 4B, bed 2",
        "reporter_role": "RN",
    }
    body.update(overrides)
    return body


def test_report_flows_log_no_phi(cast, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    reporter, manager = client_for("reporter"), client_for("safety_manager")
    created = reporter.post("/api/v1/reports", json.dumps(_body(cast)), content_type="application/json")
    reporter.post("/api/v1/reports", json.dumps(_body(cast, harm="")), content_type="application/json")
    reporter.post("/reports/new/", {**_body(cast), "categories": ["A48"], "unit": ""})
    reporter.post("/reports/new/", {**_body(cast), "harm": "", "categories": []})
    manager.get(f"/reports/{created.json()['id']}/")
    manager.get(f"/api/v1/reports/{created.json()['id']}")
    manager.get("/reports/")
    logged = _all_logged_text(caplog)
    assert caplog.records, "the flows should have logged something (requests, warnings) to scan"
    assert not [p for p in PHI if p in logged]


def test_a_crash_while_filing_logs_where_not_what(cast, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "_create", explode)
    client = Client(raise_request_exception=False)
    client.force_login(cast.users["reporter"])
    response = client.post("/api/v1/reports", json.dumps(_body(cast)), content_type="application/json")
    assert response.status_code == 500
    logged = _all_logged_text(caplog)
    assert "database went away" in logged  # the failure itself is reported
    assert not [p for p in PHI if p in logged + response.content.decode()]


def test_error_reports_redact_every_posted_value_and_local():
    request = RequestFactory().post("/reports/new/", {"narrative": NARRATIVE, "event_type": "A3"})
    filtered = RedactingExceptionReporterFilter()
    assert NARRATIVE not in json.dumps(filtered.get_post_parameters(request))

    def failing(narrative: str) -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad") as info:
        failing(NARRATIVE)
    frame = info.tb.tb_next.tb_frame
    assert NARRATIVE not in str(dict(filtered.get_traceback_frame_variables(request, frame)))
