"""A stopped import resumes from its checkpoint without filing a row twice; a changed row becomes
an amendment of its report (a new version of its answers), never a second report."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.pswp.models import PswpTransition
from openpso.reporting import actions as reporting_actions
from openpso.reporting.bulk_import import actions, batch
from openpso.reporting.bulk_import.mapping import ImportMapping
from openpso.reporting.models import AnswerAmendment, EventReport, IdempotencyKey, ImportStatus
from openpso.reporting.queries import effective_answers

pytestmark = pytest.mark.django_db

HEADER = "Ref,Incident date,Type,Category,Description,Severity,Injury\n"
MAPPING = {
    "source_system": "verge",
    "columns": {
        "source_id": "Ref",
        "discovered_at": "Incident date",
        "event_type": "Type",
        "categories": "Category",
        "narrative": "Description",
        "harm": "Severity",
    },
    "answers": {"Fall/injury": "Injury"},
    "values": {
        "event_type": {"Actual event": "A3"},
        "categories": {"Fall": "A48"},
        "harm": {"None": "LA21151-8"},
        "answers.Fall/injury": {"No": "A18", "Unknown": "UNK"},
    },
}


def _export(count: int, injury: str = "No") -> bytes:
    row = "V-{n},2025-03-0{day},Actual event,Fall,Found on the floor by the bed.,None,{injury}"
    lines = [row.format(n=n, day=1 + n % 9, injury=injury) for n in range(count)]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _job(cast, content: bytes, provider: str = "p1"):
    mapping = ImportMapping.from_json(MAPPING)
    job = actions.upload(
        user=cast.users["safety_manager"],
        provider=cast.orgs[provider],
        source_system="verge",
        file_name="verge.csv",
        chunks=[content],
        mapping=mapping,
    )
    actions.confirm_mapping(user=cast.users["safety_manager"], job=job, mapping=mapping)
    actions.check(user=cast.users["safety_manager"], job=job)
    return actions.queue(user=cast.users["safety_manager"], job=job)


def _written(provider, before: set[uuid.UUID]) -> dict[str, object]:
    """What imports left for `provider`: reports (by their fields), history, ledger, audit, keys."""
    reports = EventReport.objects.filter(provider=provider).exclude(pk__in=before)
    ids = [str(pk) for pk in reports.values_list("pk", flat=True)]
    actions_of = AuditEvent.objects.filter(object_id__in=ids).values_list("action", flat=True)
    return {
        "reports": sorted((r.narrative, r.discovered_at, r.event_type, tuple(r.categories)) for r in reports),
        "history": EventReport.history.filter(id__in=ids).count(),
        "ledger": PswpTransition.objects.filter(object_id__in=ids).count(),
        "audit": sorted(Counter(actions_of).items()),
        "keys": IdempotencyKey.objects.filter(report__in=reports).count(),
    }


def test_an_import_that_stops_mid_batch_resumes_and_leaves_what_an_uninterrupted_one_leaves(
    cast, keys_and_data, monkeypatch
):
    before = set(EventReport.objects.values_list("pk", flat=True))
    uninterrupted = actions.run(job_id=_job(cast, _export(7), provider="p2").pk, on_filed=lambda ids: None, batch=3)
    assert (uninterrupted.status, uninterrupted.created) == (ImportStatus.FINISHED, 7)

    job = _job(cast, _export(7))
    real = reporting_actions.import_reports
    calls = {"n": 0}

    def crash_after_writing_the_second_batch(**kwargs):
        calls["n"] += 1
        filed = real(**kwargs)
        if calls["n"] == 2:
            raise RuntimeError("the worker died")
        return filed

    monkeypatch.setattr(batch, "import_reports", crash_after_writing_the_second_batch)
    with pytest.raises(RuntimeError):
        actions.run(job_id=job.pk, on_filed=lambda ids: None, batch=3)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created) == (ImportStatus.FAILED, 3, 3)  # rows 4-6 rolled back
    assert EventReport.objects.exclude(pk__in=before).filter(provider=cast.orgs["p1"]).count() == 3

    monkeypatch.setattr(batch, "import_reports", real)
    job = actions.run(job_id=job.pk, on_filed=lambda ids: None, batch=3)
    assert (job.status, job.rows_done, job.created) == (ImportStatus.FINISHED, 7, 7)
    assert _written(cast.orgs["p1"], before) == _written(cast.orgs["p2"], before)
    assert verify_chain().ok


def test_a_row_changed_since_becomes_an_amendment_and_an_unchanged_one_nothing(cast, keys_and_data):
    filed: list[uuid.UUID] = []
    actions.run(job_id=_job(cast, _export(2)).pk, on_filed=filed.extend)
    assert len(filed) == 2
    count = EventReport.objects.count()

    again = actions.run(job_id=_job(cast, _export(2)).pk, on_filed=filed.extend)
    assert (again.created, again.unchanged, again.amended) == (0, 2, 0)

    changed = actions.run(job_id=_job(cast, _export(2, injury="Unknown")).pk, on_filed=filed.extend)
    assert (changed.created, changed.amended) == (0, 2)
    assert EventReport.objects.count() == count
    assert len(filed) == 2  # amendments are not new filings
    report = EventReport.objects.get(pk=filed[0])
    assert report.answers["Fall/injury"] == "A18"  # what was filed stays as filed
    assert effective_answers(report)["Fall/injury"] == "UNK"
    assert AnswerAmendment.objects.filter(report=report).count() == 1


def test_a_changed_core_field_is_listed_not_silently_overwritten(cast, keys_and_data):
    actions.run(job_id=_job(cast, _export(1)).pk, on_filed=lambda ids: None)
    content = _export(1).replace(b"Found on the floor by the bed.", b"Found on the floor by the window.")
    job = actions.run(job_id=_job(cast, content).pk, on_filed=lambda ids: None)
    assert job.unchanged == 1
    assert [(p["row"], p["column"]) for p in job.problems] == [(2, "Description")]
