"""A stopped import resumes from its checkpoint without filing a row twice; a changed row becomes
an amendment of its report (a new version of its answers), never a second report."""

from __future__ import annotations

import uuid

import pytest

from openpso.reporting.bulk_import import actions
from openpso.reporting.bulk_import.mapping import ImportMapping
from openpso.reporting.models import AnswerAmendment, EventReport, ImportStatus
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


def _job(cast, content: bytes):
    mapping = ImportMapping.from_json(MAPPING)
    job = actions.upload(
        user=cast.users["safety_manager"],
        provider=cast.orgs["p1"],
        source_system="verge",
        file_name="verge.csv",
        chunks=[content],
        mapping=mapping,
    )
    actions.confirm_mapping(user=cast.users["safety_manager"], job=job, mapping=mapping)
    actions.check(user=cast.users["safety_manager"], job=job)
    return actions.queue(user=cast.users["safety_manager"], job=job)


def test_an_import_that_stops_resumes_from_its_checkpoint(cast, keys_and_data, monkeypatch):
    job = _job(cast, _export(7))
    real = actions.import_row
    calls = {"n": 0}

    def crash_on_the_fifth_row(**kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("the worker died")
        return real(**kwargs)

    monkeypatch.setattr(actions, "import_row", crash_on_the_fifth_row)
    with pytest.raises(RuntimeError):
        actions.run(job_id=job.pk, on_filed=lambda pk: None, batch=3)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created) == (ImportStatus.FAILED, 3, 3)  # rows 4-6 rolled back
    before = EventReport.objects.count()

    monkeypatch.setattr(actions, "import_row", real)
    job = actions.run(job_id=job.pk, on_filed=lambda pk: None, batch=3)
    assert (job.status, job.rows_done, job.created) == (ImportStatus.FINISHED, 7, 7)
    assert EventReport.objects.count() == before + 4


def test_a_row_changed_since_becomes_an_amendment_and_an_unchanged_one_nothing(cast, keys_and_data):
    filed: list[uuid.UUID] = []
    actions.run(job_id=_job(cast, _export(2)).pk, on_filed=filed.append)
    assert len(filed) == 2
    count = EventReport.objects.count()

    again = actions.run(job_id=_job(cast, _export(2)).pk, on_filed=filed.append)
    assert (again.created, again.unchanged, again.amended) == (0, 2, 0)

    changed = actions.run(job_id=_job(cast, _export(2, injury="Unknown")).pk, on_filed=filed.append)
    assert (changed.created, changed.amended) == (0, 2)
    assert EventReport.objects.count() == count
    assert len(filed) == 2  # amendments are not new filings
    report = EventReport.objects.get(pk=filed[0])
    assert report.answers["Fall/injury"] == "A18"  # what was filed stays as filed
    assert effective_answers(report)["Fall/injury"] == "UNK"
    assert AnswerAmendment.objects.filter(report=report).count() == 1


def test_a_changed_core_field_is_listed_not_silently_overwritten(cast, keys_and_data):
    actions.run(job_id=_job(cast, _export(1)).pk, on_filed=lambda pk: None)
    content = _export(1).replace(b"Found on the floor by the bed.", b"Found on the floor by the window.")
    job = actions.run(job_id=_job(cast, content).pk, on_filed=lambda pk: None)
    assert job.unchanged == 1
    assert [(p["row"], p["column"]) for p in job.problems] == [(2, "Description")]
