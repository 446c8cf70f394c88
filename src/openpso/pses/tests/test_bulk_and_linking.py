"""Bulk assign and close through the single-event actions, and "link a report" by search
(issue 12 item 3)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.pses.models import EventStatus, SafetyEvent, TimelineEntry, TimelineKind
from openpso.pses.queries import LINK_RESULTS, link_candidates
from openpso.pses.rca import actions as rca
from openpso.pses.safety_events import actions
from openpso.pses.tests.helpers import make_report

pytestmark = pytest.mark.django_db


def _events(cast, count, provider="p1"):
    manager = cast.users["safety_manager" if provider == "p1" else "manager_p2"]
    return [actions.create_event(user=manager, report=make_report(cast, provider)) for _ in range(count)]


def _said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_assign_writes_a_timeline_entry_and_an_audit_event_per_event(cast, client_for):
    events = _events(cast, 3)
    committee = cast.users["pses_committee"]
    response = client_for("safety_manager").post(
        reverse("pses:queue-bulk"),
        {"bulk-events": [str(e.pk) for e in events], "bulk-action": "assign", "bulk-assignee": committee.pk},
    )
    assert response.status_code == 302
    for event in events:
        event.refresh_from_db()
        assert event.assignee == committee
        assert TimelineEntry.objects.filter(event=event, kind=TimelineKind.ASSIGNED).count() == 1
        assert AuditEvent.objects.filter(action="event.assigned", object_id=str(event.pk)).count() == 1
    said = _said(response)
    assert "3 of 3 events changed." in said
    assert f"Event {events[0].short_id}: assigned to {committee.get_full_name() or committee.email}." in said


def test_bulk_close_closes_each_event_and_refuses_one_whose_investigation_is_open(cast, client_for):
    free, busy = _events(cast, 2)
    rca.start_investigation(user=cast.users["safety_manager"], event=busy)
    response = client_for("safety_manager").post(
        reverse("pses:queue-bulk"), {"bulk-events": [str(free.pk), str(busy.pk)], "bulk-action": "close"}
    )
    free.refresh_from_db()
    busy.refresh_from_db()
    assert free.status == EventStatus.CLOSED
    assert busy.status != EventStatus.CLOSED
    assert TimelineEntry.objects.filter(event=free, kind=TimelineKind.STATUS_CHANGED).count() == 1
    assert not TimelineEntry.objects.filter(event=busy, kind=TimelineKind.STATUS_CHANGED).exists()
    said = _said(response)
    assert "1 of 2 events changed." in said
    assert f"Event {free.short_id}: closed." in said
    assert any(s.startswith(f"Event {busy.short_id}: not closed:") and "investigation" in s for s in said)


def test_the_single_close_refuses_an_event_whose_investigation_is_open(cast):
    (event,) = _events(cast, 1)
    rca.start_investigation(user=cast.users["safety_manager"], event=event)
    with pytest.raises(actions.PsesInvalid, match="investigation"):
        actions.change_status(user=cast.users["safety_manager"], event=event, status=EventStatus.CLOSED)


def test_bulk_actions_never_touch_another_providers_event(cast, client_for):
    (foreign,) = _events(cast, 1, provider="p2")
    (mine,) = _events(cast, 1)
    response = client_for("safety_manager").post(
        reverse("pses:queue-bulk"), {"bulk-events": [str(foreign.pk), str(mine.pk)], "bulk-action": "close"}
    )
    foreign.refresh_from_db()
    assert foreign.status == EventStatus.NEW
    assert SafetyEvent.objects.get(pk=mine.pk).status == EventStatus.CLOSED
    said = _said(response)
    assert any("not found among your events" in s for s in said)
    assert foreign.short_id not in " ".join(said)


def test_bulk_assign_refuses_someone_outside_the_safety_team(cast, client_for):
    (event,) = _events(cast, 1)
    response = client_for("safety_manager").post(
        reverse("pses:queue-bulk"),
        {"bulk-events": [str(event.pk)], "bulk-action": "assign", "bulk-assignee": cast.users["reporter"].pk},
    )
    event.refresh_from_db()
    assert event.assignee is None
    assert any(s.startswith("Nothing done:") for s in _said(response))


def test_bulk_with_nothing_ticked_says_so(cast, client_for):
    response = client_for("safety_manager").post(reverse("pses:queue-bulk"), {"bulk-action": "close"})
    assert "Nothing done: tick at least one event first." in _said(response)


def test_the_queue_offers_a_checkbox_per_event_for_the_action_bar(cast, client_for):
    (event,) = _events(cast, 1)
    page = client_for("safety_manager").get(reverse("pses:queue")).content.decode()
    assert f'name="bulk-events" value="{event.pk}" form="bulk-form"' in page
    assert 'id="bulk-form"' in page


def test_link_search_returns_only_free_reports_of_the_same_provider(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=make_report(cast))
    free = make_report(cast, categories=["A48"])
    taken = make_report(cast, categories=["A48"])
    actions.create_event(user=manager, report=taken)
    foreign = make_report(cast, "p2", categories=["A48"])
    found = {r.pk for r in link_candidates(event, "")}
    assert free.pk in found
    assert taken.pk not in found
    assert foreign.pk not in found
    assert [r.pk for r in link_candidates(event, free.short_id)] == [free.pk]
    assert link_candidates(event, foreign.short_id) == []


def test_link_search_matches_a_category_a_unit_and_a_day(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=make_report(cast))
    fall = make_report(cast, categories=["A48"], days_ago=3)
    medication = make_report(cast, categories=["A54"], days_ago=40)
    by_category = {r.pk for r in link_candidates(event, "fall")}
    assert fall.pk in by_category
    assert medication.pk not in by_category
    assert medication.pk in {r.pk for r in link_candidates(event, "medication")}
    assert fall.pk in {r.pk for r in link_candidates(event, cast.units["p1"].name.lower())}
    day = medication.reported_at.astimezone().date().isoformat()
    assert medication.pk in {r.pk for r in link_candidates(event, day)}


def test_link_search_returns_at_most_twenty(cast):
    event = actions.create_event(user=cast.users["safety_manager"], report=make_report(cast))
    for _ in range(LINK_RESULTS + 5):
        make_report(cast)
    assert len(link_candidates(event, "")) == LINK_RESULTS


def test_the_event_page_searches_instead_of_listing_every_report(cast, client_for):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=make_report(cast))
    free = make_report(cast)
    client = client_for("safety_manager")
    page = client.get(reverse("pses:event-detail", kwargs={"event_id": event.pk})).content.decode()
    assert free.short_id not in page  # no dropdown of every free report
    assert reverse("pses:event-link-search", kwargs={"event_id": event.pk}) in page
    url = reverse("pses:event-link-search", kwargs={"event_id": event.pk})
    fragment = client.get(url, {"q": free.short_id}, headers={"HX-Request": "true"}).content.decode()
    assert free.short_id in fragment
    assert "<html" not in fragment
    whole = client.get(url, {"q": free.short_id}).content.decode()
    assert "<html" in whole
    assert free.short_id in whole
    assert client_for("manager_p2").get(url, {"q": free.short_id}).status_code == 404


def test_a_report_page_offers_open_events_to_join_by_their_title_not_only_their_id(cast, client_for):
    manager = cast.users["safety_manager"]
    open_event = actions.create_event(user=manager, report=make_report(cast), title="Heparin vials stored together")
    loose = make_report(cast)
    page = client_for("safety_manager").get(f"/reports/{loose.pk}/").content.decode()
    assert f"Add to event {open_event.short_id}" in page
    assert "Heparin vials stored together" in page
