"""`/api/v1/feedback-reports`: the learning reports the caller's organisation may read, and their documents.

The same rules as the report pages (/feedback/reports/): each report is read inside its own
organisation, the PSO learning report also by the safety teams of members whose agreement includes
it (feedback.queries); a foreign or missing id is a 404. The PDF and HTML come from the same
functions as the page's download (`download.pdf_download`, `download.html_download`): the same
bytes, the same file name, the same audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from openpso.feedback import queries
from openpso.feedback.models import FeedbackReport, ReportKind, ReportStatus
from openpso.feedback.reports.download import html_download, pdf_download
from openpso.lib.api_pagination import BoundedLimitOffset
from openpso.reporting.schemas import ErrorOut

router = Router(tags=["feedback reports"])
# A database id: beyond a signed 64-bit integer the database cannot look it up (a 500, not a 404).
ReportId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The report's id (its page is /feedback/reports/{id}/)")]


class FeedbackReportOut(Schema):
    id: int
    kind: str = Field(..., json_schema_extra={"enum": list(ReportKind.values)})
    organization: str = Field(..., alias="organization.slug", description="Slug of the organisation reported on")
    month: str = Field(..., description="The month reported on, YYYY-MM")
    status: str = Field(
        ...,
        description="`done` once its HTML and PDF can be downloaded",
        json_schema_extra={"enum": list(ReportStatus.values)},
    )
    progress: int = Field(..., ge=0, le=100)
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _document(description: str, media_type: str) -> dict[str, object]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "",
    url_name="feedback-report-list",
    response=list[FeedbackReportOut],
    summary="The feedback reports your organisation may read (newest first)",
)
@paginate(BoundedLimitOffset)
def list_reports(request: HttpRequest) -> QuerySet[FeedbackReport]:
    return queries.reports_for(request.user).defer("html", "pdf").order_by("-created_at", "-id")


# The documents' routes come before the report's own: `{feedback_report_id}` alone would take "7.pdf".
@router.get(
    "/{feedback_report_id}.pdf",
    url_name="feedback-report-pdf",
    response={404: ErrorOut},
    summary="The report as PDF, as the report page's download; the download is audited",
    description="404 until the report is done (see `status`).",
    openapi_extra=_document("The PDF, as an attachment", "application/pdf"),
)
def report_pdf(request: HttpRequest, feedback_report_id: ReportId) -> HttpResponse:
    return pdf_download(actor=request.user, report=queries.get_report_for_user(request.user, feedback_report_id))


@router.get(
    "/{feedback_report_id}.html",
    url_name="feedback-report-html",
    response={404: ErrorOut},
    summary="The report as HTML, as the report page shows it; the download is audited",
    description="404 until the report is done (see `status`).",
    openapi_extra=_document("The HTML document, as an attachment", "text/html"),
)
def report_html(request: HttpRequest, feedback_report_id: ReportId) -> HttpResponse:
    return html_download(actor=request.user, report=queries.get_report_for_user(request.user, feedback_report_id))


@router.get(
    "/{feedback_report_id}",
    url_name="feedback-report-detail",
    response={200: FeedbackReportOut, 404: ErrorOut},
    summary="One feedback report: its kind, month and progress",
)
def get_report(request: HttpRequest, feedback_report_id: ReportId) -> FeedbackReport:
    return queries.get_report_for_user(request.user, feedback_report_id)
