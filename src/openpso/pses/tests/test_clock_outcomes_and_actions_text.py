"""Clocks recorded as met or missed (with the reason); action items shown by their words;
the RCA² team picker offering every PSES member (issue 12 item 3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.organizations.models import Membership
from openpso.organizations.roles import Role
from openpso.pses.models import ClockRule, TimelineEntry, TimelineKind
from openpso.pses.rca import actions as rca
from openpso.pses.rca.forms import TeamMemberForm
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.clock_outcomes import event_clocks, resolve_clock
from openpso.pses.safety_events.clocks import SEVERE, seed_default_rules
from openpso.pses.safety_events.triage import QueueFilters, queue_for
from openpso.pses.tests.helpers import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def severe_event(cast):
    seed_default_rules(cast.orgs["p1"])
    report = make_report(cast, harm=SEVERE, days_ago=20)
    return actions.create_event(user=cast.users["safety_manager"], report=report)


def _rule(cast, code):
    return ClockRule.objects.get(provider=cast.orgs["p1"], code=code)


def test_a_clock_met_on_time_reads_met_not_overdue(cast, severe_event):
    rule = _rule(cast, "state-serious-event")
    due = next(c.due for c in event_clocks(severe_event) if c.rule == rule)
    resolve_clock(
        user=cast.users["safety_manager"], event=severe_event, rule=rule, outcome="met", at=due - dt.timedelta(days=2)
    )
    clock = next(c for c in event_clocks(severe_event) if c.rule == rule)
    now = timezone.now()
    assert clock.state(now) == "met"
    assert clock.countdown(now).startswith("met on ")
    entry = TimelineEntry.objects.get(event=severe_event, kind=TimelineKind.CLOCK_RESOLVED)
    assert entry.data["outcome"] == "met"
    assert entry.data["late"] is False
    assert AuditEvent.objects.filter(action="event.clock_resolved", object_id=str(severe_event.pk)).exists()


def test_a_missed_clock_needs_its_reason_and_shows_it(cast, severe_event, client_for):
    rule = _rule(cast, "state-serious-event")
    manager = cast.users["safety_manager"]
    with pytest.raises(actions.PsesInvalid, match="say why"):
        resolve_clock(user=manager, event=severe_event, rule=rule, outcome="missed")
    resolve_clock(user=manager, event=severe_event, rule=rule, outcome="missed", reason="State portal was down")
    page = client_for("safety_manager").get(reverse("pses:event-detail", kwargs={"event_id": severe_event.pk}))
    text = page.content.decode()
    assert "missed (recorded" in text
    assert "State portal was down" in text
    entry = TimelineEntry.objects.get(event=severe_event, kind=TimelineKind.CLOCK_RESOLVED)
    assert "State portal" not in str(entry.data)  # the reason stays out of the timeline's codes


def test_a_clock_met_late_needs_a_reason(cast, severe_event):
    rule = _rule(cast, "state-serious-event")
    with pytest.raises(actions.PsesInvalid, match="met late"):
        resolve_clock(user=cast.users["safety_manager"], event=severe_event, rule=rule, outcome="met")


def test_a_clock_is_recorded_once(cast, severe_event):
    rule = _rule(cast, "state-serious-event")
    manager = cast.users["safety_manager"]
    resolve_clock(user=manager, event=severe_event, rule=rule, outcome="missed", reason="Late")
    with pytest.raises(actions.PsesInvalid, match="already recorded"):
        resolve_clock(user=manager, event=severe_event, rule=rule, outcome="met", reason="Late")


def test_the_rca_clocks_are_met_by_the_investigation(cast, severe_event):
    rca.start_investigation(user=cast.users["safety_manager"], event=severe_event)
    start = next(c for c in event_clocks(severe_event) if c.rule.code == "rca2-start")
    assert start.resolved  # started 20 days after filing: met, late
    assert start.state(timezone.now()) == "met_late"


def test_the_queue_orders_by_running_clocks_and_shows_recorded_ones(cast, severe_event):
    rule = _rule(cast, "state-serious-event")
    resolve_clock(user=cast.users["safety_manager"], event=severe_event, rule=rule, outcome="missed", reason="x")
    row = next(r for r in queue_for(cast.users["safety_manager"], filters=QueueFilters()) if r.event == severe_event)
    states = {c.rule.code: c.state(timezone.now()) for c in row.clocks}
    assert states["state-serious-event"] == "missed"


def test_the_clock_page_records_an_outcome_in_words(cast, severe_event, client_for):
    rule = _rule(cast, "state-serious-event")
    url = reverse("pses:event-clocks", kwargs={"event_id": severe_event.pk})
    client = client_for("safety_manager")
    response = client.post(url, {"clock-rule": rule.pk, "clock-outcome": "missed", "clock-reason": ""})
    assert "Not recorded: say why" in response.content.decode()
    response = client.post(url, {"clock-rule": rule.pk, "clock-outcome": "missed", "clock-reason": "Portal down"})
    assert response.status_code == 302
    assert client_for("manager_p2").get(url).status_code == 404


def test_action_items_are_listed_by_their_words(cast, severe_event, client_for):
    manager = cast.users["safety_manager"]
    investigation = rca.start_investigation(user=manager, event=severe_event)
    action = rca.add_action(
        user=manager,
        investigation=investigation,
        data={
            "action": "Fit bed-exit alarms to every bed on 4 West",
            "action_type": "forcing_function",
            "owner": manager,
            "due_on": dt.date(2030, 1, 1),
            "status": "planned",
        },
    )
    client = client_for("safety_manager")
    event_page = client.get(reverse("pses:event-detail", kwargs={"event_id": severe_event.pk})).content.decode()
    plan = client.get(reverse("pses:rca-action-plan", kwargs={"event_id": severe_event.pk})).content.decode()
    detail = client.get(reverse("pses:rca-action", kwargs={"action_id": action.pk})).content.decode()
    for page in (event_page, plan, detail):
        assert "Fit bed-exit alarms to every bed on 4 West" in page
    assert f"Action {action.short_id}</a>" not in plan
    timeline = event_page.split('id="timeline"')[1]
    assert "Action plan item added</strong>: Fit bed-exit alarms" in timeline


def test_the_team_picker_offers_every_pses_member_of_the_provider(cast, severe_event):
    second_manager = type(cast.users["safety_manager"]).objects.create_user(email="second-manager@cast.test")
    Membership.objects.create(user=second_manager, organization=cast.orgs["p1"], role=Role.SAFETY_MANAGER)
    field: Any = TeamMemberForm(event=severe_event).fields["member"]
    offered = set(field.queryset)
    pses_members = {
        m.user
        for m in Membership.objects.filter(organization=cast.orgs["p1"], role__in=["safety_manager", "pses_committee"])
    }
    assert offered == pses_members
    assert {cast.users["safety_manager"], cast.users["pses_committee"], second_manager} <= offered
    assert cast.users["reporter"] not in offered
    assert cast.users["manager_p2"] not in offered


def test_a_clock_recorded_as_met_raises_no_overdue_notice(cast, severe_event):
    from openpso.pses.models import Notification
    from openpso.pses.safety_events.clockwatch import scan_clocks

    manager = cast.users["safety_manager"]
    for code in ("rca2-start", "state-serious-event"):
        rule = _rule(cast, code)
        resolve_clock(user=manager, event=severe_event, rule=rule, outcome="missed", reason="Recorded in the demo")
    scan_clocks()
    overdue = Notification.objects.filter(kind="clock_overdue", event=severe_event)
    assert not overdue.exists()
    assert not TimelineEntry.objects.filter(event=severe_event, kind=TimelineKind.CLOCK_OVERDUE).exists()
