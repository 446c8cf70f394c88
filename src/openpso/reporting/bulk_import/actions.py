"""The steps of a bulk import, each with its audit event (invariant 3).

upload → confirm the mapping → dry run → queue → run (in the background, `flows.bulk_import_task`).
Rows are filed a batch at a time (`batch.import_batch`), set-based, through
`reporting.actions.import_reports`: the rows `import_report` (the FHIR import's path) would write
for each — the report and its history row, the PSWP ledger's entry into the PSES, `report.filed`
and `report.imported` — with one INSERT per table and one lock of the audit chain per batch.
The import is:

- idempotent on the source system's id: the row's key is a digest of the provider, the source
  system and its id, kept as the imported document's key (never expires); a row imported
  before is left as it is when nothing changed;
- amending: a row whose coded answers changed since becomes an `AnswerAmendment` of the report
  (a new version of its answers, decision 0013), never an edit of what was filed; a change to
  a core field (the narrative, the harm, the categories…) is listed as a problem of that row,
  to be corrected in the PSES, because a filed report's core fields do not change;
- resumable: rows are committed in batches together with the checkpoint `rows_done`, so a run
  that stops (a crash, a restart) continues from the last committed batch, and a row
  committed twice is found by its key. What follows a filing (`flows.reports_filed`) is
  handed each batch's new reports once, and runs after the batch commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.reporting.bulk_import import reader, storage
from openpso.reporting.bulk_import.batch import AMENDED, CREATED, FAILED, UNCHANGED, import_batch
from openpso.reporting.bulk_import.dry_run import DryRun, dry_run
from openpso.reporting.bulk_import.mapping import ImportMapping
from openpso.reporting.bulk_import.proposal import propose
from openpso.reporting.events import ReportAction
from openpso.reporting.models import ImportJob, ImportMappingRecord, ImportStatus

# What follows the filing of a batch's new reports (`flows.reports_filed`), handed in by the entry point.
OnFiled = Callable[[Sequence[uuid.UUID]], None]

# Rows per transaction: each batch is filed set-based (`batch.import_batch`) and committed
# with the checkpoint. Larger batches cost fewer statements a row; the audit chain's head is
# locked only from the batch's first append to its commit.
BATCH = 1000


def _audit(job: ImportJob, user: Actor | None, action: ReportAction, **detail: object) -> None:
    record(
        actor=user,
        action=action,
        object_type=object_type_of(job),
        object_id=str(job.pk),
        organization_id=job.provider_id,
        purpose="reporting.import",
        detail={"source_system": job.source_system, "format": job.file_format, **detail},
    )


def saved_mapping(provider: Organization, source_system: str) -> ImportMapping | None:
    saved = ImportMappingRecord.objects.filter(provider=provider, source_system=source_system).first()
    return ImportMapping.from_json(saved.mapping) if saved else None


def upload(
    *,
    user: Actor | None,
    provider: Organization,
    source_system: str,
    file_name: str,
    chunks: Iterable[bytes],
    mapping: ImportMapping | None = None,
) -> ImportJob:
    """Keep the export (encrypted) with a mapping: `mapping` (the command line's), else the
    provider's saved one for this system, else one proposed from the file's headers and values."""
    file_format = reader.format_of(file_name)
    job_id = uuid.uuid4()
    stored_name = f"{job_id}.{file_format}.enc"
    size = storage.store(stored_name, chunks)
    try:
        mapping = mapping or saved_mapping(provider, source_system)
        if mapping is None:
            with reader.open_rows(file_format=file_format, stored=stored_name) as rows:
                mapping = propose(rows, source_system=source_system)
    except reader.UnreadableFile:
        storage.remove(stored_name)
        raise
    with transaction.atomic():
        job = ImportJob.objects.create(
            id=job_id,
            provider=provider,
            created_by=user_row(user),
            source_system=source_system,
            file_format=file_format,
            stored_name=stored_name,
            file_bytes=size,
            mapping=mapping.as_json(),
        )
        _audit(job, user, ReportAction.BULK_IMPORT_UPLOADED, bytes=size)
    return job


def confirm_mapping(*, user: Actor | None, job: ImportJob, mapping: ImportMapping) -> ImportJob:
    """The safety manager's mapping becomes the job's and is saved for the provider's system."""
    with transaction.atomic():
        ImportMappingRecord.objects.update_or_create(
            provider=job.provider,
            source_system=job.source_system,
            defaults={"mapping": mapping.as_json(), "confirmed_by": user, "confirmed_at": timezone.now()},
        )
        job.mapping = mapping.as_json()
        job.status = ImportStatus.UPLOADED
        job.save(update_fields=["mapping", "status"])
        _audit(job, user, ReportAction.BULK_IMPORT_MAPPING_CONFIRMED)
    return job


def check(*, user: Actor | None, job: ImportJob) -> DryRun:
    """The dry run: every row checked, nothing filed; the job keeps the row count and problems."""
    mapping = ImportMapping.from_json(job.mapping)
    with reader.open_rows(file_format=job.file_format, stored=job.stored_name) as rows:
        result = dry_run(mapping, rows, provider=job.provider)
    with transaction.atomic():
        job.rows_total = result.rows
        job.failing_rows = result.failing_rows
        job.problems = [p.as_dict() for p in result.problems]  # type: ignore[assignment]
        job.status = ImportStatus.CHECKED
        job.save(update_fields=["rows_total", "failing_rows", "problems", "status"])
        _audit(job, user, ReportAction.BULK_IMPORT_CHECKED, rows=result.rows, failing_rows=result.failing_rows)
    return result


def queue(*, user: Actor | None, job: ImportJob) -> ImportJob:
    """Mark the checked job for the background import (the entry point enqueues the task)."""
    with transaction.atomic():
        job.status = ImportStatus.QUEUED
        job.problems = []  # type: ignore[assignment]  # the import lists its own
        job.save(update_fields=["status", "problems"])
        _audit(job, user, ReportAction.BULK_IMPORT_STARTED, resumed_at_row=job.rows_done)
    return job


def run(*, job_id: uuid.UUID | str, on_filed: OnFiled, batch: int = BATCH) -> ImportJob:
    """Import the job's rows from its checkpoint on; safe to call again after any stop. An error
    marks the job failed (resumable); a killed process leaves it running (resumable too)."""
    try:
        return _run(job_id=job_id, on_filed=on_filed, batch=batch)
    except Exception:
        ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.FINISHED).update(status=ImportStatus.FAILED)
        raise


def _run(*, job_id: uuid.UUID | str, on_filed: OnFiled, batch: int) -> ImportJob:
    job = ImportJob.objects.select_related("provider", "created_by").get(pk=job_id)
    if job.status == ImportStatus.FINISHED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=job.started_at or timezone.now())
    mapping = ImportMapping.from_json(job.mapping)
    done = job.rows_done
    pending: list[tuple[int, dict[str, str]]] = []
    with reader.open_rows(file_format=job.file_format, stored=job.stored_name) as rows:
        for index, item in enumerate(rows.rows):
            if index < done:
                continue  # committed by an earlier run
            pending.append(item)
            if len(pending) >= batch:
                if not _commit_batch(job, mapping, pending, on_filed):
                    return ImportJob.objects.get(pk=job.pk)  # another run took over
                pending = []
        if pending and not _commit_batch(job, mapping, pending, on_filed):
            return ImportJob.objects.get(pk=job.pk)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.status = ImportStatus.FINISHED
        job.finished_at = timezone.now()
        job.rows_total = job.rows_done
        job.save(update_fields=["status", "finished_at", "rows_total"])
        _audit(
            job,
            job.created_by,
            ReportAction.BULK_IMPORT_FINISHED,
            created=job.created,
            amended=job.amended,
            unchanged=job.unchanged,
            failed=job.failed,
        )
    storage.remove(job.stored_name)  # the export is not kept once its rows are reports
    return job


def _commit_batch(
    job: ImportJob, mapping: ImportMapping, pending: list[tuple[int, dict[str, str]]], on_filed: OnFiled
) -> bool:
    expected = job.rows_done
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.rows_done != expected:
            return False
        outcome = import_batch(
            actor=job.created_by, provider=job.provider, mapping=mapping, rows=pending, file_format=job.file_format
        )
        if outcome.filed:
            on_filed(outcome.filed)  # once for the batch; what follows runs after the commit
        locked.rows_done = expected + len(pending)
        locked.created += outcome.counts[CREATED]
        locked.amended += outcome.counts[AMENDED]
        locked.unchanged += outcome.counts[UNCHANGED]
        locked.failed += outcome.counts[FAILED]
        update = ["rows_done", "created", "amended", "unchanged", "failed"]
        if outcome.problems:
            listed = list(locked.problems or [])
            locked.problems = (listed + [p.as_dict() for p in outcome.problems])[:10_000]  # type: ignore[assignment]
            update.append("problems")
        locked.save(update_fields=update)
    job.rows_done = locked.rows_done
    return True
