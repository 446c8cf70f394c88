"""The audit log on a phone and on a desktop: the auditor filters the trail to one report, sees it
fit the page (no sideways scrolling of the page itself), verifies the chain and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.submissions.tests.fixtures import cast_questions
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _page_overflows(page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_the_auditor_filters_to_a_report_verifies_the_chain_and_the_page_fits(live_server, cast, chromium, size):
    submission = cast_questions(cast)["r1"].submission
    context = chromium.new_context(viewport=VIEWPORTS[size], bypass_csp=True)  # bypass only to inject axe
    page = context.new_page()
    sign_in(page, live_server.url, "auditor@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    assert not _page_overflows(page)
    assert axe_violations(page) == []

    page.get_by_text("Search and filter").click()
    page.get_by_label("Object id").fill(submission.short_id)
    page.get_by_role("button", name="Show").click()
    table = page.get_by_role("region", name="Audit events")
    expect(table.get_by_text("submission.received")).to_be_visible()
    expect(table.get_by_text(str(submission.pk)).first).to_be_visible()  # the full id, not cut short
    assert not _page_overflows(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Verify the chain").click()
    expect(page.get_by_role("status").get_by_text("Audit chain intact")).to_be_visible()
    assert not _page_overflows(page)
    context.close()


def test_the_reidentification_page_and_its_refusal_pass_axe_on_a_phone(live_server, cast, chromium):
    context = chromium.new_context(viewport=VIEWPORTS["phone"], bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server.url, "pso_admin@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/pso/reidentify/")
    assert axe_violations(page) == []
    page.get_by_label("Provider pseudonym").fill("P-AAAAAAAAAAAA")
    page.get_by_role("button", name="Re-identify").click()
    expect(page.get_by_role("alert").get_by_text("Reason for re-identifying")).to_be_visible()
    assert not _page_overflows(page)
    assert axe_violations(page) == []
    context.close()
