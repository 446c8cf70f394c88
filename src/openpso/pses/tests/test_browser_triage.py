"""On a phone: the safety manager opens the queue, makes an event from one report, links a
second, assigns it, and the event page shows both reports and the timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.pses.models import SafetyEvent
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_triages_two_reports_into_one_assigned_event(live_server, cast, scanned_phone):
    base = live_server.url
    first, second = cast.reports["r1"], cast.reports["r1anon"]
    page = scanned_phone.new_page()
    sign_in(page, base, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)

    page.get_by_role("link", name="Safety queue").click()
    expect(page.get_by_role("heading", name="Safety queue")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"Make an event from report {first.short_id}").click()
    event = SafetyEvent.objects.get()
    expect(page.get_by_role("heading", name=f"Event {event.short_id}")).to_be_visible()

    page.get_by_role("textbox", name="Find a report to link").fill(second.short_id)  # htmx: results as you type
    page.get_by_role("button", name=f"Link report {second.short_id} to this event").click()
    page.locator("#id_assign-assignee").select_option(label="Pses_Committee")
    page.get_by_role("button", name="Assign").click()

    assert page.locator("#event-assignee").inner_text() == "Pses_Committee"
    reports = page.locator("#reports").inner_text()
    assert first.short_id in reports
    assert second.short_id in reports
    timeline = page.locator("#timeline").inner_text()
    assert "Assigned: to Pses_Committee" in timeline
    assert timeline.count("Report linked") == 2
    assert "Event created" in timeline
    assert axe_violations(page) == []
