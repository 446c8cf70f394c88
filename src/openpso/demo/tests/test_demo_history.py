"""The demo's PSES history looks like a real provider's: old events closed, recent ones open
in a spread, clocks met or missed for a recorded reason — never "overdue by 600 days"."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.demo.generate import seed_demo
from openpso.pses.models import ClockResolution, EventStatus, SafetyEvent, TimelineEntry, TimelineKind
from openpso.pses.rca.models import Investigation
from openpso.pses.safety_events.clock_outcomes import event_clocks
from openpso.reporting.models import EventReport

TODAY = dt.date(2026, 3, 15)
# A real safety team lets a clock slip by days, not months: 30 days is the most an open
# event's running clock may be overdue in the demo.
MAX_OVERDUE = dt.timedelta(days=30)


@pytest.fixture
def seeded(db):
    result = seed_demo(events=600, today=TODAY)
    end = dt.datetime.combine(TODAY, dt.time(), tzinfo=timezone.get_default_timezone())
    return result, end


def test_every_report_but_the_newest_is_in_an_event(seeded):
    result, end = seeded
    waiting = EventReport.objects.filter(pses_link__isnull=True)
    assert not waiting.filter(reported_at__lt=end - dt.timedelta(days=6)).exists()
    assert result.events == SafetyEvent.objects.count() > 0


def test_old_events_are_closed_and_recent_ones_open_in_a_spread(seeded):
    _, end = seeded
    old = SafetyEvent.objects.filter(created_at__lt=end - dt.timedelta(days=90))
    assert old.count() > 300
    assert not old.exclude(status=EventStatus.CLOSED).exists()
    open_events = SafetyEvent.objects.exclude(status=EventStatus.CLOSED)
    assert open_events.count() >= 3
    assert not open_events.filter(assignee__isnull=True, created_at__lt=end - dt.timedelta(days=1)).exists()
    statuses = Counter(open_events.values_list("status", flat=True))
    assert statuses[EventStatus.IN_TRIAGE] >= 1
    # An event under RCA² has moved past triage; one whose RCA² is open is not closed.
    investigated = SafetyEvent.objects.filter(investigation__isnull=False)
    assert not investigated.filter(status__in=[EventStatus.NEW, EventStatus.IN_TRIAGE]).exists()
    assert not investigated.filter(status=EventStatus.CLOSED, investigation__finished_at__isnull=True).exists()


def test_no_open_events_clock_is_overdue_by_more_than_thirty_days(seeded):
    _, end = seeded
    for event in SafetyEvent.objects.exclude(status=EventStatus.CLOSED):
        for clock in event_clocks(event):
            if clock.state(end) == "overdue":
                assert end - clock.due <= MAX_OVERDUE, f"{event.short_id}: {clock.rule.code} {clock.countdown(end)}"


def test_serious_events_clocks_are_met_or_missed_with_a_reason(seeded):
    _, end = seeded
    investigated = Investigation.objects.filter(event__status=EventStatus.CLOSED)
    assert investigated.exists()
    assert not investigated.filter(finished_at__isnull=True).exists()
    for event in SafetyEvent.objects.filter(status=EventStatus.CLOSED, investigation__isnull=False):
        due = [c for c in event_clocks(event) if c.rule.code == "state-serious-event"]
        assert all(c.resolved for c in due), event.short_id
    for outcome in ClockResolution.objects.all():
        late = [c for c in event_clocks(outcome.event) if c.rule == outcome.rule and c.state(end) != "met"]
        if outcome.outcome == "missed" or late:
            assert outcome.reason.strip(), f"{outcome.event.short_id}: {outcome.rule.code} has no reason"


def test_recent_history_went_through_the_actions_and_the_chain_holds(seeded):
    _, end = seeded
    # Every event still open, and every one closed in the last two weeks, went through the
    # actions; older closed ones may be the same rows written in bulk (demo.history).
    recent = SafetyEvent.objects.exclude(status=EventStatus.CLOSED) | SafetyEvent.objects.filter(
        status_at__gte=end - dt.timedelta(days=13)
    )
    assert recent.exists()
    for event in recent:
        assert AuditEvent.objects.filter(action="event.created", object_id=str(event.pk)).exists()
        assert TimelineEntry.objects.filter(event=event, kind=TimelineKind.CREATED).exists()
    assert AuditEvent.objects.filter(action="demo.history_seeded").count() == 1
    assert verify_chain().ok
