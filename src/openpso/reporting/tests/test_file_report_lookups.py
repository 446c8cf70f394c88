"""`file_report`'s short cuts on the hot path (issue 13 item 9) keep its checks.

The web form hands over the provider and unit it has already checked; a retry with a used
Idempotency-Key stops at the key, before the report, the ledger and the audit chain.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpso.audit.models import AuditEvent
from openpso.reporting import actions
from openpso.reporting.errors import ReportInvalid
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn
from openpso.testing.payloads import fall_report


def test_a_checked_provider_that_is_not_the_one_named_is_looked_up_and_refused(cast):
    # The reporter files for p1 only: naming p2 while handing over p1 as checked must not
    # file anything for p2.
    data = ReportIn.model_validate(fall_report(cast, org="p2"))
    with pytest.raises(ReportInvalid):
        actions.file_report(user=cast.users["reporter"], data=data, checked=(cast.orgs["p1"], cast.units["p1"]))
    assert not EventReport.objects.filter(provider=cast.orgs["p2"], reporter=cast.users["reporter"]).exists()


def test_a_checked_provider_and_unit_file_the_report_without_looking_them_up_again(cast):
    data = ReportIn.model_validate(fall_report(cast))
    checked = (cast.orgs["p1"], cast.units["p1"])
    with CaptureQueriesContext(connection) as queries:
        report, created = actions.file_report(user=cast.users["reporter"], data=data, checked=checked)
    assert created
    assert (report.provider, report.unit) == (cast.orgs["p1"], cast.units["p1"])
    assert not [q for q in queries.captured_queries if '"organizations_unit"' in q["sql"]]


def test_a_retry_with_the_same_key_stops_before_the_report_and_the_audit_chain(cast, client_for):
    client = client_for("reporter")
    body = json.dumps(fall_report(cast))

    def send():
        return client.post("/api/v1/reports", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")

    first = send()
    reports, events = EventReport.objects.count(), AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = send()
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert (EventReport.objects.count(), AuditEvent.objects.count()) == (reports, events)
    written = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert all('"django_session"' in sql or '"reporting_idempotencykey"' in sql for sql in written), written
    assert not [q for q in queries.captured_queries if "auditchainhead" in q["sql"]]
