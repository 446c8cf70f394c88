"""Clock rules: which deadlines apply, when they fall due (work days skip weekends), and the
`openpso pses clocks` scan that notifies once per clock and threshold."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from openpso.pses.models import ClockRule, ClockUnit, Notification, TimelineEntry, TimelineKind
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.clocks import (
    DEATH,
    MILD,
    SEVERE,
    Clock,
    add_work_days,
    applies,
    clocks_for_report,
    due_at,
    seed_default_rules,
)
from openpso.pses.safety_events.clockwatch import scan_clocks
from openpso.pses.tests.helpers import make_report

pytestmark = pytest.mark.django_db
NY = zoneinfo.ZoneInfo("America/New_York")


def _rule(**fields):
    return ClockRule(name="r", due_amount=fields.pop("due_amount", 1), **fields)


def test_work_days_skip_the_weekend():
    thursday = dt.datetime(2025, 3, 6, 9, 30, tzinfo=dt.UTC)
    assert add_work_days(thursday, 1).date() == dt.date(2025, 3, 7)
    assert add_work_days(thursday, 2).date() == dt.date(2025, 3, 10)  # Friday, then Monday
    assert add_work_days(thursday, 10).date() == dt.date(2025, 3, 20)
    saturday = dt.datetime(2025, 3, 8, 12, tzinfo=dt.UTC)
    assert add_work_days(saturday, 1).date() == dt.date(2025, 3, 10)


def test_due_dates_follow_the_rules_unit():
    start = dt.datetime(2025, 3, 7, 10, tzinfo=dt.UTC)  # a Friday
    assert due_at(_rule(due_amount=72, due_unit=ClockUnit.HOURS), start) == start + dt.timedelta(hours=72)
    local = start.astimezone(NY)  # settings.TIME_ZONE; the clocks keep the local time of day
    week = due_at(_rule(due_amount=7, due_unit=ClockUnit.CALENDAR_DAYS), start).astimezone(NY)
    assert (week.date(), week.time()) == (dt.date(2025, 3, 14), local.time())
    fda = due_at(_rule(due_amount=10, due_unit=ClockUnit.WORK_DAYS), start).astimezone(NY)
    assert (fda.date(), fda.time()) == (dt.date(2025, 3, 21), local.time())


def test_the_fda_device_death_clock_applies_only_to_device_related_deaths(cast):
    seed_default_rules(cast.orgs["p1"])
    fda = ClockRule.objects.get(provider=cast.orgs["p1"], code="fda-3500a-device-death")
    assert applies(fda, make_report(cast, harm=DEATH, categories=["A44"]))
    assert applies(fda, make_report(cast, harm=DEATH, categories=["A48"], modules=["cfer-h-1.2/device"]))
    assert not applies(fda, make_report(cast, harm=DEATH, categories=["A48"]))
    assert not applies(fda, make_report(cast, harm=SEVERE, categories=["A44"]))
    assert not applies(fda, make_report(cast, event_type="A6", categories=["A44"]))


def test_serious_harm_starts_the_state_and_rca2_clocks(cast):
    seed_default_rules(cast.orgs["p1"])
    rules = ClockRule.objects.filter(provider=cast.orgs["p1"])
    codes = {c.rule.code for c in clocks_for_report(make_report(cast, harm=SEVERE), rules)}
    assert codes == {"state-serious-event", "rca2-start", "rca2-finish"}
    assert clocks_for_report(make_report(cast, harm=MILD), rules) == []


def test_defaults_are_seeded_once_and_edits_survive(cast):
    provider = cast.orgs["p1"]
    seed_default_rules(provider)
    ClockRule.objects.filter(provider=provider, code="state-serious-event").update(due_amount=1)
    seed_default_rules(provider)
    assert ClockRule.objects.filter(provider=provider).count() == 4
    assert ClockRule.objects.get(provider=provider, code="state-serious-event").due_amount == 1


def test_countdowns_and_overdue_flags():
    now = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
    rule = _rule()
    assert Clock(rule, now + dt.timedelta(days=3, hours=2), None).countdown(now) == "due in 3 days"
    assert Clock(rule, now + dt.timedelta(hours=5), None).countdown(now) == "due in 5 hours"
    assert Clock(rule, now - dt.timedelta(days=2, hours=1), None).countdown(now) == "overdue by 2 days"
    assert Clock(rule, now + dt.timedelta(days=3), None).state(now) == "running"
    assert Clock(rule, now + dt.timedelta(hours=20), None).state(now) == "due_soon"
    assert Clock(rule, now - dt.timedelta(minutes=1), None).state(now) == "overdue"


def test_the_clocks_command_notifies_once_per_clock_and_threshold(cast, django_capture_on_commit_callbacks):
    manager, committee = cast.users["safety_manager"], cast.users["pses_committee"]
    report = make_report(cast, harm=SEVERE, days_ago=4)  # RCA² start overdue; state report due in 2 days
    event = actions.create_event(user=manager, report=report)
    actions.assign_event(user=manager, event=event, assignee=committee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("pses", "clocks")
        call_command("pses", "clocks")
    notes = Notification.objects.filter(user=committee, kind="clock_overdue")
    assert notes.count() == 1
    assert "RCA² start" in notes.get().text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [committee.email]
    assert "NARRATIVE-SECRET" not in mail.outbox[0].body
    overdue = TimelineEntry.objects.filter(event=event, kind=TimelineKind.CLOCK_OVERDUE)
    assert overdue.count() == 1


def test_a_clock_due_within_a_day_notifies_then_overdue_notifies_again(cast):
    manager = cast.users["safety_manager"]
    report = make_report(cast, harm=SEVERE, days_ago=0)
    actions.create_event(user=manager, report=report)
    soon = report.reported_at + dt.timedelta(hours=60)  # RCA² start due in 12 hours
    scan_clocks(now=soon)
    scan_clocks(now=soon + dt.timedelta(hours=1))
    assert Notification.objects.filter(user=manager, kind="clock_due").count() == 1
    scan_clocks(now=soon + dt.timedelta(hours=13))
    assert Notification.objects.filter(user=manager, kind="clock_overdue").count() == 1


def test_reports_in_no_event_notify_the_safety_managers(cast):
    make_report(cast, harm=SEVERE, days_ago=4)
    result = scan_clocks()
    assert result.notifications == 1
    note = Notification.objects.get(user=cast.users["safety_manager"])
    assert note.url.startswith("/reports/")


def test_the_safety_manager_edits_a_clock_rule_and_the_committee_cannot(cast, client_for):
    seed_default_rules(cast.orgs["p1"])
    rule = ClockRule.objects.get(provider=cast.orgs["p1"], code="state-serious-event")
    url = reverse("pses:clock-rule-edit", kwargs={"rule_id": rule.pk})
    assert client_for("pses_committee").get(url).status_code == 404
    data = {
        "name": rule.name,
        "event_types": ["A3"],
        "min_harm": SEVERE,
        "due_amount": 2,
        "due_unit": ClockUnit.CALENDAR_DAYS,
        "starts_at": "discovered_at",
        "basis": "State law",
        "active": "on",
    }
    assert client_for("safety_manager").post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.due_amount == 2


def test_the_safety_manager_adds_a_clock_rule(cast, client_for):
    data = {
        "provider": cast.orgs["p1"].pk,
        "name": "Falls huddle",
        "categories": ["A48"],
        "due_amount": 1,
        "due_unit": ClockUnit.WORK_DAYS,
        "starts_at": "reported_at",
        "active": "on",
    }
    assert client_for("safety_manager").post(reverse("pses:clock-rules"), data).status_code == 302
    rule = ClockRule.objects.get(name="Falls huddle")
    assert rule.provider == cast.orgs["p1"]
    assert rule.categories == ["A48"]
    data["provider"] = cast.orgs["p2"].pk
    client_for("safety_manager").post(reverse("pses:clock-rules"), data)
    assert not ClockRule.objects.filter(provider=cast.orgs["p2"], name="Falls huddle").exists()


def test_the_clock_rules_page_says_what_each_rule_applies_to_in_words(cast, client_for):
    # It read 'A3; any category; harm LA20747-4 or worse' (codes alone) and overflowed a phone.
    seed_default_rules(cast.orgs["p1"])
    page = client_for("safety_manager").get(reverse("pses:clock-rules")).content.decode()
    assert "Incident; any category; Death or worse" not in page  # death is the worst: no 'or worse'
    assert "Incident; any category; Severe harm or worse" in page
    assert "LA2" not in page.split("<h2>Add a rule</h2>")[0]
    assert 'class="table-wrap"' in page
    assert "---------" not in page
