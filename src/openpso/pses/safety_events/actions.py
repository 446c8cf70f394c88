"""State changes of the PSES. Each is one transaction that writes a typed timeline entry
(ids and codes only) and an audit event (invariant 3); keyword-only arguments throughout.

Callers have already looked the event and reports up through `pses.queries`, so tenancy
holds; the actions still refuse anything that crosses providers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.pses import notify, queries
from openpso.pses.events import PsesAction
from openpso.pses.models import (
    Addendum,
    ClockRule,
    EventReportLink,
    EventStatus,
    NotificationKind,
    SafetyEvent,
    TimelineEntry,
    TimelineKind,
)
from openpso.pses.rca.models import Investigation
from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.models import EventReport, FollowUpKind

TITLE_MAX = 200
ADDENDUM_MAX = 8000


class PsesInvalid(ValueError):
    """A change that cannot be made; the message names the reason for the person."""


def _note(
    *,
    event: SafetyEvent,
    kind: str,
    actor: Actor | None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        event=event, kind=kind, actor=user_row(actor), data=data or {}, at=at or timezone.now()
    )


def _audit(*, user: Actor | None, action: PsesAction, event: SafetyEvent, detail: dict[str, Any] | None = None) -> None:
    record(
        actor=user,
        action=action,
        object_type=object_type_of(event),
        object_id=str(event.pk),
        organization_id=event.provider_id,
        purpose="pses.triage",
        detail=detail,
    )


def _open(event: SafetyEvent) -> None:
    if event.is_closed:
        raise PsesInvalid("the event is closed; reopen it first")


def _link(*, user: Actor | None, event: SafetyEvent, report: EventReport, at: dt.datetime | None = None) -> None:
    if report.provider_id != event.provider_id:
        raise PsesInvalid("that report belongs to another provider")
    try:
        with transaction.atomic():
            EventReportLink.objects.create(
                event=event, report=report, linked_by=user_row(user), linked_at=at or timezone.now()
            )
    except IntegrityError:
        raise PsesInvalid(f"report {report.short_id} already belongs to an event") from None
    _note(event=event, kind=TimelineKind.REPORT_LINKED, actor=user, data={"report": str(report.pk)}, at=at)
    _audit(user=user, action=PsesAction.EVENT_REPORT_LINKED, event=event, detail={"report": str(report.pk)})


# `at` (keyword, default now) on the actions below dates the change itself: the demo's
# history and back-entered paper logs happened earlier than they are typed in. The audit
# event keeps the real moment of the write (invariant 3), so a back-dated change is visible.


def create_event(
    *, user: Actor | None, report: EventReport, title: str = "", at: dt.datetime | None = None
) -> SafetyEvent:
    """Open an event from one report; further reports of the same provider join it later."""
    title = title.strip()[:TITLE_MAX] or f"Event from report {report.short_id}"
    at = at or timezone.now()
    with transaction.atomic():
        event = SafetyEvent.objects.create(
            provider=report.provider, title=title, created_by=user_row(user), created_at=at, status_at=at
        )
        _note(event=event, kind=TimelineKind.CREATED, actor=user, data={"report": str(report.pk)}, at=at)
        _audit(user=user, action=PsesAction.EVENT_CREATED, event=event, detail={"report": str(report.pk)})
        _link(user=user, event=event, report=report, at=at)
    return event


def link_report(*, user: Actor | None, event: SafetyEvent, report: EventReport, at: dt.datetime | None = None) -> None:
    """Add a report describing the same event ("kept reports, one investigation")."""
    with transaction.atomic():
        event = SafetyEvent.objects.select_for_update().get(pk=event.pk)
        _open(event)
        _link(user=user, event=event, report=report, at=at)


def unlink_report(*, user: Actor | None, event: SafetyEvent, report: EventReport) -> None:
    with transaction.atomic():
        event = SafetyEvent.objects.select_for_update().get(pk=event.pk)
        _open(event)
        links = EventReportLink.objects.filter(event=event)
        if not links.filter(report=report).exists():
            raise PsesInvalid(f"report {report.short_id} is not in this event")
        if links.count() == 1:
            raise PsesInvalid("an event keeps at least one report")
        links.filter(report=report).delete()
        _note(event=event, kind=TimelineKind.REPORT_UNLINKED, actor=user, data={"report": str(report.pk)})
        _audit(user=user, action=PsesAction.EVENT_REPORT_UNLINKED, event=event, detail={"report": str(report.pk)})


def assign_event(*, user: Actor | None, event: SafetyEvent, assignee: Any, at: dt.datetime | None = None) -> None:
    """Give the event to an investigator: a PSES member of the event's provider only."""
    if not queries.pses_members_of(event.provider_id).filter(pk=assignee.pk).exists():
        raise PsesInvalid("assign the event to a member of this provider's safety team")
    with transaction.atomic():
        event = SafetyEvent.objects.select_for_update().get(pk=event.pk)
        previous = event.assignee_id
        event.assignee = assignee
        event.save(update_fields=["assignee"])
        data = {"assignee": assignee.pk, "previous": previous}
        _note(event=event, kind=TimelineKind.ASSIGNED, actor=user, data=data, at=at)
        _audit(user=user, action=PsesAction.EVENT_ASSIGNED, event=event, detail=data)
        if assignee.pk != getattr(user, "pk", None):
            notify.notify(
                user=assignee,
                kind=NotificationKind.ASSIGNED,
                event=event,
                text=f"Event {event.short_id} at {event.provider.name} was assigned to you",
                url=reverse("pses:event-detail", kwargs={"event_id": event.pk}),
            )


def change_status(*, user: Actor | None, event: SafetyEvent, status: str, at: dt.datetime | None = None) -> None:
    """Move the event along; the reporters see the new status on their status pages."""
    if status not in EventStatus.values:
        raise PsesInvalid("choose one of the listed statuses")
    with transaction.atomic():
        event = SafetyEvent.objects.select_for_update().get(pk=event.pk)
        if event.status == status:
            raise PsesInvalid("the event already has that status")
        if status == EventStatus.CLOSED and _investigation_open(event):
            # RCA² (NPSF 2015): the analysis ends with its action plan; an event closed
            # mid-investigation would drop off every queue with its RCA² unfinished.
            raise PsesInvalid("its RCA² investigation is not finished; finish it before closing the event")
        previous = event.status
        event.status, event.status_at = status, at or timezone.now()
        event.save(update_fields=["status", "status_at"])
        data = {"from": previous, "to": status}
        _note(event=event, kind=TimelineKind.STATUS_CHANGED, actor=user, data=data, at=at)
        _audit(user=user, action=PsesAction.EVENT_STATUS_CHANGED, event=event, detail=data)


def _investigation_open(event: SafetyEvent) -> bool:
    return Investigation.objects.filter(event=event, finished_at__isnull=True).exists()


def add_addendum(*, user: Actor | None, event: SafetyEvent, body: str) -> Addendum:
    body = body.strip()
    if not body:
        raise PsesInvalid("write the addendum first")
    if len(body) > ADDENDUM_MAX:
        raise PsesInvalid(f"keep the addendum under {ADDENDUM_MAX} characters")
    with transaction.atomic():
        addendum = Addendum.objects.create(event=event, body=body, author=user_row(user))
        _note(event=event, kind=TimelineKind.ADDENDUM, actor=user, data={"addendum": str(addendum.pk)})
        _audit(user=user, action=PsesAction.EVENT_ADDENDUM_ADDED, event=event, detail={"addendum": str(addendum.pk)})
    return addendum


def request_correction(*, user: Actor | None, event: SafetyEvent, report: EventReport, body: str) -> None:
    """Ask a report's reporter to correct or complete it, through the follow-up channel
    (their "My reports" page, or the anonymous receipt: no identity is needed or kept)."""
    if not EventReportLink.objects.filter(event=event, report=report).exists():
        raise PsesInvalid(f"report {report.short_id} is not in this event")
    with transaction.atomic():
        try:
            message = channel_actions.post_follow_up(user=user, report=report, kind=FollowUpKind.QUESTION, body=body)
        except channel_actions.ChannelInvalid as exc:
            raise PsesInvalid(str(exc)) from None
        data = {"report": str(report.pk), "message": str(message.pk)}
        _note(event=event, kind=TimelineKind.CORRECTION_REQUESTED, actor=user, data=data)
        _audit(user=user, action=PsesAction.EVENT_CORRECTION_REQUESTED, event=event, detail=data)


def send_what_changed(*, user: Actor | None, event: SafetyEvent, body: str) -> int:
    """Tell every reporter of the event what changed because they reported."""
    reports = list(queries.reports_of(event))
    with transaction.atomic():
        messages = []
        for report in reports:
            try:
                message = channel_actions.post_follow_up(
                    user=user, report=report, kind=FollowUpKind.WHAT_CHANGED, body=body
                )
            except channel_actions.ChannelInvalid as exc:
                raise PsesInvalid(str(exc)) from None
            messages.append(str(message.pk))
        data = {"reports": [str(r.pk) for r in reports], "messages": messages}
        _note(event=event, kind=TimelineKind.WHAT_CHANGED, actor=user, data=data)
        _audit(user=user, action=PsesAction.EVENT_WHAT_CHANGED_SENT, event=event, detail=data)
    return len(messages)


def record_event_view(*, user: Actor | None, event: SafetyEvent) -> None:
    """Reading an event inside the provider is a use of PSWP, logged (42 CFR 3.206)."""
    record(
        actor=user,
        action=PsesAction.EVENT_VIEWED,
        object_type=object_type_of(event),
        object_id=str(event.pk),
        organization_id=event.provider_id,
        purpose="pses.review",
    )


# --- clock rules and notifications ------------------------------------------------------

RULE_FIELDS = [
    "name",
    "event_types",
    "categories",
    "min_harm",
    "device_related",
    "due_amount",
    "due_unit",
    "starts_at",
    "basis",
    "active",
]


def save_clock_rule(
    *, user: Actor | None, provider: Organization, data: dict[str, Any], rule: ClockRule | None = None
) -> ClockRule:
    """Add or change one of the provider's clock rules (safety manager)."""
    with transaction.atomic():
        if rule is None:
            rule = ClockRule(provider=provider)
        elif rule.provider_id != provider.pk:
            raise PsesInvalid("that rule belongs to another provider")
        for name in RULE_FIELDS:
            if name in data:
                setattr(rule, name, data[name])
        rule.save()
        record(
            actor=user,
            action=PsesAction.CLOCK_RULE_SAVED,
            object_type=object_type_of(rule),
            object_id=str(rule.pk),
            organization_id=provider.pk,
            purpose="pses.configuration",
            detail={"code": rule.code, "active": rule.active, "due": f"{rule.due_amount} {rule.due_unit}"},
        )
    return rule


def mark_read(*, user: Actor | None, notification_id: int | str | None = None) -> int:
    """Mark one of the user's notifications read, or all of them when no id is given."""
    unread = queries.notifications_for(user).filter(read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    with transaction.atomic():
        return unread.update(read_at=timezone.now())
