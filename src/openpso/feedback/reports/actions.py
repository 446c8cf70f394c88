"""Asking for a report and generating it (HTML, then PDF), with progress the page can poll.

`request_report` stores a queued row and enqueues the task when the transaction commits;
`generate` does the work and is idempotent: a report already done is returned untouched.
Log lines and audit details carry ids and codes only (invariant 4).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.feedback.events import FeedbackAction
from openpso.feedback.models import FeedbackReport, ReportStatus
from openpso.feedback.reports.document import ReportDocument
from openpso.lib.months import parse_month
from openpso.organizations.models import Organization
from openpso.organizations.timezones import zone_of
from openpso.pswp.labels import feedback_report_label

log = logging.getLogger(__name__)
PURPOSE = "feedback"


def request_report(*, actor: Actor | None, kind: str, organization: Organization, month: str) -> FeedbackReport:
    """A queued report; the task is enqueued once the row is committed, so the worker finds it."""
    from openpso.feedback.tasks import generate_report_task

    with transaction.atomic():
        report = FeedbackReport.objects.create(
            kind=kind,
            organization=organization,
            period=parse_month(month),
            created_by=user_row(actor) if getattr(actor, "pk", None) else None,
            message="Waiting for the background worker",
        )
        _audit(actor=actor, action=FeedbackAction.REPORT_REQUESTED, report=report)
        transaction.on_commit(lambda: generate_report_task.enqueue(report.pk))
    return report


def set_progress(report: FeedbackReport, percent: int, message: str) -> None:
    """A single UPDATE outside any transaction of the caller's: the page polling sees it at once."""
    report.progress, report.message = percent, message[:200]
    FeedbackReport.objects.filter(pk=report.pk).update(progress=percent, message=report.message)


def generate(report_id: int, *, echo: Callable[[int, str], None] | None = None) -> FeedbackReport:
    """Build the report's document, its HTML and its PDF; `echo` also hears each progress step."""
    # Imported here: the analytics engine and WeasyPrint load in the worker, not in every web process.
    from openpso.feedback.reports.content import BUILDERS
    from openpso.feedback.reports.pdf import html_to_pdf

    report = FeedbackReport.objects.select_related("organization", "organization__network").get(pk=report_id)
    if report.status == ReportStatus.DONE:
        return report
    report.status, report.started_at = ReportStatus.RUNNING, timezone.now()
    FeedbackReport.objects.filter(pk=report.pk).update(status=report.status, started_at=report.started_at)

    def progress(percent: int, message: str) -> None:
        set_progress(report, percent, message)
        if echo is not None:
            echo(percent, message)

    progress(5, "Started")
    try:
        # A background task has no request: the organisation's zone, explicitly, for the
        # month's boundaries and every date the report shows.
        with timezone.override(zone_of(report.organization)):
            document = BUILDERS[report.kind](report.organization, report.month, progress)
            released_under = document.release[0].id if document.release else None
            document.pswp_label = feedback_report_label(report.kind, released_under)
            progress(80, "Laying out the pages")
            report.html = render_html(document)
            progress(85, "Writing the PDF")
            report.pdf = html_to_pdf(render_pdf_html(document))
    except Exception:
        log.exception("feedback: report %s (%s) failed", report.pk, report.kind)
        _finish(report, ReportStatus.FAILED, "Generation failed; the error is in the server log.")
        raise
    _finish(report, ReportStatus.DONE, "Ready")
    _audit(actor=None, action=FeedbackAction.REPORT_GENERATED, report=report)
    _record_release(report, document)
    return report


def _record_release(report: FeedbackReport, document: ReportDocument) -> None:
    """A report with pooled parts leaves the PSO: a Release row with its profile and measured k."""
    from openpso.feedback.models import ReportKind
    from openpso.nonid.release import record_release

    if document.release is None:
        return
    profile, peers, determination = document.release
    org = report.organization
    pso = org if report.kind == ReportKind.PSO_LEARNING else org.network
    if pso is None:
        return
    record_release(
        pso=pso,
        what=f"feedback.report:{report.kind}",
        object_id=str(report.pk),
        recipient=None if report.kind == ReportKind.PSO_LEARNING else org,  # a learning report goes to every member
        profile=profile,
        peers=peers,
        determination=determination,
    )


def _finish(report: FeedbackReport, status: str, message: str) -> None:
    report.status, report.message, report.finished_at = status, message, timezone.now()
    report.progress = 100 if status == ReportStatus.DONE else report.progress
    report.save(update_fields=["status", "message", "finished_at", "progress", "html", "pdf"])


def render_html(document: ReportDocument) -> str:
    return render_to_string("feedback/report_body.html", {"doc": document})


def render_pdf_html(document: ReportDocument) -> str:
    return render_to_string("feedback/report_pdf.html", {"doc": document})


def _audit(*, actor: Actor | None, action: FeedbackAction, report: FeedbackReport) -> None:
    record(
        actor=actor,
        action=action,
        object_type=object_type_of(report),
        object_id=str(report.pk),
        organization_id=report.organization_id,
        purpose=PURPOSE,
        detail={"kind": report.kind, "month": report.month},
    )


_READS = {"viewed": FeedbackAction.REPORT_VIEWED, "downloaded": FeedbackAction.REPORT_DOWNLOADED}


def record_read(*, actor: Actor | None, report: FeedbackReport, what: Literal["viewed", "downloaded"]) -> None:
    """A report carries the organisation's own PSWP: each view and download is in the audit log."""
    _audit(actor=actor, action=_READS[what], report=report)
