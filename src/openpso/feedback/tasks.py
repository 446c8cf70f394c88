"""Report generation as a background task (django-tasks, database backend: no extra server)."""

from __future__ import annotations

from django_tasks import task

from openpso.feedback.reports.actions import generate


@task()
def generate_report_task(report_id: int) -> dict[str, object]:
    """Generate one report; idempotent (a finished report is left as it is). Returns ids and codes only."""
    report = generate(report_id)
    return {"report": report.pk, "status": report.status, "bytes": len(report.pdf or b"")}
