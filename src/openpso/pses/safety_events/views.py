"""Pages of the provider's safety team. Thin: lookups through `queries` (404 for anything
foreign), changes through `actions`, one redirect after each POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpso.organizations.queries import pses_providers_for
from openpso.organizations.timezones import activate_zone_of
from openpso.pses import queries, timeline
from openpso.pses.models import ClockRule, EventStatus, SafetyEvent
from openpso.pses.safety_events import actions, duplicates, forms, queue_views
from openpso.pses.safety_events.actions import PsesInvalid
from openpso.pses.safety_events.clock_outcomes import event_clocks
from openpso.pses.safety_events.clocks import seed_default_rules, severity_label
from openpso.pses.safety_events.triage import queue_for


def _event_url(event: SafetyEvent, anchor: str = "") -> str:
    url = reverse("pses:event-detail", kwargs={"event_id": event.pk})
    return f"{url}#{anchor}" if anchor else url


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """GET: the coded filters in the URL (or ?saved=id); POST: a search with words, which
    must stay out of URLs and access logs (see `queue_views`)."""
    providers = pses_providers_for(request.user)
    if not providers.exists():
        raise Http404("No safety queue for you")
    for provider in providers:
        seed_default_rules(provider)
    data, saved = queue_views.filter_data(request)
    if request.method == "POST" and data is not None and not data.get("search"):
        # Coded filters only: back to a plain URL, which pages and bookmarks (PRG).
        return redirect(f"{reverse('pses:queue')}?{data.urlencode()}")
    form = forms.QueueFilterForm(data, user=request.user)
    filters = form.filters()
    rows = queue_for(request.user, filters=filters)
    if filters.search:
        queue_views.record_text_search(request, matched=len(rows))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "now": timezone.now(),
        "query": query.urlencode(),
        "saved": saved,
        "many_providers": providers.count() > 1,
        "manages_clocks": queries.managed_providers_for(request.user).exists(),
        **queue_views.queue_context(request, data),
        "duplicates": duplicates.duplicates_for(request.user),
    }
    return render(request, "pses/queue.html", context)


@login_required
@require_POST
def event_new(request: HttpRequest) -> HttpResponse:
    form = forms.EventNewForm(request.POST)
    if not form.is_valid():
        raise Http404("No such report")
    report = queries.get_pses_report_for_user(request.user, form.cleaned_data["report"])
    try:
        event = actions.create_event(user=request.user, report=report, title=form.cleaned_data["title"])
    except PsesInvalid as exc:
        messages.error(request, f"No event made: {exc}.")
        return redirect("pses:queue")
    messages.success(request, f"Event {event.short_id} made from report {report.short_id}.")
    return redirect(_event_url(event))


@login_required
def event_detail(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    activate_zone_of(event.provider)
    actions.record_event_view(user=request.user, event=event)
    reports = list(queries.reports_of(event))
    now = timezone.now()
    context = {
        "event": event,
        "reports": reports,
        "severity": severity_label(reports),
        "clocks": event_clocks(event),
        "now": now,
        "addenda": event.addenda.select_related("author"),
        "timeline": timeline.entries_for(event, reports),
        "link_search_form": forms.LinkSearchForm(),
        "assign_form": forms.AssignForm(event=event, prefix="assign"),
        "status_form": forms.StatusForm(initial={"status": event.status}, prefix="status"),
        "addendum_form": forms.AddendumForm(prefix="addendum"),
        "correction_form": forms.CorrectionForm(reports=queries.reports_of(event), prefix="correction"),
        "what_changed_form": forms.WhatChangedForm(prefix="changed"),
        "closed": event.status == EventStatus.CLOSED,
    }
    return render(request, "pses/event_detail.html", context)


def _event_post(
    form_class: Callable[..., Any], anchor: str, done: str
) -> Callable[[Callable[..., None]], Callable[..., HttpResponse]]:
    """A POST on one event: look it up (404 if foreign), validate, act, say what happened."""

    def decorate(act: Callable[..., None]) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        def view(request: HttpRequest, event_id: str) -> HttpResponse:
            event = queries.get_event_for_user(request.user, event_id)
            form = form_class(request.POST, event=event)
            if not form.is_valid():
                messages.error(request, "Not saved: " + "; ".join(e for errs in form.errors.values() for e in errs))
                return redirect(_event_url(event, anchor))
            try:
                act(request, event, form.cleaned_data)
            except PsesInvalid as exc:
                messages.error(request, f"Not saved: {exc}.")
            else:
                messages.success(request, done)
            return redirect(_event_url(event, anchor))

        view.__name__ = act.__name__
        return view

    return decorate


def _without_event(form_class: type[Any], prefix: str) -> Callable[..., Any]:
    def make(data: Any, *, event: SafetyEvent) -> Any:
        return form_class(data, prefix=prefix)

    return make


def _assign_form(data: Any, *, event: SafetyEvent) -> forms.AssignForm:
    return forms.AssignForm(data, event=event, prefix="assign")


def _report(request: HttpRequest, report_id: str) -> Any:
    return queries.get_pses_report_for_user(request.user, report_id)


@_event_post(_without_event(forms.ReportIdForm, "link"), "reports", "Report linked to the event.")
def event_link(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    actions.link_report(user=request.user, event=event, report=_report(request, data["report"]))


@_event_post(_without_event(forms.ReportIdForm, "unlink"), "reports", "Report unlinked; it is back in the queue.")
def event_unlink(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    actions.unlink_report(user=request.user, event=event, report=_report(request, data["report"]))


@_event_post(_assign_form, "assign", "Event assigned.")
def event_assign(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    actions.assign_event(user=request.user, event=event, assignee=data["assignee"])


@_event_post(_without_event(forms.StatusForm, "status"), "status", "Status changed; the reporters see it.")
def event_status(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    actions.change_status(user=request.user, event=event, status=data["status"])


@_event_post(_without_event(forms.AddendumForm, "addendum"), "addenda", "Addendum added.")
def event_addendum(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    actions.add_addendum(user=request.user, event=event, body=data["body"])


@_event_post(
    _without_event(forms.CorrectionPostForm, "correction"), "reporters", "Correction request sent to the reporter."
)
def event_correction(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    report = _report(request, data["report"])
    actions.request_correction(user=request.user, event=event, report=report, body=data["body"])


@_event_post(_without_event(forms.WhatChangedForm, "changed"), "reporters", "Sent to every reporter of this event.")
def event_what_changed(request: HttpRequest, event: SafetyEvent, data: dict[str, Any]) -> None:
    actions.send_what_changed(user=request.user, event=event, body=data["body"])


# --- clock rules (safety manager) -----------------------------------------------------


@login_required
def clock_rules(request: HttpRequest) -> HttpResponse:
    providers = queries.managed_providers_for(request.user)
    if not providers.exists():
        raise Http404("No clock rules for you")
    for provider in providers:
        seed_default_rules(provider)
    provider_form = forms.RuleProviderForm(request.POST or None, user=request.user)
    form = forms.ClockRuleForm(request.POST or None)
    if request.method == "POST" and provider_form.is_valid() and form.is_valid():
        provider = provider_form.cleaned_data["provider"]
        actions.save_clock_rule(user=request.user, provider=provider, data=form.cleaned_data)
        messages.success(request, "Clock rule added.")
        return redirect("pses:clock-rules")
    context = {"rules": queries.clock_rules_for(request.user), "form": form, "provider_form": provider_form}
    return render(request, "pses/clock_rules.html", context)


@login_required
def clock_rule_edit(request: HttpRequest, rule_id: str) -> HttpResponse:
    rule: ClockRule = queries.get_clock_rule_for_user(request.user, rule_id)
    form = forms.ClockRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        actions.save_clock_rule(user=request.user, provider=rule.provider, rule=rule, data=form.cleaned_data)
        messages.success(request, "Clock rule saved.")
        return redirect("pses:clock-rules")
    return render(request, "pses/clock_rule_edit.html", {"rule": rule, "form": form})


# --- notifications --------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "pses/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    notification_id = request.POST.get("notification") or None
    if notification_id is not None and not notification_id.isdigit():
        raise Http404("No such notification")
    actions.mark_read(user=request.user, notification_id=notification_id)
    return redirect("pses:notifications")
