"""The answer pages: the safety team completes or corrects a report's coded answers and asks
the reporter for them; the reporter answers such a request (signed in or anonymous).

Lookups go through the channel's tenancy helpers (404 for anything out of reach); changes
through `answer_actions`, each audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openpso.audit.actor import Actor
from openpso.reporting import actions, answer_actions, queries
from openpso.reporting.answer_forms import CompletionForm, ReporterAnswersForm, RequestForm
from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.channel import queries as channel_queries
from openpso.reporting.channel import receipts
from openpso.reporting.channel.views import _limited, identity_free, reply_receipt
from openpso.reporting.completeness import missing_answers
from openpso.reporting.errors import ReportInvalid
from openpso.reporting.models import AnswerRequest, EventReport
from openpso.reporting.module_forms import bind, questions


def _page_url(report: EventReport, anchor: str = "") -> str:
    url = reverse("reporting:report-answers", kwargs={"report_id": report.pk})
    return f"{url}#{anchor}" if anchor else url


@login_required
def report_answers(request: HttpRequest, report_id: str) -> HttpResponse:
    """Complete or correct the coded answers of one report; ask its reporter for some."""
    report = channel_queries.get_report_for_pses(request.user, report_id)
    answers = queries.effective_answers(report)
    action = request.POST.get("action") if request.method == "POST" else None
    form = CompletionForm(request.POST if action == "amend" else None, report=report, answers=answers)
    missing = missing_answers(report, answers)
    ask = RequestForm(request.POST if action == "ask" else None, report=report, missing=[m.link_id for m in missing])
    if action == "amend" and form.is_valid():
        try:
            amendment = answer_actions.amend_answers(report=report, changes=form.changes(), user=request.user)
        except ReportInvalid as exc:
            form.add_answer_errors(exc.errors)
        else:
            if amendment is None:
                messages.info(request, "Nothing changed.")
            else:
                changed = len(amendment.link_ids)
                answers_word = "answer" if changed == 1 else "answers"
                messages.success(request, f"Saved: {changed} {answers_word} changed. The reporter's original is kept.")
            return redirect(_page_url(report))
    if action == "ask" and ask.is_valid():
        try:
            answer_actions.request_answers(
                user=request.user, report=report, link_ids=ask.cleaned_data["link_ids"], note=ask.cleaned_data["note"]
            )
        except channel_actions.ChannelInvalid as exc:
            ask.add_error("link_ids", str(exc))
        else:
            messages.success(request, "Sent. The reporter sees these questions on their report's follow-up page.")
            return redirect(_page_url(report, "ask"))
    if request.method == "GET":
        with transaction.atomic():
            actions.record_view(user=request.user, report=report, purpose="pses.review")
    context = {
        "report": report,
        "form": form,
        "modules": [(m, bind(form, questions(m))) for m in form.modules],
        "missing": missing,
        "ask": ask,
        "history": report.amendments.select_related("author").order_by("sequence"),
        "requests": report.answer_requests.prefetch_related("amendments").order_by("requested_at"),
    }
    return render(request, "reporting/answers/complete.html", context)


def _request_of(report: EventReport, request_id: Any) -> AnswerRequest:
    try:
        found: AnswerRequest | None = (
            AnswerRequest.objects.filter(report=report, pk=request_id).first() if request_id else None
        )
    except ValidationError:  # not a UUID
        found = None
    if found is None:
        raise Http404("No such request")
    return found


def _answer(request: HttpRequest, report: EventReport, answer_request: AnswerRequest, user: Actor | None) -> str | None:
    """Record the reporter's answers; the problem in words, or None when saved."""
    form = ReporterAnswersForm(request.POST, report=report, answer_request=answer_request)
    if not form.is_valid():
        return "; ".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        answer_actions.answer_request(report=report, answer_request=answer_request, answers=form.answers(), user=user)
    except ReportInvalid as exc:
        return "; ".join(e.message for e in exc.errors)
    except channel_actions.ChannelInvalid as exc:
        return str(exc)
    return None


@login_required
@require_POST
def my_request_answer(request: HttpRequest, report_id: str) -> HttpResponse:
    """An identified reporter answers the safety team's questions on their own report."""
    report = channel_queries.get_my_report(request.user, report_id)
    problem = _answer(request, report, _request_of(report, request.POST.get("request")), request.user)
    if problem is None:
        messages.success(request, f"Your answers on report {report.short_id} were sent to the safety team.")
    else:
        messages.error(request, f"Report {report.short_id}: not sent: {problem}.")
    return redirect(f"{reverse('channel:my-reports')}#report-{report.pk}")


@identity_free
@require_POST
@_limited("reply")
def anonymous_request_answer(request: HttpRequest) -> HttpResponse:
    """An anonymous reporter answers the questions, through their status page's token only."""
    receipt = reply_receipt(request)
    if isinstance(receipt, HttpResponse):
        return receipt
    report = receipt.report
    answer_request = _request_of(report, request.POST.get("request"))
    problem = _answer(request, report, answer_request, None)
    context = {
        "report": report,
        "status": channel_queries.plain_status(report),
        "thread": channel_queries.thread_of(report),
        "token": receipts.status_token(receipt),
        "answered": problem is None,
        # Shown beside the request's questions by `{% answer_request_fields %}`.
        "request_problem": problem,
        "problem_request": str(answer_request.pk),
    }
    return render(request, "reporting/channel/status.html", context)
