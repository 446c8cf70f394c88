"""On a phone: the safety manager searches the queue by words of a narrative, saves the
search, ticks two events and closes them from the action bar; one with an open RCA² is
refused with the reason in words. axe-clean, touch targets of 24 px at least."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.pses.models import EventStatus, SafetyEvent
from openpso.pses.rca import actions as rca
from openpso.pses.safety_events import actions
from openpso.pses.tests.helpers import make_report
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_finds_saves_and_bulk_closes_on_a_phone(live_server, cast, scanned_phone):
    manager = cast.users["safety_manager"]
    events = [
        actions.create_event(user=manager, report=make_report(cast, narrative=f"Wheelchair brake failed, case {n}"))
        for n in range(3)
    ]
    rca.start_investigation(user=manager, event=events[2])
    page = scanned_phone.new_page()
    sign_in(page, live_server.url, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("link", name="Safety queue").click()

    page.get_by_label("Search", exact=True).fill("wheelchair brake")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("3 reports found")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Name of this filter").fill("Wheelchair brakes")
    page.get_by_role("button", name="Save this filter").click()
    expect(page.get_by_role("link", name="Wheelchair brakes")).to_be_visible()
    assert "wheelchair" not in page.url.lower()  # the words never reach the address bar

    for event in (events[0], events[2]):
        page.get_by_label(f"Tick event {event.short_id}").check()
    page.get_by_label("Action", exact=True).select_option("close")
    page.get_by_role("button", name="Apply to the ticked events").click()

    expect(page.get_by_text("1 of 2 events changed.")).to_be_visible()
    expect(page.get_by_text(f"Event {events[0].short_id}: closed.")).to_be_visible()
    refused = page.get_by_text(f"Event {events[2].short_id}: not closed:")
    expect(refused).to_be_visible()
    assert "investigation" in refused.inner_text()
    assert SafetyEvent.objects.get(pk=events[0].pk).status == EventStatus.CLOSED
    assert SafetyEvent.objects.get(pk=events[2].pk).status != EventStatus.CLOSED
    box = page.get_by_label(f"Tick event {events[1].short_id}").bounding_box()
    assert box is not None
    assert box["width"] >= 24
    assert box["height"] >= 24
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the queue scrolls sideways on a phone"
    assert axe_violations(page) == []


def test_the_manager_records_a_missed_clock_and_finds_a_report_to_link_on_a_phone(live_server, cast, scanned_phone):
    from openpso.pses.safety_events.clocks import SEVERE, seed_default_rules

    manager = cast.users["safety_manager"]
    seed_default_rules(cast.orgs["p1"])
    event = actions.create_event(user=manager, report=make_report(cast, harm=SEVERE, days_ago=12))
    free = make_report(cast, categories=["A54"], days_ago=1)
    page = scanned_phone.new_page()
    sign_in(page, live_server.url, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/pses/events/{event.pk}/")

    page.get_by_role("textbox", name="Find a report to link").fill("medication")
    link = page.get_by_role("button", name=f"Link report {free.short_id} to this event")
    link.wait_for()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Record a clock as met or missed").click()
    assert axe_violations(page) == []
    page.get_by_label("Clock", exact=True).select_option(label=page.locator("#id_clock-rule option").first.inner_text())
    page.get_by_label("Missed: it was not done in time").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Not recorded: say why")).to_be_visible()
    page.get_by_label("Reason").fill("State portal was down for two days")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("recorded as missed")).to_be_visible()
    expect(page.get_by_text("State portal was down for two days")).to_be_visible()
    assert axe_violations(page) == []
