"""`openpso pses clocks`: find clocks due within a day or overdue and tell the right people.

Idempotent: a clock crossing a threshold ("due_soon", "overdue") notifies each person once
and writes one timeline entry; running the scan again changes nothing until the next
threshold. Open events notify their assignee (or, with none, the provider's safety
managers); reports in no event notify the safety managers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization, OrgKind
from openpso.pses import notify, queries
from openpso.pses.events import PsesAction
from openpso.pses.models import (
    ClockRule,
    ClockUnit,
    EventStatus,
    NotificationKind,
    SafetyEvent,
    TimelineEntry,
    TimelineKind,
)
from openpso.pses.safety_events.clock_outcomes import outcomes_for, with_outcomes
from openpso.pses.safety_events.clocks import Clock, clocks_for_report, clocks_for_reports, seed_default_rules
from openpso.reporting.models import EventReport

# A threshold's notice, timeline entry and (for an event's clock) audit action.
_KINDS = {
    "due_soon": (NotificationKind.CLOCK_DUE, TimelineKind.CLOCK_DUE, PsesAction.EVENT_CLOCK_DUE),
    "overdue": (NotificationKind.CLOCK_OVERDUE, TimelineKind.CLOCK_OVERDUE, PsesAction.EVENT_CLOCK_OVERDUE),
}
# Unlinked reports older than the longest rule plus this margin are not scanned again.
_MARGIN = dt.timedelta(days=14)


@dataclass
class ScanResult:
    notifications: int = 0
    clocks: int = 0


def _span(rule: ClockRule) -> dt.timedelta:
    if rule.due_unit == ClockUnit.HOURS:
        return dt.timedelta(hours=rule.due_amount)
    if rule.due_unit == ClockUnit.WORK_DAYS:
        return dt.timedelta(days=rule.due_amount * 7 // 5 + 3)
    return dt.timedelta(days=rule.due_amount)


def scan_clocks(*, now: dt.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    for provider in Organization.objects.filter(kind=OrgKind.PROVIDER):
        seed_default_rules(provider)
    rules: dict[int, list[ClockRule]] = defaultdict(list)
    for rule in ClockRule.objects.filter(active=True).select_related("provider"):
        rules[rule.provider_id].append(rule)

    events = list(
        SafetyEvent.objects.exclude(status=EventStatus.CLOSED)
        .filter(provider_id__in=list(rules))
        .select_related("provider", "assignee")
    )
    # A clock recorded as met or missed (clock_outcomes) is over: no more notices about it.
    outcomes = outcomes_for([event.pk for event in events])
    for event in events:
        clocks = clocks_for_reports(queries.reports_of(event), rules[event.provider_id])
        for clock in with_outcomes(clocks, outcomes.get(event.pk, {})):
            _event_clock(event, clock, now, result)

    for provider_id, provider_rules in rules.items():
        since = now - max(_span(r) for r in provider_rules) - _MARGIN
        lone = EventReport.objects.filter(provider_id=provider_id, pses_link__isnull=True, reported_at__gte=since)
        for report in lone.select_related("provider"):
            for clock in clocks_for_report(report, provider_rules):
                _report_clock(report, clock, now, result)
    return result


def _event_clock(event: SafetyEvent, clock: Clock, now: dt.datetime, result: ScanResult) -> None:
    state = clock.state(now)
    if state not in _KINDS:
        return
    notification_kind, timeline_kind, action = _KINDS[state]
    recipients = [event.assignee] if event.assignee else list(queries.safety_managers_of(event.provider_id))
    text = f"{clock.rule.name} for event {event.short_id} at {event.provider.name}: {clock.countdown(now)}"
    url = reverse("pses:event-detail", kwargs={"event_id": event.pk})
    with transaction.atomic():
        result.clocks += 1
        for user in recipients:
            sent = notify.notify(
                user=user,
                kind=notification_kind,
                event=event,
                text=text,
                url=url,
                dedupe_key=f"clock:event:{event.pk}:{clock.rule.pk}:{state}",
            )
            result.notifications += sent is not None
        data: dict[str, Any] = {"rule": clock.rule.pk, "code": clock.rule.code, "due": clock.due.isoformat()}
        if not TimelineEntry.objects.filter(event=event, kind=timeline_kind, data__rule=clock.rule.pk).exists():
            TimelineEntry.objects.create(event=event, kind=timeline_kind, actor=None, data=data)
            record(
                actor=None,
                action=action,
                object_type=object_type_of(event),
                object_id=str(event.pk),
                organization_id=event.provider_id,
                purpose="pses.clocks",
                detail=data,
            )


def _report_clock(report: EventReport, clock: Clock, now: dt.datetime, result: ScanResult) -> None:
    state = clock.state(now)
    if state not in _KINDS:
        return
    notification_kind, _, _ = _KINDS[state]
    text = f"{clock.rule.name} for report {report.short_id} at {report.provider.name}: {clock.countdown(now)}"
    url = reverse("reporting:report-detail", kwargs={"report_id": report.pk})
    with transaction.atomic():
        result.clocks += 1
        for user in queries.safety_managers_of(report.provider_id):
            sent = notify.notify(
                user=user,
                kind=notification_kind,
                text=text,
                url=url,
                dedupe_key=f"clock:report:{report.pk}:{clock.rule.pk}:{state}",
            )
            result.notifications += sent is not None
