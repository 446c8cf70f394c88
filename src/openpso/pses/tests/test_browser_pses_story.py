"""Issue 4's story in the browser: the safety manager triages and links two reports into one
event, runs an RCA² with a stronger action, the committee records a deliberation, and the
reporter reads "what changed"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openpso.pses.models import SafetyEvent
from openpso.testing.browser import shows, sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_triage_to_what_changed(live_server, cast, chromium):
    base = live_server.url
    desk = {"viewport": {"width": 1280, "height": 900}}
    manager = chromium.new_context(**desk).new_page()
    sign_in(manager, base, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)

    first, second = cast.reports["r1"], cast.reports["r1anon"]
    manager.goto(f"{base}/pses/queue/")
    manager.get_by_role("button", name=f"Make an event from report {first.short_id}").click()
    manager.get_by_role("textbox", name="Find a report to link").fill(second.short_id)
    manager.get_by_role("button", name=f"Link report {second.short_id} to this event").click()
    event = SafetyEvent.objects.get()
    assert {link.report_id for link in event.links.all()} == {first.pk, second.pk}

    manager.get_by_role("link", name="Investigation").click()
    manager.get_by_role("button", name="Start the investigation").click()
    manager.get_by_label("Root cause", exact=True).fill("The bed alarm can be silenced without a second check.")
    manager.get_by_role("button", name="Add root cause").click()
    manager.goto(f"{base}/pses/events/{event.pk}/action-plan/")
    manager.get_by_label("Action", exact=True).fill("Bed alarms that cannot be switched off at the bedside.")
    manager.get_by_label("Type (RCA² action hierarchy)", exact=True).select_option(label="Forcing functions")
    manager.get_by_label("Owner", exact=True).select_option(index=1)
    manager.get_by_label("Due date", exact=True).fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    manager.get_by_role("button", name="Add action").click()
    shows(manager, "Stronger")
    manager.goto(f"{base}/pses/events/{event.pk}/investigation/")
    manager.get_by_role("button", name="Finish the investigation").click()

    committee = chromium.new_context(**desk).new_page()
    sign_in(committee, base, "pses_committee@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    committee.goto(f"{base}/pses/events/{event.pk}/deliberations/new/")
    committee.get_by_label("Title", exact=True).fill("Committee review of the fall")
    committee.get_by_label("Deliberation", exact=True).fill("The committee agrees the alarm design invites the error.")
    committee.get_by_role("button", name="Record deliberation").click()
    shows(committee, "Confidential — Patient Safety Work Product")

    manager.goto(f"{base}/pses/events/{event.pk}/")
    manager.get_by_label("What changed because they reported", exact=True).fill(
        "Bed alarms on 4 West can no longer be silenced at the bedside."
    )
    manager.get_by_role("button", name="Send to the reporters").click()

    reporter = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(reporter, base, "reporter@cast.test", PASSWORD)
    reporter.get_by_role("link", name="My reports").click()
    shows(reporter, "can no longer be silenced at the bedside")
    # deliberations never reach the reporter
    expect(reporter.locator("body")).not_to_contain_text("The committee agrees")
