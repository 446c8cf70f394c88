"""Tenancy for the PSES: the only way views look up events, clock rules and notifications.

Only the PSES roles of a provider (safety manager, committee; 42 CFR 3.20) reach its
events; anything else raises Http404 exactly as a missing object does (invariant 1).
Clock rules are the safety manager's. Reporters reach nothing here except the plain
status of the event their own report belongs to (`reporter_event_status`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.commonformats.definitions import herf_core
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where, pses_providers_for
from openpso.organizations.roles import PSES_ROLES, Role
from openpso.pses.ids import dashed, id_prefix
from openpso.pses.models import ClockRule, EventReportLink, EventStatus, Notification, SafetyEvent, SavedFilter
from openpso.reporting.models import EventReport


def managed_providers_for(user: Actor) -> QuerySet[Organization]:
    """Providers whose clock rules `user` keeps: safety managers only."""
    return orgs_where(user, [Role.SAFETY_MANAGER]).filter(kind=OrgKind.PROVIDER)


def events_for(user: Actor) -> QuerySet[SafetyEvent]:
    return SafetyEvent.objects.filter(provider__in=pses_providers_for(user)).select_related("provider", "assignee")


def get_event_for_user(user: Actor, event_id: uuid.UUID | str) -> SafetyEvent:
    try:
        return events_for(user).get(pk=event_id)
    except (SafetyEvent.DoesNotExist, ValueError):
        raise Http404("No such event") from None


def get_pses_provider_for_user(user: Actor, slug: str) -> Organization:
    """A provider where `user` holds a PSES role (its PSWP pages: policy, external reports,
    disclosure log); 404 for any other."""
    try:
        return pses_providers_for(user).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def pses_reports_for(user: Actor) -> QuerySet[EventReport]:
    """Reports the user triages: every report of their PSES providers."""
    return EventReport.objects.filter(provider__in=pses_providers_for(user)).select_related("provider", "unit")


def get_pses_report_for_user(user: Actor, report_id: uuid.UUID | str) -> EventReport:
    try:
        return pses_reports_for(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


def reports_of(event: SafetyEvent) -> QuerySet[EventReport]:
    return EventReport.objects.filter(pses_link__event=event).select_related("unit").order_by("reported_at")


def linkable_reports(event: SafetyEvent) -> QuerySet[EventReport]:
    """Reports of the event's provider that are in no event yet."""
    return EventReport.objects.filter(provider_id=event.provider_id, pses_link__isnull=True).order_by("-reported_at")


def event_of(report: EventReport) -> SafetyEvent | None:
    link = EventReportLink.objects.filter(report=report).select_related("event").first()
    return link.event if link else None


def pses_members_of(provider: Organization | int) -> QuerySet[Any]:
    """People who may be assigned an event of `provider`: its PSES role holders (never an API
    key's service account, which is no person and opens no page)."""
    provider_id = provider if isinstance(provider, int) else provider.pk
    user_model = get_user_model()
    return (
        user_model.objects.filter(
            memberships__organization_id=provider_id,
            memberships__role__in=list(PSES_ROLES),
            is_service_account=False,
        )
        .distinct()
        .order_by("email")
    )


def safety_managers_of(provider_id: int) -> QuerySet[Any]:
    """The provider's safety managers, the people told of clocks and the PSO's questions: a key in
    the safety manager's role reads no notification, so it is none of them."""
    user_model = get_user_model()
    return user_model.objects.filter(
        memberships__organization_id=provider_id, memberships__role=Role.SAFETY_MANAGER, is_service_account=False
    ).distinct()


def clock_rules_for(user: Actor) -> QuerySet[ClockRule]:
    return ClockRule.objects.filter(provider__in=managed_providers_for(user)).select_related("provider")


def get_clock_rule_for_user(user: Actor, rule_id: int | str) -> ClockRule:
    try:
        return clock_rules_for(user).get(pk=rule_id)
    except (ClockRule.DoesNotExist, ValueError):
        raise Http404("No such clock rule") from None


def notifications_for(user: Actor | None) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user_row(user))


def unread_count(user: Actor) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


# --- reporter feedback ----------------------------------------------------------------

PLAIN_EVENT_STATUS = {
    EventStatus.NEW: "Received by the safety team; it will be looked at soon.",
    EventStatus.IN_TRIAGE: "The safety team is reviewing what happened.",
    EventStatus.UNDER_INVESTIGATION: "The safety team is investigating what happened and why.",
    EventStatus.ACTION_PLANNING: "The safety team is planning changes so that it does not happen again.",
    # What changed, if the team shares it, is its own "what changed" message under the report.
    EventStatus.CLOSED: "The safety team has finished its review.",
}


@dataclass(frozen=True)
class ReporterEventStatus:
    status: str  # EventStatus code
    text: str  # plain words for the reporter
    since: dt.date


def reporter_event_status(report: EventReport) -> ReporterEventStatus | None:
    """What the reporter of `report` may see of the investigation: its status, in plain words.

    A read-only hook for the reporting side's "My reports" and anonymous status pages (the
    caller has already established that the reader is the report's reporter). No event
    title, no names, no other report: only the status and the day it was set.
    """
    event = event_of(report)
    if event is None:
        return None
    status = EventStatus(event.status)
    since = timezone.localdate(event.status_at)  # the day as the page that shows it reads it
    return ReporterEventStatus(status=status.value, text=PLAIN_EVENT_STATUS[status], since=since)


# --- saved queue filters and linking by search (docs/decisions/0014) ----------------------


def saved_filters_for(user: Actor) -> QuerySet[SavedFilter]:
    """A person's own saved queue filters; nobody else's, whatever their role."""
    if not getattr(user, "is_authenticated", False):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=user_row(user))


def get_saved_filter_for_user(user: Actor, saved_id: int | str) -> SavedFilter:
    try:
        return saved_filters_for(user).get(pk=saved_id)
    except (SavedFilter.DoesNotExist, ValueError):
        raise Http404("No such saved filter") from None


LINK_RESULTS = 20
_LINK_CANDIDATES = 2000


def link_candidates(event: SafetyEvent, text: str) -> list[EventReport]:
    """At most `LINK_RESULTS` reports free to join `event` (same provider, in no event) that
    match `text`: an id prefix, a date (YYYY-MM-DD, the day reported or discovered), a unit
    name, or words of a category's name. Newest first; coded fields only, no narrative."""
    free = linkable_reports(event).select_related("unit").defer("narrative", "answers")
    text = text.strip()
    if not text:
        return list(free[:LINK_RESULTS])
    matches = Q(unit__name__icontains=text)
    digits = id_prefix(text)
    if digits:
        matches |= Q(pk__istartswith=dashed(digits))
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        end = start + dt.timedelta(days=1)
        matches |= Q(reported_at__gte=start, reported_at__lt=end) | Q(discovered_at__gte=start, discovered_at__lt=end)
    found = {r.pk: r for r in free.filter(matches)[:LINK_RESULTS]}
    words = text.casefold()
    codes = {code for code, label in herf_core()["DE21"].choices() if words in str(label).casefold()}
    if codes and len(found) < LINK_RESULTS:
        # JSON "contains" is not portable to SQLite: match the codes over the newest candidates.
        for report in free[:_LINK_CANDIDATES]:
            if report.pk not in found and codes & set(report.categories or []):
                found[report.pk] = report
                if len(found) >= LINK_RESULTS:
                    break
    return sorted(found.values(), key=lambda r: r.reported_at, reverse=True)
