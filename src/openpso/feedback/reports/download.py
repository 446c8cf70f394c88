"""A finished report's document as a download, for the report page and the API alike.

One function per format, so the page's PDF button and `GET /api/v1/feedback-reports/{id}.pdf`
hand over the same bytes under the same name and leave the same audit event
(`actions.record_read`: a report carries the organisation's own PSWP). The caller has already
found the report through `feedback.queries.get_report_for_user` (404 for anything foreign).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse

from openpso.audit.actor import Actor
from openpso.feedback.models import FeedbackReport, ReportStatus
from openpso.feedback.reports.actions import record_read


def filename(report: FeedbackReport, extension: str) -> str:
    return f"{report.kind}-{report.organization.slug}-{report.month}.{extension}"


def _attachment(body: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def pdf_download(*, actor: Actor | None, report: FeedbackReport) -> HttpResponse:
    """The report's PDF; 404 while it has none (queued, running or failed)."""
    if report.status != ReportStatus.DONE or not report.pdf:
        raise Http404("This report has no PDF yet")
    record_read(actor=actor, report=report, what="downloaded")
    return _attachment(bytes(report.pdf), content_type="application/pdf", name=filename(report, "pdf"))


def html_download(*, actor: Actor | None, report: FeedbackReport) -> HttpResponse:
    """The report's HTML, as the report page shows it; 404 until it is generated. An attachment,
    so a browser saves it rather than opening it in the application's origin."""
    if report.status != ReportStatus.DONE or not report.html:
        raise Http404("This report has no HTML yet")
    record_read(actor=actor, report=report, what="downloaded")
    return _attachment(report.html.encode(), content_type="text/html; charset=utf-8", name=filename(report, "html"))
