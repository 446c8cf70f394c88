"""In a phone-sized browser: the register's overview says each flag's level in words, and the
overview and a refused form pass an axe-core scan."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.compliance.demo import seed_compliance
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_and_a_refused_form_have_no_serious_violations(live_server, cast, chromium):
    seed_compliance(cast.orgs["pso1"])
    # bypass_csp only so that the axe script can be injected; the pages are the real ones.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server.url, "pso_admin@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("link", name="Compliance").click()
    expect(page.get_by_role("heading", name="Compliance register: Cast PSO One")).to_be_visible()
    assert page.locator(".flag .level").all_inner_texts() == [
        "Due soon",  # listing
        "In order",  # contracts
        "Due soon",  # disclosures
        "In order",  # security assessment
        "In order",  # business associate agreements
        "Due soon",  # training
        "In order",  # policies
        "In order",  # delisting
    ]
    assert axe_violations(page) == []
    page.get_by_role("link", name="Record a security risk assessment").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []
    context.close()
