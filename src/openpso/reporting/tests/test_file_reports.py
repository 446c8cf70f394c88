"""`reporting.actions.file_reports`: a batch of checked reports, each filed by its reporter at its
own time, writes what one `file_report` per report writes for a report entering the PSES."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.lib.anonymity import anonymous_time
from openpso.pswp import ledger
from openpso.pswp.integrity import verify_ledger
from openpso.pswp.status import PswpStatus
from openpso.reporting.actions import Filing, file_report, file_reports
from openpso.reporting.events import ReportAction
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn


def _data(cast, *, anonymous: bool = False, when: dt.datetime | None = None) -> ReportIn:
    return ReportIn.model_validate(
        {
            "provider": cast.orgs["p1"].slug,
            "unit": cast.units["p1"].pk,
            "event_type": "A3",
            "categories": ["A48"],
            "discovered_at": (when or timezone.now()) - dt.timedelta(hours=2),
            "narrative": "Slipped near the sink.",
            "harm": "LA21150-0",
            "anonymous": anonymous,
            "reporter_role": "Nurse",
        }
    )


def _filing(cast, *, at: dt.datetime, anonymous: bool = False) -> Filing:
    return Filing(
        data=_data(cast, anonymous=anonymous, when=at),
        provider=cast.orgs["p1"],
        unit=cast.units["p1"],
        modules=[],
        at=at,
        reporter=None if anonymous else cast.users["reporter"],
    )


def _filed(report: EventReport) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(report.pk)).order_by("seq"))


def test_a_report_filed_in_a_batch_has_the_rows_of_one_filed_alone(cast):
    [batched] = file_reports([_filing(cast, at=timezone.now())])
    alone, _ = file_report(user=cast.users["reporter"], data=_data(cast))
    for report in (batched, alone):
        [entry] = ledger.history(report)
        assert (entry.from_status, entry.to_status, entry.actor_label) == ("", "candidate", "reporter@cast.test")
        assert entry.at == report.reported_at
        assert report.history.count() == 1
    assert [(e.action, e.actor_id, e.detail) for e in _filed(batched)] == [
        (e.action, e.actor_id, e.detail) for e in _filed(alone)
    ]
    assert verify_chain().ok
    assert verify_ledger().ok


def test_each_report_enters_the_pses_at_its_own_filing_time(cast):
    times = [timezone.now() - dt.timedelta(days=days, minutes=17) for days in (40, 3)]
    reports = file_reports([_filing(cast, at=at) for at in times])
    for report, at in zip(reports, times, strict=True):
        stored = EventReport.objects.get(pk=report.pk)
        assert stored.reported_at == stored.pswp_status_at == at
        assert stored.pswp_status == PswpStatus.CANDIDATE
        [entry] = ledger.history(stored)
        assert entry.at == at
        assert AuditEvent.objects.get(object_id=str(report.pk), action=ledger.AUDIT_ACTION).at == at
        assert stored.history.get().history_date == at
        assert stored.reporter == cast.users["reporter"]


def test_an_anonymous_report_in_a_batch_keeps_no_reporter_and_the_hour_only(cast):
    at = timezone.now() - dt.timedelta(days=2, minutes=23)
    [report] = file_reports([_filing(cast, at=at, anonymous=True)])
    stored = EventReport.objects.get(pk=report.pk)
    assert stored.reported_at == anonymous_time(at)
    assert (stored.reporter_id, stored.reporter_role) == (None, "")
    [entry] = ledger.history(stored)
    assert (entry.at, entry.actor_label) == (anonymous_time(at), "anonymous")
    filed = AuditEvent.objects.get(object_id=str(report.pk), action=ReportAction.FILED)
    assert (filed.actor_id, filed.at) == (None, anonymous_time(at))
    assert stored.history.get().history_date == anonymous_time(at)


def test_information_collected_for_another_purpose_is_not_filed_in_a_batch(cast):
    filing = _filing(cast, at=timezone.now())
    before = EventReport.objects.count()
    outside = Filing(**{**filing.__dict__, "data": filing.data.model_copy(update={"collected_for": "state report"})})
    with pytest.raises(ValueError, match="entering the PSES"):
        file_reports([outside])
    assert EventReport.objects.count() == before
