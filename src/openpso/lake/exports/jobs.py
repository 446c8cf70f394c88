"""Bulk Data export jobs: the PSO's release data as FHIR R5 NDJSON, made in the background.

`start` stores a queued job and enqueues `tasks.bulk_export_task` once the row is committed;
`run` (the task's body) writes the NDJSON under OPENPSO_DATA_DIR/exports/<job id>/ with its
progress on the row, and stops at the next event when the job was cancelled; `cancel` marks the
job cancelled and removes its files. Jobs are the PSO's: `job_for` finds one only for the staff
of its PSO (anyone else gets None, as for a job that does not exist).
"""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.lake.exports.models import BulkExport, ExportStatus
from openpso.organizations.models import Organization
from openpso.organizations.queries import pso_staff_psos_for

log = logging.getLogger(__name__)
NDJSON_NAME = "AdverseEvent.ndjson"  # the one file of an export: R5 AdverseEvents, one a line
FINISHED = {ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.CANCELLED}


class Cancelled(Exception):
    """The job was cancelled while it ran."""


def folder(job: BulkExport) -> Path:
    return Path(settings.DATA_DIR) / "exports" / str(job.pk)


def start(*, pso: Organization, since: Any, actor: Actor) -> BulkExport:
    from openpso.lake.exports.tasks import bulk_export_task

    with transaction.atomic():
        job = BulkExport.objects.create(
            pso=pso, since=since, requested_by=user_row(actor) if getattr(actor, "is_authenticated", False) else None
        )
        transaction.on_commit(lambda: bulk_export_task.enqueue(str(job.pk)))
    return job


def job_for(user: Actor, job_id: uuid.UUID) -> BulkExport | None:
    """The job, if `user` is staff of its PSO and it was not cancelled; None otherwise."""
    return (
        BulkExport.objects.filter(pk=job_id, pso__in=pso_staff_psos_for(user))
        .exclude(status=ExportStatus.CANCELLED)
        .select_related("pso")
        .first()
    )


def run(job_id: str) -> BulkExport:
    """Write the job's NDJSON; idempotent (a finished job is left as it is)."""
    from openpso.lake.exports.run import export

    job = BulkExport.objects.select_related("pso", "requested_by").get(pk=job_id)
    if job.status in FINISHED:
        return job
    BulkExport.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        if BulkExport.objects.filter(pk=job.pk, status=ExportStatus.CANCELLED).exists():
            raise Cancelled
        BulkExport.objects.filter(pk=job.pk).update(progress=min(99, 100 * done // max(total, 1)))

    try:
        result = export(
            "fhir-ndjson", pso=job.pso, since=job.since, out=folder(job), actor=job.requested_by, progress=progress
        )
    except Cancelled:
        shutil.rmtree(folder(job), ignore_errors=True)
        return BulkExport.objects.get(pk=job.pk)
    except Exception as error:  # ids and codes only in logs (invariant 4); the reason goes on the job
        log.exception("bulk export failed", extra={"job": str(job.pk)})
        BulkExport.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        return BulkExport.objects.get(pk=job.pk)
    files = [{"type": "AdverseEvent", "name": path.name, "count": result.events} for path in result.files]
    BulkExport.objects.filter(pk=job.pk).exclude(status=ExportStatus.CANCELLED).update(
        status=ExportStatus.DONE, progress=100, files=files, finished_at=timezone.now()
    )
    return BulkExport.objects.get(pk=job.pk)


def cancel(job: BulkExport) -> None:
    """Cancel the job (a running one stops at its next event) and remove what it wrote."""
    BulkExport.objects.filter(pk=job.pk).update(status=ExportStatus.CANCELLED, finished_at=timezone.now())
    shutil.rmtree(folder(job), ignore_errors=True)
