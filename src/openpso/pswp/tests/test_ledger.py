"""The PSWP ledger: entries, refusals, anonymous reports, append-only rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.pswp import ledger
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.pswp.tests.helpers import file, ledger_audits, ledger_rows


def test_filing_a_report_writes_its_pses_entry_to_the_ledger(cast):
    report = file(cast.users["reporter"])
    [entry] = ledger.history(report)
    assert (entry.from_status, entry.to_status) == ("", PswpStatus.CANDIDATE)
    assert entry.at == report.pswp_status_at == report.reported_at
    assert entry.actor_label == "reporter@cast.test"


def test_an_anonymous_reports_ledger_entries_have_no_actor_and_no_time_finer_than_the_hour(cast):
    report = file(cast.users["reporter"], anonymous=True)
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"], functional=True)
    filing, reported = ledger_rows(report)
    assert filing.actor_id is None
    assert filing.actor_label == "anonymous"
    for row in (filing, reported):
        assert (row.at.minute, row.at.second, row.at.microsecond) == (0, 0, 0)
    audits = AuditEvent.objects.filter(object_id=str(report.pk), action=ledger.AUDIT_ACTION).order_by("seq")
    assert audits[0].actor_id is None
    assert all(a.at.minute == 0 and a.at.second == 0 and a.at.microsecond == 0 for a in audits)


def test_a_report_created_without_a_ledger_entry_can_have_it_recorded(cast):
    report = cast.reports["r1"]  # made directly, as older data was
    ledger.enter_pses(artefact=report, actor=cast.users["safety_manager"])
    assert [e.to_status for e in ledger.history(report)] == [PswpStatus.CANDIDATE]
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.enter_pses(artefact=report, actor=cast.users["safety_manager"])


def test_drop_out_is_refused_after_reporting_and_cites_the_rule(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    with pytest.raises(ledger.PswpTransitionRefused, match=r"42 CFR 3\.20.*only\s+before it is reported"):
        ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="needed elsewhere")
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.REPORTED
    assert len(ledger_rows(report)) == 2
    assert ledger_audits(report) == 2


def test_drop_out_is_refused_after_functional_reporting(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"], functional=True)
    with pytest.raises(ledger.PswpTransitionRefused, match="functional reporting included"):
        ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="needed elsewhere")


def test_drop_out_needs_a_reason_and_records_who_and_why(cast):
    report = file(cast.users["reporter"])
    with pytest.raises(ledger.PswpTransitionRefused, match="reason is required"):
        ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="  ")
    ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="Needed for the state report")
    last = ledger.history(report)[-1]
    assert (last.to_status, last.actor_label, last.reason) == (
        PswpStatus.DROPPED_OUT,
        "safety_manager@cast.test",
        "Needed for the state report",
    )


def test_the_drop_out_reason_is_encrypted_at_rest(cast):
    from django.db import connection

    report = file(cast.users["reporter"])
    row = ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="Patient fell SECRET-REASON")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM pswp_pswptransition WHERE id = %s", [row.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc2:")
    assert "SECRET-REASON" not in stored


def test_ledger_rows_cannot_be_changed_or_deleted(cast):
    report = file(cast.users["reporter"])
    [row] = ledger_rows(report)
    row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        PswpTransition.objects.filter(pk=row.pk).update(to_status="dropped_out")
    with pytest.raises(AppendOnlyError):
        PswpTransition.objects.filter(pk=row.pk).delete()


def test_the_database_refuses_a_drop_out_row_without_a_reason(cast):
    report = file(cast.users["reporter"])
    first = ledger_rows(report)[0]
    with pytest.raises(IntegrityError):
        PswpTransition.objects.create(
            content_type=first.content_type,
            object_id=first.object_id,
            provider=report.provider,
            from_status="candidate",
            to_status="dropped_out",
            actor_label="x",
            at=first.at,
            reason="",
        )


def test_filing_appends_the_ledger_event_and_report_filed_as_consecutive_links_of_one_chain(cast):
    from openpso.audit.trail import verify_chain

    report = file(cast.users["reporter"])
    ledger_event, filed = AuditEvent.objects.filter(object_id=str(report.pk)).order_by("seq")
    assert (ledger_event.action, filed.action) == (ledger.AUDIT_ACTION, "report.filed")
    assert filed.seq == ledger_event.seq + 1
    assert filed.prev_hash == ledger_event.hash
    assert ledger_event.detail == {"from": "", "to": PswpStatus.CANDIDATE}
    assert ledger_event.at == report.reported_at
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_recording_a_new_artefacts_entry_is_refused_outside_the_transaction_that_created_it(cast):
    report = cast.reports["r1"]
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.record_entry_at_creation(artefact=report, actor=None)
    assert not ledger_rows(report)


def test_recording_a_new_artefacts_entry_is_refused_when_it_is_not_a_candidate(cast):
    report = cast.reports["r1"]
    report.pswp_status = PswpStatus.REPORTED
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.record_entry_at_creation(artefact=report, actor=None)
    assert not ledger_rows(report)
