"""The queue's search, saved filters and action bar, and "link a report" by search on the
event page (docs/decisions/0014). Thin, like `views`: lookups through `queries` (404 for
anything foreign), changes through `actions` / `bulk`, one redirect after each POST.

The search words may be a patient's words: they travel in POST bodies, never in a URL
(access logs keep URLs), and are never logged; a saved filter keeps them encrypted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.queries import pses_providers_for
from openpso.pses import queries
from openpso.pses.events import QUEUE, PsesAction
from openpso.pses.models import SavedFilter
from openpso.pses.safety_events import bulk, clock_outcomes, forms
from openpso.pses.safety_events.actions import PsesInvalid

# What a saved filter keeps: the filter form's fields, nothing else (no page, no token).
_FILTER_FIELDS = tuple(forms.QueueFilterForm.base_fields)


def _errors(form: Any) -> str:
    return "; ".join(str(e) for errs in form.errors.values() for e in errs)


def filter_data(request: HttpRequest) -> tuple[QueryDict | None, SavedFilter | None]:
    """The filter form's data: a saved filter (?saved=id, the owner's only), a POSTed search,
    or the coded filters of the URL."""
    saved_id = request.GET.get("saved")
    if saved_id:
        saved = queries.get_saved_filter_for_user(request.user, saved_id)
        return QueryDict(saved.query), saved
    if request.method == "POST":
        return _only_filters(request.POST), None
    return (request.GET or None), None


def _only_filters(data: QueryDict) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name in _FILTER_FIELDS:
        for value in data.getlist(name):
            if value:
                kept.appendlist(name, value)
    return kept


def queue_context(request: HttpRequest, data: QueryDict | None) -> dict[str, Any]:
    """The saved filters, the save form (carrying the current filters) and the action bar."""
    current = _only_filters(data) if data is not None else QueryDict()
    return {
        "saved_filters": queries.saved_filters_for(request.user),
        "save_form": forms.SavedFilterForm(initial={"query": current.urlencode()}, prefix="save"),
        "bulk_form": forms.BulkForm(user=request.user, prefix="bulk"),
        "searching": bool(current.get("search")),
    }


def record_text_search(request: HttpRequest, *, matched: int) -> None:
    """A search by words decrypts narratives (PSWP) to match them: a use, logged (42 CFR
    3.206; invariant 3) by count and providers only — never the words (invariant 4)."""
    providers = sorted(pses_providers_for(request.user).values_list("pk", flat=True))
    record(
        actor=request.user,
        action=PsesAction.QUEUE_TEXT_SEARCHED,
        object_type=QUEUE,
        object_id="queue",
        organization_id=providers[0] if len(providers) == 1 else None,
        purpose="pses.triage",
        detail={"matched": matched, "providers": providers},
    )


@login_required
@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    if not pses_providers_for(request.user).exists():
        raise Http404("No safety queue for you")
    form = forms.SavedFilterForm(request.POST, prefix="save")
    if not form.is_valid():
        messages.error(request, "Filter not saved: " + _errors(form))
        return redirect("pses:queue")
    query = _only_filters(QueryDict(form.cleaned_data["query"])).urlencode()
    name = form.cleaned_data["name"].strip()
    saved = next((s for s in queries.saved_filters_for(request.user) if s.name == name), None)
    created = saved is None
    if saved is None:
        user: Any = request.user  # signed in: login_required
        saved = SavedFilter.objects.create(user=user, name=name, query=query)
    else:
        saved.query = query
        saved.save(update_fields=["query"])
    # The name and the query may carry search words: the audit keeps the id only.
    record(
        actor=request.user,
        action=PsesAction.SAVED_FILTER_SAVED,
        object_type=object_type_of(saved),
        object_id=str(saved.pk),
        purpose="pses.triage",
    )
    messages.success(request, f"Filter \u201c{saved.name}\u201d {'saved' if created else 'updated'}.")
    return redirect(f"{reverse('pses:queue')}?saved={saved.pk}")


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest) -> HttpResponse:
    form = forms.SavedFilterIdForm(request.POST)
    if not form.is_valid():
        raise Http404("No such saved filter")
    saved = queries.get_saved_filter_for_user(request.user, form.cleaned_data["saved"])
    name, pk = saved.name, saved.pk
    saved.delete()
    record(
        actor=request.user,
        action=PsesAction.SAVED_FILTER_DELETED,
        object_type=object_type_of(SavedFilter),
        object_id=str(pk),
        purpose="pses.triage",
    )
    messages.success(request, f"Filter \u201c{name}\u201d deleted.")
    return redirect("pses:queue")


@login_required
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Assign or close the ticked events, one by one through the single-event actions."""
    if not pses_providers_for(request.user).exists():
        raise Http404("No safety queue for you")
    form = forms.BulkForm(request.POST, user=request.user, prefix="bulk")
    back = request.POST.get("back", "")
    target = back if back.startswith(reverse("pses:queue")) else reverse("pses:queue")
    if not form.is_valid():
        if not request.POST.getlist("bulk-events"):
            messages.error(request, "Nothing done: tick at least one event first.")
        else:
            messages.error(request, "Nothing done: " + _errors(form))
        return redirect(target)
    data = form.cleaned_data
    if data["action"] == forms.BULK_ASSIGN:
        outcomes = bulk.bulk_assign(user=request.user, event_ids=data["events"], assignee=data["assignee"])
    else:
        outcomes = bulk.bulk_close(user=request.user, event_ids=data["events"])
    done = sum(o.done for o in outcomes)
    level = messages.SUCCESS if done == len(outcomes) else messages.WARNING
    messages.add_message(request, level, f"{done} of {len(outcomes)} event{'s' if len(outcomes) != 1 else ''} changed.")
    for outcome in outcomes:
        messages.add_message(
            request, messages.INFO if outcome.done else messages.ERROR, f"Event {outcome.event_label}: {outcome.words}."
        )
    return redirect(target)


@login_required
def event_link_search(request: HttpRequest, event_id: str) -> HttpResponse:
    """The htmx search of the event page's "Link a report": free reports of the event's
    provider matching an id, a date, a unit or a category (coded fields only)."""
    event = queries.get_event_for_user(request.user, event_id)
    form = forms.LinkSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"event": event, "results": queries.link_candidates(event, text), "q": text, "link_search_form": form}
    if request.headers.get("HX-Request") == "true":
        return render(request, "pses/_link_results.html", context)
    return render(request, "pses/link_search.html", context)  # without JavaScript: a whole page


@login_required
def event_clock_outcomes(request: HttpRequest, event_id: str) -> HttpResponse:
    """Record a running clock of the event as met or missed (with the reason)."""
    event = queries.get_event_for_user(request.user, event_id)
    clocks = clock_outcomes.event_clocks(event)
    running = [c for c in clocks if not c.resolved]
    form = forms.ClockOutcomeForm(request.POST or None, clocks=running, prefix="clock")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = next(c.rule for c in running if str(c.rule.pk) == data["rule"])
        try:
            clock_outcomes.resolve_clock(
                user=request.user,
                event=event,
                rule=rule,
                outcome=data["outcome"],
                at=data["on"],
                reason=data["reason"],
            )
        except PsesInvalid as exc:
            form.add_error(None, f"Not recorded: {exc}.")
        else:
            messages.success(request, f"\u201c{rule.name}\u201d recorded as {data['outcome']}.")
            return redirect("pses:event-clocks", event_id=event.pk)
    context = {"event": event, "clocks": clocks, "running": running, "form": form, "now": timezone.now()}
    return render(request, "pses/event_clocks.html", context)


@login_required
@require_POST
def duplicate_link(request: HttpRequest) -> HttpResponse:
    """One click on a suggested duplicate: both reports into one safety event.

    Through the same actions as the report and event pages (`create_event`, `link_report`): the
    earlier report's event, or the other's, or a new one from the earlier report. Both reports are
    looked up among the user's PSES reports (404 if foreign: invariant 1).
    """
    from django.db import transaction

    from openpso.pses.safety_events import actions

    first = queries.get_pses_report_for_user(request.user, _uuid(request.POST.get("first", "")))
    second = queries.get_pses_report_for_user(request.user, _uuid(request.POST.get("second", "")))
    if first.pk == second.pk or first.provider_id != second.provider_id:
        raise Http404("No such pair")
    events = [queries.event_of(first), queries.event_of(second)]
    if events[0] and events[1] and events[0].pk != events[1].pk:
        messages.error(request, "Not linked: the two reports are already in different events.")
        return redirect("pses:queue")
    try:
        with transaction.atomic():
            event = events[0] or events[1]
            if event is None:
                event = actions.create_event(user=request.user, report=first)
                events[0] = event
            for report, current in ((first, events[0]), (second, events[1])):
                if current is None:
                    actions.link_report(user=request.user, event=event, report=report)
    except PsesInvalid as exc:
        messages.error(request, f"Not linked: {exc}")
        return redirect("pses:queue")
    messages.success(request, f"Reports {first.short_id} and {second.short_id} are one safety event.")
    return redirect("pses:event-detail", event_id=event.pk)


def _uuid(raw: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise Http404("No such report") from None
