"""Nothing typed is lost: a refresh restores the draft, and so does a lost connection."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from openpso.reporting.models import ReportDraft
from openpso.reporting.tests.test_browser_report_flow import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refresh_brings_back_what_was_typed(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Fall", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Found sitting on the floor next to the commode")
    expect(page.locator("#draft-status")).to_have_text(re.compile("^Draft saved at"))
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).exists()
    page.reload()
    assert (
        page.get_by_label("What happened?", exact=True).input_value()
        == "Found sitting on the floor next to the commode"
    )
    assert page.get_by_label("Fall", exact=True).is_checked()


def test_with_no_connection_the_draft_stays_on_the_device(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.route("**/draft/", lambda route: route.abort())  # the network drops
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("What happened?", exact=True).fill("Insulin pen without a patient label in the fridge")
    expect(page.locator("#draft-status")).to_have_text(re.compile("^No connection"))
    assert not ReportDraft.objects.exists()
    page.reload()
    assert (
        page.get_by_label("What happened?", exact=True).input_value()
        == "Insulin pen without a patient label in the fridge"
    )


def test_after_sending_the_local_copy_is_forgotten(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Near Miss", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Two look-alike vials stored side by side")
    page.get_by_role("button", name="Send report").click()
    assert "was received" in page.locator(".message").inner_text()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('openpso-draft:'))") == []
    page.goto(f"{live_server.url}/reports/new/")
    assert page.get_by_label("What happened?", exact=True).input_value() == ""
