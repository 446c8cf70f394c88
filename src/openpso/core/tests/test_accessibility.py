"""axe-core finds no serious or critical accessibility violation on the main pages."""

from __future__ import annotations

import pytest

from openpso.testing.accessibility import axe_violations
from openpso.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(chromium, base, email, *, phone=True):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = chromium.new_context(viewport=size, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return context, page


def test_the_sign_in_page_has_no_serious_violations(live_server, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("path", ["/", "/reports/new/", "/reports/"])
def test_reporter_pages_have_no_serious_violations(live_server, cast, chromium, path):
    context, page = _signed_in_page(chromium, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}{path}")
    assert axe_violations(page) == [], path
    context.close()


def test_the_report_form_with_errors_has_no_serious_violations(live_server, cast, chromium):
    context, page = _signed_in_page(chromium, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_role("button", name="Send report").click()
    assert axe_violations(page) == []
    context.close()


def test_the_report_detail_page_has_no_serious_violations(live_server, cast, chromium):
    context, page = _signed_in_page(chromium, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/{cast.reports['r1'].pk}/")
    assert axe_violations(page) == []
    context.close()


def test_the_scanner_does_report_a_page_with_violations(chromium):
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<html lang="en"><title>x</title><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= found
    context.close()


@pytest.mark.parametrize(
    "category", ["Medication or Other Substance", "Fall", "Surgery or Anesthesia (includes invasive procedure)"]
)
def test_the_report_form_with_a_module_open_has_no_serious_violations(live_server, cast, chromium, category):
    context, page = _signed_in_page(chromium, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Incident", exact=True).check()
    page.get_by_label(category, exact=True).check()
    assert page.locator("section.module:visible").count() == 1
    assert axe_violations(page) == []
    context.close()
