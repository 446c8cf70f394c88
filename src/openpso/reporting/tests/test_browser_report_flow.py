"""A reporter files a report on a phone; the safety manager signs in with TOTP and reads it."""

from __future__ import annotations

import re

import pytest

from openpso.testing.browser import shows, sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base: str, email: str) -> None:
    sign_in(page, base, email, PASSWORD)


def test_a_report_filed_on_a_phone_reaches_the_safety_manager(live_server, cast, phone, chromium):
    base = live_server.url
    reporter = phone.new_page()
    _sign_in(reporter, base, "reporter@cast.test")
    reporter.get_by_role("link", name="Report an event").first.click()
    reporter.get_by_label("Incident", exact=True).check()
    reporter.get_by_label("Fall", exact=True).check()
    reporter.get_by_label("What happened?", exact=True).fill(
        "Patient slid from the chair to the floor while standing up."
    )
    reporter.get_by_label("Mild harm", exact=True).check()
    reporter.get_by_role("button", name="Send report").click()
    message = reporter.locator(".message").inner_text()
    short_id = re.search(r"Report ([0-9A-F]{8}) was received", message).group(1)

    manager_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    manager = manager_context.new_page()
    sign_in(manager, base, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    manager.goto(f"{base}/reports/")
    manager.get_by_role("link", name=short_id).click()
    assert "Patient slid from the chair" in manager.locator(".narrative").inner_text()
    shows(manager, "Confidential — Patient Safety Work Product")
    manager_context.close()


def test_a_bad_report_names_the_field_on_the_page(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Incident", exact=True).check()
    page.get_by_role("button", name="Send report").click()
    summary = page.get_by_role("alert").inner_text()
    assert "The report was not saved" in summary
    assert "choose at least one category" in summary
    assert "an incident needs a harm level" in summary
