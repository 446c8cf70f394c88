"""RCA² pages: the investigation of an event, its action plan and each action with its
effectiveness figures. PSES roles of the provider only: every lookup goes through
`queries.get_event_for_user` / `rca_queries.get_action_for_user` (404 for anything foreign)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.organizations.timezones import activate_zone_of
from openpso.pses import queries
from openpso.pses.models import SafetyEvent
from openpso.pses.rca import actions as rca
from openpso.pses.rca import effectiveness
from openpso.pses.rca import forms as rca_forms
from openpso.pses.rca import queries as rca_queries
from openpso.pses.rca.models import ActionItem, Investigation
from openpso.pses.safety_events.actions import PsesInvalid

_HERF = herf_core()


def _investigation_url(event: SafetyEvent, anchor: str = "") -> str:
    url = reverse("pses:rca-investigation", kwargs={"event_id": event.pk})
    return f"{url}#{anchor}" if anchor else url


def _plan_url(event: SafetyEvent) -> str:
    return reverse("pses:rca-action-plan", kwargs={"event_id": event.pk})


def _category_label(code: str) -> str:
    return option_words(dict(_HERF["DE21"].choices()).get(code, code or "—"))


def _errors(form: Any) -> str:
    return "; ".join(e for errs in form.errors.values() for e in errs)


@login_required
def investigation(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    activate_zone_of(event.provider)  # its clocks and timeline in the provider's zone
    inv = rca_queries.investigation_of(event)
    rca.record_view(user=request.user, event=event, what="investigation", object_id=inv.pk if inv else event.pk)
    context: dict[str, Any] = {
        "event": event,
        "investigation": inv,
        "clocks": rca_queries.rca_clocks(event, inv),
        "now": timezone.now(),
    }
    if inv is not None:
        context.update(
            {
                "team": inv.team.select_related("user"),
                "facts": inv.facts.all(),
                "statements": inv.causal_statements.all(),
                "root_causes": inv.root_causes.all(),
                "factors": rca_queries.factor_labels(inv.contributing_factors, marked=True),
                "actions": inv.actions.select_related("owner"),
                "team_form": rca_forms.TeamMemberForm(event=event, prefix="team"),
                "fact_form": rca_forms.FactForm(prefix="fact"),
                "statement_form": rca_forms.CausalStatementForm(prefix="statement"),
                "root_cause_form": rca_forms.RootCauseForm(prefix="root"),
                "factors_form": rca_forms.FactorsForm(initial={"factors": inv.contributing_factors}, prefix="factors"),
            }
        )
    return render(request, "pses/rca_investigation.html", context)


def _investigation_post(
    form_class: Callable[..., Any] | None, prefix: str, anchor: str, done: str
) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """A POST on an event's investigation: look the event up (404 if foreign), validate, act."""

    def decorate(act: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        def view(request: HttpRequest, event_id: str) -> HttpResponse:
            event = queries.get_event_for_user(request.user, event_id)
            inv = rca_queries.investigation_of(event)
            if inv is None:
                messages.error(request, "Not saved: start the investigation first.")
                return redirect(_investigation_url(event))
            data: dict[str, Any] = {}
            if form_class is not None:
                form = form_class(request.POST, event=event, prefix=prefix)
                if not form.is_valid():
                    messages.error(request, "Not saved: " + _errors(form))
                    return redirect(_investigation_url(event, anchor))
                data = form.cleaned_data
            try:
                warnings = act(request, inv, data)
            except PsesInvalid as exc:
                messages.error(request, f"Not saved: {exc}.")
            else:
                messages.success(request, done)
                for warning in warnings or []:
                    messages.warning(request, warning)
            return redirect(_investigation_url(event, anchor))

        view.__name__ = act.__name__
        return view

    return decorate


def _plain(form_class: type[Any]) -> Callable[..., Any]:
    def make(data: Any, *, event: SafetyEvent, prefix: str) -> Any:
        return form_class(data, prefix=prefix)

    return make


@login_required
@require_POST
def start(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    try:
        rca.start_investigation(user=request.user, event=event)
    except PsesInvalid as exc:
        messages.error(request, f"Not started: {exc}.")
    else:
        messages.success(request, "Investigation started.")
    return redirect(_investigation_url(event))


@_investigation_post(None, "", "", "Investigation finished.")
def finish(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.finish_investigation(user=request.user, investigation=inv)


@_investigation_post(rca_forms.TeamMemberForm, "team", "team", "Added to the team.")
def team_add(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.add_team_member(user=request.user, investigation=inv, member=data["member"], role=data["role"])


@_investigation_post(_plain(rca_forms.RemoveMemberForm), "team-remove", "team", "Removed from the team.")
def team_remove(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.remove_team_member(user=request.user, investigation=inv, member_id=data["member"])


@_investigation_post(_plain(rca_forms.FactForm), "fact", "facts", "Fact added to the timeline.")
def fact_add(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.add_fact(user=request.user, investigation=inv, occurred_at=data["occurred_at"], fact=data["fact"])


@_investigation_post(_plain(rca_forms.CausalStatementForm), "statement", "statements", "Causal statement added.")
def statement_add(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> list[str]:
    rca.add_causal_statement(
        user=request.user, investigation=inv, cause=data["cause"], effect=data["effect"], outcome=data["outcome"]
    )
    return rca_queries.causal_statement_warnings(data["cause"], data["effect"], data["outcome"])


@_investigation_post(_plain(rca_forms.RootCauseForm), "root", "root-causes", "Root cause added.")
def root_cause_add(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.add_root_cause(user=request.user, investigation=inv, text=data["text"])


@_investigation_post(rca_forms.FactorsForm, "factors", "factors", "Contributing factors saved.")
def factors_set(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.set_contributing_factors(user=request.user, investigation=inv, codes=data["factors"])


@_investigation_post(_plain(rca_forms.RemoveEntryForm), "remove", "", "Removed.")
def entry_remove(request: HttpRequest, inv: Investigation, data: dict[str, Any]) -> None:
    rca.remove_entry(user=request.user, investigation=inv, kind=data["kind"], entry_id=data["entry"])


# --- the action plan ---------------------------------------------------------------------


@login_required
def action_plan(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    inv = rca_queries.investigation_of(event)
    actions = list(inv.actions.select_related("owner", "unit")) if inv else []
    for action in actions:
        action.category_label = _category_label(action.category)  # type: ignore[attr-defined]
    context = {
        "event": event,
        "investigation": inv,
        "actions": actions,
        "form": rca_forms.ActionForm(event=event, prefix="action"),
    }
    return render(request, "pses/rca_action_plan.html", context)


@login_required
@require_POST
def action_new(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    inv = rca_queries.investigation_of(event)
    form = rca_forms.ActionForm(request.POST, event=event, prefix="action")
    if inv is None:
        messages.error(request, "Not saved: start the investigation first.")
    elif not form.is_valid():
        messages.error(request, "Not saved: " + _errors(form))
    else:
        try:
            action = rca.add_action(user=request.user, investigation=inv, data=form.cleaned_data)
        except PsesInvalid as exc:
            messages.error(request, f"Not saved: {exc}.")
        else:
            messages.success(request, f"Action {action.short_id} added ({action.strength_label.lower()}).")
    return redirect(_plan_url(event))


def _action_initial(action: ActionItem) -> dict[str, Any]:
    return {name: getattr(action, name) for name in rca.ACTION_FIELDS}


@login_required
def action_detail(request: HttpRequest, action_id: str) -> HttpResponse:
    action = rca_queries.get_action_for_user(request.user, action_id)
    event = action.investigation.event
    if request.method == "POST":
        form = rca_forms.ActionForm(request.POST, event=event, prefix="action")
        if form.is_valid():
            try:
                rca.change_action(user=request.user, action=action, data=form.cleaned_data)
            except PsesInvalid as exc:
                messages.error(request, f"Not saved: {exc}.")
            else:
                messages.success(request, "Action saved.")
                return redirect("pses:rca-action", action_id=action.pk)
    else:
        form = rca_forms.ActionForm(initial=_action_initial(action), event=event, prefix="action")
    rca.record_view(user=request.user, event=event, what="actionitem", object_id=action.pk)
    reviews = []
    for review in effectiveness.reviews_for(action):
        waiting, latest = rca_queries.review_state(action, review)
        reviews.append({"review": review, "waiting": waiting, "latest": latest})
    context = {
        "event": event,
        "action": action,
        "category_label": _category_label(action.category),
        "form": form,
        "reviews": reviews,
        "history": action.reviews.select_related("reviewed_by"),
        "review_form": rca_forms.ReviewForm(prefix="review"),
        "per": effectiveness.PER,
    }
    return render(request, "pses/rca_action.html", context)


@login_required
@require_POST
def action_review(request: HttpRequest, action_id: str) -> HttpResponse:
    action = rca_queries.get_action_for_user(request.user, action_id)
    form = rca_forms.ReviewForm(request.POST, prefix="review")
    if not form.is_valid():
        messages.error(request, "Not saved: " + _errors(form))
        return redirect("pses:rca-action", action_id=action.pk)
    review = effectiveness.review_for(action, form.cleaned_data["days"])
    if review is None:
        messages.error(request, "Not saved: record the day the action was implemented first.")
        return redirect("pses:rca-action", action_id=action.pk)
    try:
        rca.record_review(user=request.user, action=action, review=review, conclusion=form.cleaned_data["conclusion"])
    except PsesInvalid as exc:
        messages.error(request, f"Not saved: {exc}.")
    else:
        messages.success(request, f"{review.days}-day review recorded.")
    return redirect("pses:rca-action", action_id=action.pk)
