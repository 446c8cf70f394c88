"""In a phone-sized browser: the PSO analyst opens the pool's dashboard, sees its SPC and funnel
charts as named images, downloads a panel's CSV, follows a signal to its events, and both pages
pass an axe-core scan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pso_analyst_reads_the_pool_downloads_a_csv_and_drills_into_a_signal(
    live_server,
    cast_lake,  # noqa: F811
    chromium,
):
    # bypass_csp only so that the axe script can be injected; the pages are the real ones.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # the first visit builds the dashboard
    sign_in(page, live_server.url, "pso_analyst@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("link", name="Analytics").click()
    page.get_by_role("link", name="The pool: Cast PSO One").click()
    expect(page.get_by_role("heading", name="The pool: Cast PSO One", level=1)).to_be_visible()
    spc = page.get_by_role("img", name=re.compile(r"^All events per 1,000 units of volume"))
    funnel = page.get_by_role("img", name=re.compile(r"^Falls per 1,000 patient-days"))
    expect(spc).to_be_visible()
    expect(funnel).to_be_visible()
    assert spc.bounding_box()["width"] <= 390  # the chart scales down to the phone
    assert axe_violations(page) == []

    page.get_by_text("Data table: All events per 1,000").first.click()
    expect(page.get_by_role("columnheader", name="rate per 1,000").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download CSV\s*: All events per 1,000")).click()
    assert download.value.suggested_filename == "openpso-pso-t-pso1-rate-2026-10.csv"
    assert Path(download.value.path()).read_text().startswith("month,events,")

    page.get_by_role("link", name=re.compile(r"^Events behind this\s*: Signal")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Rising "), level=1)).to_be_visible()
    expect(page.locator("td.narrative").first).to_be_visible()  # the phone layout stacks each row's cells
    assert page.locator("tbody tr").count() > 0
    assert axe_violations(page) == []
    context.close()
