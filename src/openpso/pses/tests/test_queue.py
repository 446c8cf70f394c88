"""The triage queue: worst harm first, near misses and unsafe conditions after incidents,
then the nearest clock and the oldest; filters by category, unit, status and age."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openpso.organizations.models import Unit
from openpso.pses.models import EventStatus
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.clocks import DEATH, MILD, MODERATE, NO_HARM, SEVERE, UNKNOWN
from openpso.pses.safety_events.triage import QueueFilters, queue_for
from openpso.pses.tests.helpers import make_report
from openpso.reporting.models import EventReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def p1_only(cast):
    """Start from an empty queue: the cast's own reports of p1 are removed."""
    EventReport.objects.filter(provider=cast.orgs["p1"]).delete()
    return cast


def _ids(rows):
    return [row.report.pk for row in rows]


def test_the_queue_orders_by_harm_then_type(p1_only):
    cast = p1_only
    made = {
        "unsafe": make_report(cast, event_type="A9"),
        "near_miss": make_report(cast, event_type="A6"),
        "unknown": make_report(cast, harm=UNKNOWN),
        "no_harm": make_report(cast, harm=NO_HARM),
        "mild": make_report(cast, harm=MILD),
        "moderate": make_report(cast, harm=MODERATE),
        "severe": make_report(cast, harm=SEVERE),
        "death": make_report(cast, harm=DEATH),
    }
    rows = queue_for(cast.users["safety_manager"], filters=QueueFilters())
    order = ["death", "severe", "moderate", "mild", "no_harm", "unknown", "near_miss", "unsafe"]
    assert _ids(rows) == [made[k].pk for k in order]


def test_within_the_same_harm_the_nearest_clock_then_the_oldest_comes_first(p1_only):
    cast = p1_only
    newer = make_report(cast, harm=MILD, days_ago=1)
    older = make_report(cast, harm=MILD, days_ago=5)
    severe_new = make_report(cast, harm=SEVERE, days_ago=0)
    severe_old = make_report(cast, harm=SEVERE, days_ago=2)
    actions_rules = cast.orgs["p1"]
    from openpso.pses.safety_events.clocks import seed_default_rules

    seed_default_rules(actions_rules)
    rows = queue_for(cast.users["safety_manager"], filters=QueueFilters())
    assert _ids(rows) == [severe_old.pk, severe_new.pk, older.pk, newer.pk]
    assert rows[0].clocks
    assert rows[0].clocks[0].rule.code == "rca2-start"


def test_reports_in_a_closed_event_leave_the_queue(p1_only):
    cast = p1_only
    manager = cast.users["safety_manager"]
    kept, closed = make_report(cast), make_report(cast)
    event = actions.create_event(user=manager, report=closed)
    actions.change_status(user=manager, event=event, status=EventStatus.CLOSED)
    assert _ids(queue_for(manager, filters=QueueFilters())) == [kept.pk]


def test_the_queue_filters_by_category_unit_status_and_age(p1_only):
    cast = p1_only
    manager = cast.users["safety_manager"]
    icu = Unit.objects.create(provider=cast.orgs["p1"], name="ICU")
    fall = make_report(cast, categories=["A48"], days_ago=1)
    medication = make_report(cast, categories=["A54"], unit=icu, days_ago=10)
    old = make_report(cast, categories=["A48"], days_ago=40)
    actions.create_event(user=manager, report=old)

    def ids(**filters):
        return set(_ids(queue_for(manager, filters=QueueFilters(**filters))))

    assert ids(category="A54") == {medication.pk}
    assert ids(unit_id=icu.pk) == {medication.pk}
    assert ids(status="unlinked") == {fall.pk, medication.pk}
    assert ids(status=EventStatus.NEW) == {old.pk}
    assert ids(min_age=7) == {medication.pk, old.pk}
    assert ids(max_age=7) == {fall.pk}
    assert ids(min_age=5, max_age=30) == {medication.pk}


def test_the_queue_page_filters_through_the_query_string(p1_only, client_for):
    cast = p1_only
    make_report(cast, categories=["A48"])
    medication = make_report(cast, categories=["A54"])
    page = client_for("safety_manager").get(reverse("pses:queue"), {"category": "A54"}).content.decode()
    assert page.count('class="card" id="row-') == 1
    assert medication.short_id in page


def test_the_queue_shows_one_providers_reports_to_its_safety_team_only(cast, client_for):
    body = client_for("pses_committee").get(reverse("pses:queue")).content.decode()
    assert cast.reports["r1"].short_id in body
    assert cast.reports["r2"].short_id not in body
    assert client_for("reporter").get(reverse("pses:queue")).status_code == 404
    assert client_for("system_safety_officer").get(reverse("pses:queue")).status_code == 404


def test_the_queue_shows_countdowns_and_overdue_flags(p1_only, client_for):
    cast = p1_only
    make_report(cast, harm=SEVERE, days_ago=4)  # RCA² start (72 hours) is overdue
    body = client_for("safety_manager").get(reverse("pses:queue")).content.decode()
    assert "Overdue: RCA² start overdue by 1 day" in body
    assert "State serious-event report due in 2 days" in body
    assert 'class="clock overdue"' in body


def test_the_queue_and_event_forms_read_in_words_not_form_instructions_or_dashes(cast, client_for):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=make_report(cast))
    client = client_for("safety_manager")
    for page in (client.get(reverse("pses:queue")), client.get(f"/pses/events/{event.pk}/")):
        html = page.content.decode()
        assert "PLEASE SPECIFY" not in html
        assert "---------" not in html  # Django's blank choice: say what to choose instead
    assert "— choose who —" in client.get(reverse("pses:queue")).content.decode()
