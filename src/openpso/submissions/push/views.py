"""The provider's pages for pushing events: submit chosen events to the PSO, and the API keys its own
system submits with."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from openpso import flows
from openpso.nonid import review
from openpso.organizations.models import Organization, OrgKind, SharedField
from openpso.organizations.queries import agreement_in_force, orgs_where, systems_for
from openpso.organizations.roles import Role
from openpso.pswp.status import PswpStatus
from openpso.reporting.completeness import missing_answers
from openpso.reporting.models import AnswerAmendment
from openpso.reporting.queries import effective_answers_for
from openpso.submissions import queries
from openpso.submissions.display import category_labels
from openpso.submissions.push import keys
from openpso.submissions.push.actions import ACCEPTED, MAX_BATCH, REFUSED, UNCHANGED, Channel, submit_events
from openpso.submissions.push.forms import KeyForm

PAGE = 50


# Each outcome of a batch in words for the safety manager (submissions.push.actions' codes).
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


@login_required
@never_cache  # the new secret must not stay in a browser cache
def api_keys(request: HttpRequest, provider: str) -> HttpResponse:
    organization = queries.get_submitting_provider_for_user(request.user, provider)
    return key_page(request, organization, back=reverse("submissions:submit"))


@login_required
@never_cache
def pso_api_keys(request: HttpRequest, slug: str) -> HttpResponse:
    """The PSO's keys, for its administrators only (42 CFR 3.106: the PSO controls who reads its PSWP)."""
    organization = orgs_where(request.user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO, slug=slug).first()
    if organization is None:
        raise Http404("No such PSO")
    return key_page(request, organization, back=reverse("inbox:inbox"))


@login_required
@never_cache
def system_api_keys(request: HttpRequest, slug: str) -> HttpResponse:
    """A health system's keys, for its safety officers: the system-wide view its own tools read
    is the officer's, and the affiliates' sharing rules apply to the key as to the officer."""
    organization = systems_for(request.user).filter(slug=slug).first()
    if organization is None:
        raise Http404("No such health system")
    return key_page(request, organization, back=reverse("system:submissions"))


def key_page(request: HttpRequest, organization: Organization, *, back: str) -> HttpResponse:
    """The keys of `organization` (its administrator's page): make one in a role, revoke one.
    The caller has already checked that the user manages `organization`'s keys."""
    roles = keys.roles_for_keys(organization)
    issued = None
    form = KeyForm(request.POST if request.POST.get("action") == "create" else None, roles=roles)
    if request.method == "POST" and request.POST.get("action") == "revoke":
        key = keys.keys_of(organization).filter(pk=queries.posted_pk(request.POST.get("key_id"))).first()
        if key is None:
            raise Http404("No such key")
        keys.revoke_key(key=key, actor=request.user)
        messages.success(request, f"Key {key.prefix}… revoked; it stops working now.")
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        issued = keys.issue_org_key(
            organization=organization,
            role=form.cleaned_data["role"],
            name=form.cleaned_data["name"],
            actor=request.user,
        )
        form = KeyForm(roles=roles)
    context = {"organization": organization, "keys": keys.keys_of(organization), "form": form, "issued": issued}
    return render(request, "submissions/api_keys.html", {**context, "back": back})
