"""Pages of the follow-up channel: the no-login anonymous report, its receipt and status
page, "My reports" for identified reporters, and the safety team's posts.

The anonymous pages are `identity_free`: they never read the signed-in user, never save a
session, never log the request with client details, and keep no state between pages but
a short-lived signed token in their forms (DESIGN invariant 2).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit  # type: ignore[import-untyped]
from pydantic import ValidationError

from openpso import flows
from openpso.organizations.timezones import activate_zone_of
from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.channel import queries as channel_queries
from openpso.reporting.channel import receipts
from openpso.reporting.channel.forms import (
    AnonymousAnswerForm,
    AnonymousReportForm,
    AnswerForm,
    FollowUpPostForm,
    PassphraseForm,
    ReceiptLookupForm,
    suggest_passphrase,
)
from openpso.reporting.errors import ReportInvalid, field_errors
from openpso.reporting.models import AnonymousReceipt, EventReport
from openpso.reporting.schemas import ReportIn

# Every page under this path is identity-free; `openpso.core.gunicorn` keeps the same
# prefix out of the access log.
ANONYMOUS_PATH = "/anonymous/"
# The signed-in report form: a post there may be an anonymous filing ("Report anonymously",
# views.report_new), so its posts are logged no more than the anonymous pages'.
REPORT_FORM_PATH = "/reports/new/"

# Per hashed client address and hour. Generous, because a whole hospital often shares one
# NAT address; the per-receipt lockout, not this, protects a passphrase.
RATES = {"file": "20/h", "passphrase": "20/h", "lookup": "30/h", "reply": "30/h"}
LOOKUP_FAILED = "We could not open a report with that receipt code and passphrase."


def _rate(name: str) -> Callable[[str, HttpRequest], str]:
    return lambda group, request: RATES[name]


def _limited(name: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    # block=False: the view answers 429 itself, after its own 404s.
    limit: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = ratelimit(
        group=f"openpso.anonymous.{name}", key=receipts.client_key, rate=_rate(name), method="POST", block=False
    )
    return limit


class QuietAnonymousRequests(logging.Filter):
    """Django's request loggers say nothing about the anonymous pages' visitors.

    4xx lines (a 429, a 404, a CSRF refusal) on those paths are dropped: with their time
    they would date an anonymous report more finely than the hour. A 5xx is kept, since
    someone must fix it, but without the request and its client details.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _about_anonymous_path(record):
            return True
        if _status(record) >= 500:
            record.request = None
            return True
        return False


def _status(record: logging.LogRecord) -> int:
    status = getattr(record, "status_code", None)
    if status is None and isinstance(record.args, tuple) and len(record.args) > 1:
        status = record.args[1]  # django.server: (request line, status, size)
    try:
        return int(str(status))
    except ValueError:
        return 500


def _about_anonymous_path(record: logging.LogRecord) -> bool:
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str):
        return _may_be_anonymous(getattr(request, "method", ""), path)
    # django.server (runserver) logs the request line as its first argument.
    args = record.args if isinstance(record.args, tuple) else ()
    method, _, target = str(args[0]).partition(" ") if args else ("", "", "")
    return _may_be_anonymous(method, target.split(" ", 1)[0].split("?", 1)[0])


def _may_be_anonymous(method: str, path: str) -> bool:
    return path.startswith(ANONYMOUS_PATH) or (path == REPORT_FORM_PATH and method.upper() == "POST")


for _name in ("django.request", "django.security.csrf", "django.server"):
    logging.getLogger(_name).addFilter(QuietAnonymousRequests())


def identity_free(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a page as if nobody were signed in, and leave the session untouched.

    With SESSION_SAVE_EVERY_REQUEST, a signed-in visitor's session row would be re-saved
    with a new expiry — the exact moment of their anonymous report, next to their user
    id. So the view sees no user, and this request's session is not saved.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.user = AnonymousUser()
        session = getattr(request, "session", None)
        if session is not None:
            session.save = lambda must_create=False: None  # type: ignore[method-assign]
        return view(request, *args, **kwargs)

    # no-store too: a receipt code must not stay in a shared device's browser cache.
    return never_cache(wrapped)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "reporting/channel/too_many.html", status=429)
    response["Retry-After"] = "3600"
    return response


def reply_receipt(request: HttpRequest) -> AnonymousReceipt | HttpResponse:
    """The receipt an anonymous reply is for, from its status page's token; or the page to
    answer with instead (too many tries, or an expired token: look the receipt up again)."""
    if getattr(request, "limited", False):
        return _too_many(request)
    receipt = receipts.receipt_from_status_token(request.POST.get("token", ""))
    if receipt is None:
        return render(request, "reporting/channel/lookup.html", {"form": ReceiptLookupForm(), "expired": True})
    return receipt


# --- anonymous: filing, receipt, passphrase -----------------------------------------


@identity_free
def anonymous_start(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reporting/channel/anonymous_start.html", {"providers": channel_queries.anonymous_providers()}
    )


@identity_free
@_limited("file")
def anonymous_new(request: HttpRequest, provider: str) -> HttpResponse:
    organization = channel_queries.get_anonymous_provider(provider)
    activate_zone_of(organization)  # the anonymous channel reads and shows the provider's time
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = AnonymousReportForm(request.POST or None, provider=organization)
    if request.method == "POST" and form.is_valid():
        try:
            data = ReportIn.model_validate(form.report_data(organization))
            new = channel_actions.file_anonymous(provider=organization, data=data)
            flows.report_filed(new.report.pk)
        except ValidationError as exc:
            form.add_field_errors(field_errors(exc))
        except ReportInvalid as exc:
            form.add_field_errors(exc.errors)
        else:
            passphrase_form = PassphraseForm(
                initial={"token": receipts.passphrase_token(new.receipt), "passphrase": suggest_passphrase()}
            )
            return _receipt_page(request, new.report, new.code, passphrase_form)
    return render(request, "reporting/channel/anonymous_form.html", {"form": form, "provider": organization})


def _receipt_page(request: HttpRequest, report: EventReport, code: str, form: PassphraseForm) -> HttpResponse:
    context = {"report": report, "provider": report.provider, "code": code, "form": form}
    return render(request, "reporting/channel/receipt.html", context)


@identity_free
@require_POST
@_limited("passphrase")
def anonymous_passphrase(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many(request)
    form = PassphraseForm(request.POST)
    receipt_id = receipts.receipt_for_passphrase(request.POST.get("token", ""))
    code = request.POST.get("code", "")
    receipt = None
    if receipt_id is not None:
        receipt = AnonymousReceipt.objects.select_related("report__provider").filter(pk=receipt_id).first()
    if receipt is None or not receipts.code_matches(receipt, code):
        return render(request, "reporting/channel/expired.html", status=400)
    if form.is_valid():
        if channel_actions.set_passphrase(receipt_id=receipt.pk, passphrase=form.cleaned_data["passphrase"]):
            return render(request, "reporting/channel/receipt_done.html", {"code": code, "report": receipt.report})
        return render(request, "reporting/channel/expired.html", status=400)
    return _receipt_page(request, receipt.report, code, form)


# --- anonymous: status page through the receipt --------------------------------------


@identity_free
@_limited("lookup")
def follow_up_lookup(request: HttpRequest) -> HttpResponse:
    form = ReceiptLookupForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _too_many(request)
        receipt = None
        if form.is_valid():
            receipt = channel_actions.open_receipt(
                code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"]
            )
        if receipt is not None:
            channel_actions.record_follow_up_view(report=receipt.report)
            return _status_page(request, receipt)
        # One answer for every "no": wrong code, wrong passphrase, locked (no enumeration).
        form = ReceiptLookupForm()
        return render(request, "reporting/channel/lookup.html", {"form": form, "failed": True})
    return render(request, "reporting/channel/lookup.html", {"form": form})


def _status_page(
    request: HttpRequest, receipt: AnonymousReceipt, *, answered: bool = False, form: AnswerForm | None = None
) -> HttpResponse:
    report = receipt.report
    activate_zone_of(report.provider)
    context = {
        "report": report,
        "status": channel_queries.plain_status(report),
        "thread": channel_queries.thread_of(report),
        "token": receipts.status_token(receipt),
        "answered": answered,
        "form": form,
    }
    return render(request, "reporting/channel/status.html", context)


@identity_free
@require_POST
@_limited("reply")
def follow_up_reply(request: HttpRequest) -> HttpResponse:
    receipt = reply_receipt(request)
    if isinstance(receipt, HttpResponse):
        return receipt
    form = AnonymousAnswerForm(request.POST)
    if form.is_valid():
        try:
            channel_actions.answer_question(
                report=receipt.report, question_id=str(form.cleaned_data["question"]), body=form.cleaned_data["body"]
            )
        except channel_actions.ChannelInvalid as exc:
            form.add_error("body", str(exc))
        else:
            return _status_page(request, receipt, answered=True)
    return _status_page(request, receipt, form=form)


# --- identified reporters: My reports ------------------------------------------------


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(channel_queries.my_reports(request.user), 20).get_page(request.GET.get("page"))
    entries = []
    for report in page.object_list:
        channel_actions.record_follow_up_view(report=report, user=request.user)
        entries.append(
            {
                "report": report,
                "status": channel_queries.plain_status(report),
                "thread": channel_queries.thread_of(report),
            }
        )
    return render(request, "reporting/channel/my_reports.html", {"page": page, "entries": entries})


@login_required
@require_POST
def my_report_reply(request: HttpRequest, report_id: str) -> HttpResponse:
    report = channel_queries.get_my_report(request.user, report_id)
    form = AnswerForm(request.POST)
    problem = "write your answer first"
    if form.is_valid():
        try:
            channel_actions.answer_question(
                report=report,
                question_id=str(form.cleaned_data["question"]),
                body=form.cleaned_data["body"],
                user=request.user,
            )
        except channel_actions.ChannelInvalid as exc:
            problem = str(exc)
        else:
            messages.success(request, f"Your answer on report {report.short_id} was sent to the safety team.")
            return redirect(f"{reverse('channel:my-reports')}#report-{report.pk}")
    messages.error(request, f"Report {report.short_id}: {problem}.")
    return redirect(f"{reverse('channel:my-reports')}#report-{report.pk}")


# --- the safety team -----------------------------------------------------------------


@login_required
@require_POST
def follow_up_post(request: HttpRequest, report_id: str) -> HttpResponse:
    report = channel_queries.get_report_for_pses(request.user, report_id)
    form = FollowUpPostForm(request.POST)
    if form.is_valid():
        try:
            channel_actions.post_follow_up(
                user=request.user, report=report, kind=form.cleaned_data["kind"], body=form.cleaned_data["body"]
            )
        except channel_actions.ChannelInvalid as exc:
            messages.error(request, f"Not posted: {exc}.")
        else:
            messages.success(request, "Posted. The reporter sees it on their status page.")
    else:
        messages.error(request, "Not posted: choose what to post and write the message.")
    return redirect(f"{reverse('reporting:report-detail', kwargs={'report_id': report.pk})}#follow-up")
