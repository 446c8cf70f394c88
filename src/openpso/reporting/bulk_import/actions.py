"""The steps of a bulk import, each with its audit event (invariant 3).

upload → confirm the mapping → dry run → queue → run (in the background, `flows.bulk_import_task`).
Every row is filed through `reporting.actions.import_report`, the path the FHIR import takes:
one filing is the PSWP ledger's entry into the PSES, `report.filed` and `report.imported`, under
the audit chain's lock. The import is:

- idempotent on the source system's id: the row's key is a digest of the provider, the source
  system and its id, kept as the imported document's key (never expires); a row imported
  before is left as it is when nothing changed;
- amending: a row whose coded answers changed since becomes an `AnswerAmendment` of the report
  (a new version of its answers, decision 0013), never an edit of what was filed; a change to
  a core field (the narrative, the harm, the categories…) is listed as a problem of that row,
  to be corrected in the PSES, because a filed report's core fields do not change;
- resumable: rows are committed in batches together with the checkpoint `rows_done`, so a run
  that stops (a crash, a restart) continues from the last committed batch, and a row
  committed twice is found by its key.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.reporting import queries
from openpso.reporting.actions import import_report
from openpso.reporting.answer_actions import amend_answers
from openpso.reporting.bulk_import import reader, storage
from openpso.reporting.bulk_import.dry_run import DryRun, check_row, dry_run
from openpso.reporting.bulk_import.mapping import ImportMapping, RowProblem
from openpso.reporting.bulk_import.proposal import propose
from openpso.reporting.errors import IdempotencyConflict, ReportInvalid
from openpso.reporting.events import ReportAction
from openpso.reporting.models import EventReport, IdempotencyKey, ImportJob, ImportMappingRecord, ImportStatus
from openpso.reporting.schemas import ReportIn

BATCH = 200
CREATED, AMENDED, UNCHANGED, FAILED = "created", "amended", "unchanged", "failed"
CORE_FIELDS = (
    "event_type",
    "categories",
    "category_other",
    "discovered_at",
    "narrative",
    "location_detail",
    "patient_age_years",
    "patient_sex",
    "harm",
)


def source_key(provider: Organization, source_system: str, source_id: str) -> str:
    """The row's idempotency key: the same export row always finds its first report."""
    return hashlib.sha256(f"bulk\x00{provider.pk}\x00{source_system}\x00{source_id}".encode()).hexdigest()


def _audit(job: ImportJob, user: Any, action: ReportAction, **detail: object) -> None:
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
    user: Any,
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
            created_by=user,
            source_system=source_system,
            file_format=file_format,
            stored_name=stored_name,
            file_bytes=size,
            mapping=mapping.as_json(),
        )
        _audit(job, user, ReportAction.BULK_IMPORT_UPLOADED, bytes=size)
    return job


def confirm_mapping(*, user: Any, job: ImportJob, mapping: ImportMapping) -> ImportJob:
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


def check(*, user: Any, job: ImportJob) -> DryRun:
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


def queue(*, user: Any, job: ImportJob) -> ImportJob:
    """Mark the checked job for the background import (the entry point enqueues the task)."""
    with transaction.atomic():
        job.status = ImportStatus.QUEUED
        job.problems = []  # type: ignore[assignment]  # the import lists its own
        job.save(update_fields=["status", "problems"])
        _audit(job, user, ReportAction.BULK_IMPORT_STARTED, resumed_at_row=job.rows_done)
    return job


@dataclass(frozen=True)
class RowOutcome:
    state: str
    report: EventReport | None = None
    problems: tuple[RowProblem, ...] = ()


def import_row(
    *,
    actor: Any,
    provider: Organization,
    mapping: ImportMapping,
    row: dict[str, str],
    number: int,
    file_format: str,
    on_filed: Callable[[uuid.UUID], None],
) -> RowOutcome:
    """File, amend or leave one row; never raises for the row's own problems."""
    checked = check_row(mapping, row, number=number, provider=provider)
    if checked.data is None:
        return RowOutcome(FAILED, problems=tuple(checked.problems))
    key = source_key(provider, mapping.source_system, checked.source_id)
    earlier = IdempotencyKey.objects.filter(key=key).select_related("report").first()
    try:
        if earlier is None:
            report, created = import_report(
                actor=actor, provider=provider, data=checked.data, source_key=key, source_format=f"bulk-{file_format}"
            )
            if created:
                on_filed(report.pk)
            return RowOutcome(CREATED if created else UNCHANGED, report)
        return _amend(actor=actor, report=earlier.report, data=checked.data, number=number, mapping=mapping)
    except (ReportInvalid, IdempotencyConflict) as exc:
        errors = exc.errors if isinstance(exc, ReportInvalid) else []
        problems = [RowProblem(number, mapping.column_of(e.field), e.message) for e in errors]
        return RowOutcome(FAILED, problems=tuple(problems or [RowProblem(number, "", str(exc))]))


def _amend(*, actor: Any, report: EventReport, data: ReportIn, number: int, mapping: ImportMapping) -> RowOutcome:
    changed_core = [name for name in CORE_FIELDS if _differs(getattr(report, name), getattr(data, name))]
    current = queries.effective_answers(report)
    changes: dict[str, Any] = {k: v for k, v in data.answers.items() if current.get(k) != v}
    amendment = amend_answers(report=report, changes=changes, user=actor) if changes else None
    problems = tuple(
        RowProblem(
            number,
            mapping.column_of(name),
            "changed since the first import; a filed report's core fields are not amended by an import "
            "(correct it in the PSES)",
        )
        for name in changed_core
    )
    return RowOutcome(AMENDED if amendment else UNCHANGED, report, problems)


def _differs(stored: Any, given: Any) -> bool:
    if given is None or given == "" or given == []:
        return stored not in (None, "", [])
    if hasattr(given, "tzinfo") and hasattr(stored, "tzinfo"):
        return bool(abs((stored - given).total_seconds()) >= 1)
    return bool(stored != given)


def run(*, job_id: uuid.UUID | str, on_filed: Callable[[uuid.UUID], None], batch: int = BATCH) -> ImportJob:
    """Import the job's rows from its checkpoint on; safe to call again after any stop. An error
    marks the job failed (resumable); a killed process leaves it running (resumable too)."""
    try:
        return _run(job_id=job_id, on_filed=on_filed, batch=batch)
    except Exception:
        ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.FINISHED).update(status=ImportStatus.FAILED)
        raise


def _run(*, job_id: uuid.UUID | str, on_filed: Callable[[uuid.UUID], None], batch: int) -> ImportJob:
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
    job: ImportJob,
    mapping: ImportMapping,
    pending: list[tuple[int, dict[str, str]]],
    on_filed: Callable[[uuid.UUID], None],
) -> bool:
    expected = job.rows_done
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.rows_done != expected:
            return False
        counts = {CREATED: 0, AMENDED: 0, UNCHANGED: 0, FAILED: 0}
        problems: list[dict[str, object]] = []
        for number, row in pending:
            outcome = import_row(
                actor=job.created_by,
                provider=job.provider,
                mapping=mapping,
                row=row,
                number=number,
                file_format=job.file_format,
                on_filed=on_filed,
            )
            counts[outcome.state] += 1
            problems += [p.as_dict() for p in outcome.problems]
        locked.rows_done = expected + len(pending)
        locked.created += counts[CREATED]
        locked.amended += counts[AMENDED]
        locked.unchanged += counts[UNCHANGED]
        locked.failed += counts[FAILED]
        update = ["rows_done", "created", "amended", "unchanged", "failed"]
        if problems:
            listed = list(locked.problems or [])
            locked.problems = (listed + problems)[:10_000]  # type: ignore[assignment]
            update.append("problems")
        locked.save(update_fields=update)
    job.rows_done = locked.rows_done
    return True
