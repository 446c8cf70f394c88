"""In a phone-sized browser under the real CSP: a safety manager asks for a report, watches its
progress, and the page shows the report by itself once the background task has finished."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.feedback.models import FeedbackReport
from openpso.feedback.reports import actions as reports
from openpso.feedback.tests.fixtures import give_products
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_turns_into_the_report_when_the_task_is_done(live_server, cast, chromium):
    give_products(cast)
    context = chromium.new_context(viewport={"width": 390, "height": 844})  # CSP enforced: htmx needs no inline script
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server.url, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("link", name="Feedback reports").click()
    page.get_by_label("Report").select_option("reporter_digest:t-p1")
    page.get_by_label("Month").fill("2026-09")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_text("Queued")).to_be_visible()
    reports.generate(FeedbackReport.objects.get().pk)  # what the background worker does
    page.get_by_role("link", name="Download the PDF").wait_for(timeout=15_000)
    expect(page.get_by_role("heading", name="What changed because you reported: Cast General Hospital")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()
    scan = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
    sign_in(scan, live_server.url, "reporter@cast.test", PASSWORD)  # the digest is for reporters too
    scan.goto(f"{live_server.url}/feedback/reports/{FeedbackReport.objects.get().pk}/")
    assert axe_violations(scan) == []
