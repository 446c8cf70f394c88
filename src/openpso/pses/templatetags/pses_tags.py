"""Template tags the rest of the site uses to show PSES facts without importing `pses`:
the nav's notification link, the event panel and the PSWP panel (history, drop-out) on a report
page, and the event status a reporter sees on their status page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.organizations.queries import pses_providers_for
from openpso.pses import queries
from openpso.pses.models import ClockRule, EventStatus
from openpso.pses.pswp.forms import DropOutForm
from openpso.pses.rca.models import ActionItem
from openpso.pses.safety_events.clocks import DEATH, HARM_LABELS, Clock
from openpso.pses.safety_events.forms import EventNewForm
from openpso.pses.timeline import action_text
from openpso.pswp import ledger
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("pses/_nav.html", takes_context=True)
def pses_nav(context: Any) -> dict[str, Any]:
    """Queue and notifications links (with the unread count) for PSES roles."""
    user = _user(context)
    show = user is not None and pses_providers_for(user).exists()
    return {"show": show, "unread": queries.unread_count(user) if show else 0}


@register.inclusion_tag("pses/_report_event_panel.html", takes_context=True)
def report_event_panel(context: Any, report: EventReport) -> dict[str, Any]:
    """On a report's page, for PSES roles of its provider: its event, or make / join one."""
    user = _user(context)
    if user is None or not queries.pses_reports_for(user).filter(pk=report.pk).exists():
        return {"show": False}
    event = queries.event_of(report)
    open_events = queries.events_for(user).filter(provider_id=report.provider_id).exclude(status=EventStatus.CLOSED)
    return {
        "show": True,
        "report": report,
        "event": event,
        "new_form": EventNewForm(initial={"report": report.pk}),
        "open_events": open_events[:10] if event is None else [],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("pses/_pswp_panel.html", takes_context=True)
def pswp_panel(context: Any, report: EventReport) -> dict[str, Any]:
    """The report's PSWP history and drop-out, shown only to the PSES roles of its provider;
    others see nothing here."""
    user = _user(context)
    if user is None or not queries.pses_reports_for(user).filter(pk=report.pk).exists():
        return {"show": False}
    return {
        "show": True,
        "report": report,
        "history": ledger.history(report),
        "may_drop_out": report.pswp_status == PswpStatus.CANDIDATE,
        "form": DropOutForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("pses/_reporter_status.html")
def reporter_event_status(report: EventReport) -> dict[str, Any]:
    """The investigation's status in plain words, for the report's own reporter."""
    return {"status": queries.reporter_event_status(report)}


@register.filter
def rule_scope(rule: ClockRule) -> str:
    """What a clock rule applies to, in words: 'Incident; any category; Severe harm or worse'."""
    herf = herf_core()
    types = dict(herf["DE3"].choices())
    categories = dict(herf["DE21"].choices())
    parts = [
        ", ".join(option_words(types.get(c, c)) for c in rule.event_types) or "any type",
        ", ".join(option_words(categories.get(c, c)) for c in rule.categories) or "any category",
    ]
    if rule.min_harm:
        harm = HARM_LABELS.get(rule.min_harm, rule.min_harm)
        parts.append(harm if rule.min_harm == DEATH else f"{harm} or worse")
    if rule.device_related:
        parts.append("device-related")
    return "; ".join(parts)


@register.filter
def clock_state(clock: Clock, now: dt.datetime) -> str:
    return clock.state(now)


@register.filter
def countdown(clock: Clock, now: dt.datetime) -> str:
    return clock.countdown(now)


@register.simple_tag
def rca_actions(event: Any) -> list[Any]:
    """The event's RCA² action items, for the event page's panel (caller is on that page,
    which looked the event up through the tenancy helper)."""
    return list(ActionItem.objects.filter(investigation__event=event).select_related("owner"))


@register.filter
def action_words(text: str) -> str:
    return action_text(text)
