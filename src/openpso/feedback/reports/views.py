"""Report pages (/feedback/reports/): ask for one, watch its progress, read it, download its PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from openpso.feedback import queries
from openpso.feedback.models import ReportStatus
from openpso.feedback.reports import actions as reports
from openpso.feedback.reports.download import pdf_download
from openpso.feedback.reports.forms import RequestForm
from openpso.organizations.queries import roles_of

POLL_SECONDS = 2


def _visible_or_404(request: HttpRequest) -> tuple[Any, list[tuple[str, Any]]]:
    visible = queries.reports_for(request.user).defer("html", "pdf")
    pairs = queries.requestable(request.user)
    if not roles_of(request.user) & set(queries.REPORT_READERS):
        raise Http404("No reports for you")
    return visible, pairs


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    visible, pairs = _visible_or_404(request)
    form = RequestForm(request.POST or None, pairs=pairs)
    if request.method == "POST" and pairs and form.is_valid():
        kind, org = form.pairs[form.cleaned_data["product"]]
        report = reports.request_report(
            actor=request.user, kind=kind, organization=org, month=form.cleaned_data["month"]
        )
        messages.success(request, "Your report is being generated.")
        return redirect("feedback:report", feedback_report_id=report.pk)
    return render(request, "feedback/report_list.html", {"reports": visible[:100], "form": form if pairs else None})


@login_required
def report_detail(request: HttpRequest, feedback_report_id: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, feedback_report_id)
    if report.status == ReportStatus.DONE:
        reports.record_read(actor=request.user, report=report, what="viewed")
    # The stored HTML was rendered by our own autoescaping templates from our own data (charts are
    # vl-convert SVG): it is shown as it was generated.
    body = mark_safe(report.html) if report.status == ReportStatus.DONE else ""  # noqa: S308
    return render(request, "feedback/report_detail.html", {"report": report, "body": body, "poll": POLL_SECONDS})


@login_required
def report_progress(request: HttpRequest, feedback_report_id: int) -> HttpResponse:
    """The progress fragment htmx polls; once the report is finished the whole page reloads."""
    report = queries.get_report_for_user(request.user, feedback_report_id)
    response = render(request, "feedback/_report_progress.html", {"report": report, "poll": POLL_SECONDS})
    if report.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
def report_pdf(request: HttpRequest, feedback_report_id: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, feedback_report_id)
    return pdf_download(actor=request.user, report=report)
