"""Intake's SQL statements, counted: a regression in the hot path of filing fails here (issue 13 item 9).

The whole request is counted (middleware, session, the view, the filing, the ledger, the
audit chain and the functional-reporting hook after commit), so any statement added
anywhere on the way shows up. The limits are today's counts, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openpso.audit.trail import record
from openpso.reporting import actions
from openpso.reporting.models import EventReport
from openpso.testing.payloads import fall_report

API_STATEMENTS = 14  # 28 before issue 13 item 9, 17 after its first cut
FORM_STATEMENTS = 15  # 18 after the first cut


_body = fall_report


def _form(cast):
    return {
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(cast.units["p1"].pk),
        "narrative": "Found on floor after attempting to walk to the bathroom unassisted.",
        "harm": "LA21150-0",
        "patient_age_years": "81",
        "patient_sex": "M",
    }


def _warm(cast, monkeypatch):
    # As in a running server: the content type is cached, expired keys were pruned within
    # the minute, and the first event ever has created the chain head.
    ContentType.objects.get_for_model(EventReport)
    monkeypatch.setattr(actions, "_last_pruned", timezone.now())
    record(actor=None, action="test.started", object_type="test", object_id=1, organization_id=cast.orgs["p1"].pk)


def _counted(django_capture_on_commit_callbacks, send):
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = send()
    # Savepoints depend on how deep the test's own transaction nests them: not counted.
    statements = [q["sql"] for q in queries.captured_queries]
    return response, [sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_filing_a_report_through_the_api_takes_at_most_n_statements(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for("reporter")
    client.get("/api/v1/reports")  # session and user warm, as for every request after the first
    _warm(cast, monkeypatch)

    def send():
        return client.post(
            "/api/v1/reports",
            data=json.dumps(_body(cast)),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )

    response, statements = _counted(django_capture_on_commit_callbacks, send)
    assert response.status_code == 201, response.content
    assert len(statements) <= API_STATEMENTS, "\n".join(statements)


def test_filing_a_report_on_the_web_form_takes_at_most_n_statements(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for("reporter")
    client.get("/reports/new/")
    _warm(cast, monkeypatch)
    response, statements = _counted(
        django_capture_on_commit_callbacks, lambda: client.post("/reports/new/", _form(cast))
    )
    assert response.status_code == 302, response.content
    assert EventReport.objects.filter(pk=response["Location"].strip("/").split("/")[-1]).exists()
    assert len(statements) <= FORM_STATEMENTS, "\n".join(statements)
