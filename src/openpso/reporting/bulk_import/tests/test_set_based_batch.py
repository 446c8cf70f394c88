"""A batch of a bulk import, filed set-based, leaves row for row what filing each row through
`import_report` leaves: the reports, their history rows, the idempotency keys, the PSWP ledger
and the audit events (as consecutive links of the one chain, which still verifies)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.pswp.integrity import verify_ledger
from openpso.pswp.models import PswpTransition
from openpso.reporting.actions import import_report
from openpso.reporting.bulk_import.batch import CREATED, FAILED, import_batch, source_key
from openpso.reporting.bulk_import.dry_run import check_row
from openpso.reporting.bulk_import.mapping import ImportMapping
from openpso.reporting.bulk_import.proposal import propose
from openpso.reporting.bulk_import.reader import open_rows
from openpso.reporting.bulk_import.tests.conftest import SAMPLE
from openpso.reporting.models import EventReport, IdempotencyKey

pytestmark = pytest.mark.django_db

REPORT_FIELDS = (
    "event_type",
    "categories",
    "category_other",
    "discovered_at",
    "narrative",
    "location_detail",
    "patient_age_years",
    "patient_sex",
    "harm",
    "anonymous",
    "reporter_id",
    "reporter_role",
    "answers",
    "modules",
    "pswp_status",
    "unit_id",
)


def _sample() -> tuple[ImportMapping, list[tuple[int, dict[str, str]]]]:
    """The sample export: six good rows and two refused ones (a word not in the mapping, no Ref)."""
    with open_rows(file_format="csv", path=SAMPLE) as rows:
        mapping = propose(rows, source_system="datix")
    text = SAMPLE.read_text(encoding="utf-8")
    numbered = [
        (n, {k: v.strip() for k, v in row.items()}) for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2)
    ]
    return mapping, numbered


def _one_by_one(cast, mapping, rows) -> list[EventReport]:
    provider, filed = cast.orgs["p1"], []
    for number, row in rows:
        checked = check_row(mapping, row, number=number, provider=provider)
        if checked.data is not None:
            key = source_key(provider, "one-by-one", checked.source_id)
            report, created = import_report(
                actor=cast.users["safety_manager"],
                provider=provider,
                data=checked.data,
                source_key=key,
                source_format="bulk-csv",
            )
            assert created
            filed.append(report)
    return filed


def _trace(report: EventReport) -> dict[str, Any]:
    report = EventReport.objects.get(pk=report.pk)
    history = list(report.history.all())
    ledger = PswpTransition.objects.filter(object_id=str(report.pk))
    events = AuditEvent.objects.filter(object_id=str(report.pk)).order_by("seq")
    key = IdempotencyKey.objects.get(report=report)
    return {
        "report": {name: getattr(report, name) for name in REPORT_FIELDS},
        "at": (report.reported_at == report.pswp_status_at),
        "history": [
            (h.history_type, h.history_user_id, h.history_change_reason, h.narrative, h.answers, h.pswp_status)
            for h in history
        ],
        "history_at": [abs((h.history_date - report.reported_at).total_seconds()) < 5 for h in history],
        "ledger": [
            (t.from_status, t.to_status, t.actor_id, t.actor_label, t.reason, t.at == report.pswp_status_at)
            for t in ledger
        ],
        "events": [(e.action, e.actor_id, e.actor_label, e.organization_id, e.purpose, e.detail) for e in events],
        "key": (key.request_hash, key.expires_at),
    }


def test_a_batch_leaves_row_for_row_what_filing_one_by_one_leaves_and_the_chain_verifies(cast, keys_and_data):
    mapping, rows = _sample()
    singly = _one_by_one(cast, mapping, rows)
    events_before = AuditEvent.objects.count()

    outcome = import_batch(
        actor=cast.users["safety_manager"], provider=cast.orgs["p1"], mapping=mapping, rows=rows, file_format="csv"
    )

    assert (outcome.counts[CREATED], outcome.counts[FAILED]) == (6, 2)
    named = {(p.row, p.column) for p in outcome.problems}
    assert {(8, "Category"), (9, "Ref")} <= named
    assert {row for row, _column in named} == {8, 9}
    batched = EventReport.objects.in_bulk(outcome.filed)
    assert len(batched) == len(singly) == 6
    for one, many in zip(singly, [batched[pk] for pk in outcome.filed], strict=True):
        expected, got = _trace(one), _trace(many)
        assert got == expected
        assert got["events"]
        assert [e[0] for e in got["events"]] == [
            "pswp.status_changed",
            "report.filed",
            "report.imported",
        ]
    # One append for the batch: the ledger's event, report.filed, report.imported per row, in row order.
    appended = list(AuditEvent.objects.filter(seq__gt=events_before).order_by("seq"))
    assert [e.object_id for e in appended] == [str(pk) for pk in outcome.filed for _ in range(3)]
    assert verify_chain().ok
    assert verify_ledger().ok


def test_an_id_repeated_in_a_batch_files_once_and_its_later_row_is_compared(cast, keys_and_data):
    mapping, rows = _sample()
    number, first = rows[0]
    again = {**first, "Description": first["Description"] + " Seen again."}
    outcome = import_batch(
        actor=None,
        provider=cast.orgs["p1"],
        mapping=mapping,
        rows=[(number, first), (number + 1, again)],
        file_format="csv",
    )
    assert outcome.counts[CREATED] == 1
    assert outcome.counts["unchanged"] == 1
    assert [(p.row, p.column) for p in outcome.problems] == [(number + 1, "Description")]
    assert IdempotencyKey.objects.filter(report_id__in=outcome.filed).count() == 1
    assert verify_chain().ok
