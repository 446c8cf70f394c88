"""The Bulk Data export as a background task (django-tasks, database backend: no extra server)."""

from __future__ import annotations

from django_tasks import task

from openpso.lake.exports.jobs import run


@task()
def bulk_export_task(job_id: str) -> dict[str, object]:
    """Run one export job; idempotent. Returns ids, codes and counts only."""
    job = run(job_id)
    return {"job": str(job.pk), "status": job.status, "files": len(job.files)}
