"""The provider's side: submit events to the PSO, API keys, functional grants, PSO questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from openpso import flows
from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.nonid import review
from openpso.organizations.models import SharedField, Unit
from openpso.organizations.queries import agreement_in_force
from openpso.pswp.status import PswpStatus
from openpso.reporting.completeness import missing_answers
from openpso.reporting.models import AnswerAmendment
from openpso.reporting.queries import effective_answers_for
from openpso.submissions import functional, keys, queries, threads
from openpso.submissions.actions import ACCEPTED, MAX_BATCH, REFUSED, UNCHANGED, Channel, submit_events
from openpso.submissions.display import category_labels

PAGE = 50


# Each outcome of a batch in words for the safety manager (submissions.actions' codes).
RESULT_WORDS = {ACCEPTED: "Sent to the PSO", UNCHANGED: "Already at the PSO, unchanged", REFUSED: "Not sent"}


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    """Reports of the safety manager's provider(s), and a button to send the chosen ones."""
    providers = queries.submitting_providers_for(request.user)
    if not providers.exists():
        raise Http404("You submit for no provider")
    results = None
    if request.method == "POST":
        chosen = request.POST.getlist("events")[:MAX_BATCH]
        ids = list(providers.values_list("id", flat=True))
        results = submit_events(event_ids=chosen, provider_ids=ids, channel=Channel(actor=request.user))
        flows.events_submitted(results)
        if not chosen:
            messages.info(request, "Choose the reports to submit.")
    show = request.GET.get("show", "waiting")
    reports = queries.candidate_reports_for(request.user)
    if show == "waiting":
        reports = reports.filter(pswp_status=PswpStatus.CANDIDATE)
    page = Paginator(reports.order_by("-reported_at", "-id"), PAGE).get_page(request.GET.get("page"))
    held = dict(
        queries.provider_submissions(ids_of(providers))
        .filter(event_id__in=[r.pk for r in page.object_list])
        .values_list("event_id", "submitted_at")
    )
    rows = [
        {"report": r, "submitted_at": held.get(r.pk), "categories": category_labels(r.categories)}
        for r in page.object_list
    ]
    _add_completeness(rows)
    shown = [(RESULT_WORDS.get(r.status, r.status), r) for r in results] if results is not None else None
    context = {"page": page, "rows": rows, "results": shown, "show": show, "providers": providers}
    return render(request, "submissions/submit.html", context)


def _add_completeness(rows: list[dict[str, Any]]) -> None:
    """Per report: every required question still open (with a link to it on the answers
    page), whether its narrative waits for a de-identification review to be approved again
    (with a link to the review), and whether the answers changed or a review was approved
    since the PSO's version (send it again)."""
    reports = [row["report"] for row in rows]
    answers = effective_answers_for(reports)
    last_change = dict(
        AnswerAmendment.objects.filter(report__in=reports)
        .values("report_id")
        .annotate(last=Max("created_at"))
        .values_list("report_id", "last")
    )
    for row in rows:
        report = row["report"]
        row["missing"] = missing_answers(report, answers[report.pk])
        changed_at = last_change.get(report.pk)
        row["changed_since_sent"] = bool(row["submitted_at"] and changed_at and changed_at > row["submitted_at"])
    _add_review_standing(rows)


def _add_review_standing(rows: list[dict[str, Any]]) -> None:
    # As submissions.document decides it: a waiting review holds only an event whose narrative goes.
    standings = review.standings_for([row["report"] for row in rows])
    shares: dict[int, bool] = {}
    for row in rows:
        report = row["report"]
        if report.provider_id not in shares:
            agreement = agreement_in_force(report.provider)
            shares[report.provider_id] = agreement is not None and agreement.shares(SharedField.NARRATIVE)
        standing = standings[report.pk]
        row["review_waits"] = shares[report.provider_id] and standing.waits
        approved_at = (
            standing.review.approved_at if standing.pooling == review.APPROVED_SPANS and standing.review else None
        )
        row["approved_since_sent"] = bool(
            shares[report.provider_id] and row["submitted_at"] and approved_at and approved_at > row["submitted_at"]
        )


def ids_of(providers: Any) -> list[int]:
    return list(providers.values_list("id", flat=True))


class KeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name of the system using it", initial="Incident system")


@login_required
@never_cache  # the new secret must not stay in a browser cache
def api_keys(request: HttpRequest, provider: str) -> HttpResponse:
    organization = queries.get_submitting_provider_for_user(request.user, provider)
    issued = None
    form = KeyForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST" and request.POST.get("action") == "revoke":
        key = queries.api_keys_of(organization).filter(pk=_int(request.POST.get("key_id")) or 0).first()
        if key is None:
            raise Http404("No such key")
        keys.revoke_key(key=key, actor=request.user)
        messages.success(request, f"Key {key.prefix}… revoked; it stops working now.")
        return redirect("submissions:api-keys", provider=organization.slug)
    if request.method == "POST" and form.is_valid():
        issued = keys.issue_key(provider=organization, name=form.cleaned_data["name"], actor=request.user)
        form = KeyForm()
    context = {"provider": organization, "keys": queries.api_keys_of(organization), "form": form, "issued": issued}
    return render(request, "submissions/api_keys.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class GrantForm(forms.Form):
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    categories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None chosen: every category."
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every unit.",
    )

    def __init__(self, *args: Any, provider: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = [(code, option_words(display)) for code, display in herf_core()["DE21"].choices()]
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = Unit.objects.filter(provider=provider)


@login_required
def grants(request: HttpRequest, provider: str) -> HttpResponse:
    """Open part of the PSES to the PSO from a date (functional reporting), or close it again."""
    organization = queries.get_submitting_provider_for_user(request.user, provider)
    action = request.POST.get("action")
    form = GrantForm(request.POST if action == "grant" else None, provider=organization)
    if request.method == "POST" and action == "revoke":
        grant = queries.grants_of(organization).filter(pk=_int(request.POST.get("grant_id")) or 0).first()
        if grant is None:
            raise Http404("No such grant")
        functional.revoke_access(grant=grant, actor=request.user)
        messages.success(request, "Access closed. Reports already functionally reported stay reported (42 CFR 3.20).")
        return redirect("submissions:grants", provider=organization.slug)
    if request.method == "POST" and form.is_valid():
        start = dt.datetime.combine(
            form.cleaned_data["effective_from"], dt.time(), tzinfo=timezone.get_current_timezone()
        )
        grant = functional.grant_access(
            provider=organization,
            actor=request.user,
            effective_from=start,
            categories=list(form.cleaned_data["categories"]),
            unit_ids=[u.pk for u in form.cleaned_data["units"]],
        )
        run = flows.grant_scope_reported(grant)
        messages.success(
            request,
            f"Access granted. {run.accepted} report{'s' if run.accepted != 1 else ''} functionally reported now.",
        )
        return redirect("submissions:grants", provider=organization.slug)
    context = {"provider": organization, "grants": queries.grants_of(organization), "form": form}
    return render(request, "submissions/grants.html", context)


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    if not (queries.submitting_providers_for(request.user).exists() or queries.inbox_psos_for(request.user).exists()):
        raise Http404("No questions here")
    page = Paginator(queries.questions_for(request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "submissions/question_list.html", {"page": page})


class MessageForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=threads.MAX_MESSAGE, label="Your message"
    )


@login_required
def question(request: HttpRequest, question_id: str) -> HttpResponse:
    found = queries.get_question_for_user(request.user, question_id)
    side = queries.side_of(request.user, found)
    if side is None:
        raise Http404("No such question")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        threads.reply(user=request.user, question=found, side=side, text=form.cleaned_data["text"])
        messages.success(request, "Sent.")
        return redirect("submissions:question", question_id=found.pk)
    threads.record_question_view(user=request.user, question=found, side=side)
    context = {"question": found, "thread": found.messages.select_related("author"), "form": form, "side": side}
    return render(request, "submissions/question.html", context)
