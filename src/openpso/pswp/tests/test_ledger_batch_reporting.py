"""`ledger.mark_many_reported`: a batch of reports to the PSO, as one `mark_reported` per artefact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.audit.trail import Entry, verify_chain
from openpso.pswp import ledger
from openpso.pswp.integrity import verify_ledger
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.pswp.tests.helpers import file, ledger_rows


def _row(row: PswpTransition) -> tuple[object, ...]:
    return (row.from_status, row.to_status, row.actor_id, row.actor_label, row.provider_id, row.reason)


def _audits(report) -> list[tuple[object, ...]]:
    events = AuditEvent.objects.filter(object_id=str(report.pk), action=ledger.AUDIT_ACTION).order_by("seq")
    return [(e.actor_id, e.actor_label, e.organization_id, e.purpose, e.detail) for e in events]


def test_a_batch_writes_the_ledger_rows_and_audit_events_one_call_per_report_would(cast):
    manager = cast.users["safety_manager"]
    at = timezone.now() - dt.timedelta(days=3)
    one, other = file(cast.users["reporter"]), file(cast.users["reporter"])
    batch = [file(cast.users["reporter"]), file(cast.users["reporter"])]
    ledger.mark_reported(artefact=one, actor=manager, at=at)
    ledger.mark_reported(artefact=other, actor=None, functional=True, at=at)
    ledger.mark_many_reported(
        [
            ledger.Reported(artefact=batch[0], actor=manager, at=at),
            ledger.Reported(artefact=batch[1], actor=None, functional=True, at=at),
        ]
    )
    for single, batched in zip((one, other), batch, strict=True):
        assert [_row(r) for r in ledger_rows(batched)] == [_row(r) for r in ledger_rows(single)]
        assert _audits(batched) == _audits(single)
        batched.refresh_from_db()
        single.refresh_from_db()
        assert (batched.pswp_status, batched.pswp_status_at) == (single.pswp_status, single.pswp_status_at)
    assert batch[0].pswp_status == PswpStatus.REPORTED  # the instance adopted the ledger's write
    assert ledger_rows(batch[0])[-1].at == at
    assert verify_chain().ok
    assert verify_ledger().ok


def test_each_report_is_followed_in_the_chain_by_its_own_events(cast):
    reports = [file(cast.users["reporter"]) for _ in range(3)]
    also = [
        [Entry(actor=None, action="submission.received", object_type="submission", object_id=f"s{n}")] for n in range(3)
    ]
    ledger.mark_many_reported([ledger.Reported(artefact=r) for r in reports], also=also)
    newest = list(AuditEvent.objects.order_by("-seq")[:6])[::-1]
    expected = [
        x for n, r in enumerate(reports) for x in ((ledger.AUDIT_ACTION, str(r.pk)), ("submission.received", f"s{n}"))
    ]
    assert [(e.action, e.object_id) for e in newest] == expected


def test_an_anonymous_report_in_a_batch_is_reported_to_the_hour(cast):
    report = file(cast.users["reporter"], anonymous=True)
    ledger.mark_many_reported([ledger.Reported(artefact=report, at=timezone.now())])
    reported = ledger_rows(report)[-1]
    assert (reported.at.minute, reported.at.second, reported.at.microsecond) == (0, 0, 0)


def test_a_batch_with_one_refused_change_writes_nothing(cast):
    done, fresh = file(cast.users["reporter"]), file(cast.users["reporter"])
    ledger.mark_reported(artefact=done, actor=None, functional=False)
    before = (PswpTransition.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.mark_many_reported([ledger.Reported(artefact=fresh), ledger.Reported(artefact=done, functional=True)])
    assert (PswpTransition.objects.count(), AuditEvent.objects.count()) == before
    fresh.refresh_from_db()
    assert fresh.pswp_status == PswpStatus.CANDIDATE


def test_a_batch_names_each_artefact_once(cast):
    report = file(cast.users["reporter"])
    with pytest.raises(ValueError, match="once"):
        ledger.mark_many_reported([ledger.Reported(artefact=report), ledger.Reported(artefact=report)])
