"""The demo's reports and submissions reach their state through the actions a user takes:
each report filed by its reporter (`reporting.actions.file_reports`), each submission recorded
by the ledger's transition (`pswp.ledger.mark_many_reported`), with their audit events."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.demo.generate import seed_demo
from openpso.demo.submissions import seed_submissions
from openpso.pswp.integrity import verify_ledger
from openpso.pswp.ledger import AUDIT_ACTION
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.reporting.events import ReportAction
from openpso.reporting.models import EventReport
from openpso.submissions.events import SubmissionAction
from openpso.submissions.models import Submission

TODAY = dt.date(2026, 3, 15)


def _ledger(to: set[str]) -> list[PswpTransition]:
    content_type = ContentType.objects.get_for_model(EventReport)
    return list(PswpTransition.objects.filter(content_type=content_type, to_status__in=to))


@pytest.mark.django_db
def test_every_demo_report_enters_the_pses_in_the_ledger_at_its_filing_with_its_filed_event():
    seed_demo(events=300, today=TODAY)
    reports = {str(r.pk): r for r in EventReport.objects.only("pk", "reported_at", "anonymous", "reporter_id")}
    assert len(reports) == 300
    entries = _ledger({PswpStatus.CANDIDATE})
    assert Counter(e.object_id for e in entries) == Counter(list(reports))  # exactly one each
    for entry in entries:
        report = reports[entry.object_id]
        assert entry.from_status == ""
        assert entry.at == report.reported_at
        assert entry.actor_id == (None if report.anonymous else report.reporter_id)
    filed = AuditEvent.objects.filter(action=ReportAction.FILED, object_id__in=list(reports))
    assert Counter(filed.values_list("object_id", flat=True)) == Counter(list(reports))
    for event in filed.filter(actor_id__isnull=False):
        assert event.actor_id == reports[event.object_id].reporter_id
    for report in [r for r in reports.values() if r.anonymous][:20]:
        [event] = filed.filter(object_id=str(report.pk))
        assert (event.actor_id, event.at) == (None, report.reported_at)  # the hour only
        assert (report.reported_at.minute, report.reported_at.second) == (0, 0)
    assert EventReport.history.count() >= 300
    assert verify_chain().ok
    assert verify_ledger().ok


@pytest.mark.django_db
def test_every_demo_submission_is_recorded_by_the_ledgers_transition_with_its_received_event():
    seed_demo(events=400, today=TODAY)
    seed_submissions()
    submissions = {str(s.event_id): s for s in Submission.objects.all()}
    assert submissions
    reported = _ledger({PswpStatus.REPORTED, PswpStatus.FUNCTIONALLY_REPORTED})
    assert Counter(r.object_id for r in reported) == Counter(list(submissions))
    ledger_events = {
        e.object_id: e for e in AuditEvent.objects.filter(action=AUDIT_ACTION, detail__from=PswpStatus.CANDIDATE)
    }
    received = {e.object_id: e for e in AuditEvent.objects.filter(action=SubmissionAction.RECEIVED)}
    for row in reported:
        submission = submissions[row.object_id]
        expected = PswpStatus.FUNCTIONALLY_REPORTED if submission.method == "functional" else PswpStatus.REPORTED
        assert (row.from_status, row.to_status, row.at) == (PswpStatus.CANDIDATE, expected, submission.submitted_at)
        assert row.actor_id == submission.submitted_by_id
        # As `receive` leaves them: the ledger's event, then the PSO's receipt right after it.
        event = ledger_events[row.object_id]
        assert event.at == row.at
        assert received[str(submission.pk)].seq == event.seq + 1
    push = [s for s in submissions.values() if s.method == "push"]
    assert push
    assert all(s.submitted_by_id is not None for s in push)  # the provider's safety manager
    assert verify_chain().ok
    assert verify_ledger().ok
