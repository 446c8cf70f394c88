"""An anonymous report keeps no link to the person who filed it (invariant 2)."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.reporting.models import EventReport


def test_an_anonymous_report_stores_no_reporter_and_only_the_hour(cast, client_for):
    body = {
        "provider": cast.orgs["p1"].slug,
        "event_type": "A6",
        "categories": ["A54"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "narrative": "Wrong-strength heparin vial found in the dispensing cabinet.",
        "anonymous": True,
        "reporter_role": "Night nurse",
    }
    response = client_for("reporter").post("/api/v1/reports", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.reporter is None
    assert report.reporter_role == ""
    assert (report.reported_at.minute, report.reported_at.second, report.reported_at.microsecond) == (0, 0, 0)
    filed = AuditEvent.objects.get(action="report.filed", object_id=str(report.pk))
    assert filed.actor_id is None
    assert (filed.at.minute, filed.at.second, filed.at.microsecond) == (0, 0, 0)
    assert "reporter@cast.test" not in json.dumps(filed.detail) + filed.actor_label
    assert all(h.reporter_role == "" for h in report.history.all())


def test_the_reporter_does_not_see_their_anonymous_report_in_their_list(cast, client_for):
    page = client_for("reporter").get("/reports/").content.decode()
    assert str(cast.reports["r1"].short_id) in page
    assert str(cast.reports["r1anon"].short_id) not in page
