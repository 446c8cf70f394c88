"""In phone-sized browsers: the analyst publishes an alert to the members, two members acknowledge
it, and the analyst sees who has not; the pages pass an axe-core scan."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from openpso.feedback.tests.fixtures import ALL_PRODUCTS, give_products
from openpso.organizations.models import MemberAgreement, Organization, OrgKind
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "bypass_csp": True}  # bypass only to inject axe


def a_third_member(cast):
    home = Organization.objects.create(
        slug="t-nh",
        name="Cast Meadow Nursing Home",
        kind=OrgKind.PROVIDER,
        provider_type="nursing_home",
        network=cast.orgs["pso1"],
    )
    MemberAgreement.objects.create(
        pso=cast.orgs["pso1"], provider=home, effective_from=dt.date(2020, 1, 1), feedback_products=ALL_PRODUCTS
    )


def acknowledge_as(chromium, base, email, *, applies):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, email, PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("link", name="Safety alerts").click()
    page.get_by_role("link", name="SA-").first.click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged on")).to_be_visible()
    if applies:
        page.get_by_label("Applies to us").check()
        page.get_by_label("In progress").check()
        page.get_by_label("What you do").fill("Night toileting rounds on two units.")
        page.get_by_role("button", name="Save the response").click()
        expect(page.get_by_text("Response recorded.")).to_be_visible()
        assert axe_violations(page) == []
    context.close()


def test_an_alert_goes_out_two_members_acknowledge_and_the_pso_sees_who_has_not(live_server, cast, chromium):
    give_products(cast)
    a_third_member(cast)
    analyst = chromium.new_context(**PHONE).new_page()
    sign_in(analyst, live_server.url, "pso_analyst@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    analyst.get_by_role("link", name="Safety alerts").click()
    analyst.get_by_role("link", name="Write a safety alert").click()
    analyst.get_by_label("Title").fill("Falls while toileting at night")
    analyst.get_by_label("High: act now").check()
    analyst.get_by_label("Fall", exact=True).check()
    analyst.get_by_label("Hazard").fill("Residents walking to the toilet alone at night fall.")
    analyst.get_by_label("Evidence from the pool").fill("Falls at nursing homes across the pool rose for six months.")
    analyst.get_by_label("Recommended actions").fill("Offer scheduled toileting rounds at night.")
    assert axe_violations(analyst) == []
    analyst.get_by_role("button", name="Save draft").click()
    expect(analyst.get_by_text("Cast Sister Hospital CANARY-ORG-p1b")).to_be_visible()  # no alerts in its agreement
    analyst.get_by_role("button", name="Publish").click()
    expect(analyst.get_by_text("Published to 3 members.")).to_be_visible()
    url = analyst.url

    acknowledge_as(chromium, live_server.url, "safety_manager@cast.test", applies=True)
    acknowledge_as(chromium, live_server.url, "manager_p2@cast.test", applies=False)

    analyst.goto(url)
    assert analyst.locator('dd[data-count="acknowledged"]').inner_text() == "2"
    assert analyst.locator('dd[data-count="not_acknowledged"]').inner_text() == "1"
    analyst.get_by_text("Filter").click()
    analyst.get_by_label("Acknowledged").select_option("no")
    analyst.get_by_role("button", name="Show").click()
    rows = analyst.locator("#targets tbody tr")
    expect(rows).to_have_count(1)  # waits for the filtered page; count() would read the old one
    assert "Cast Meadow Nursing Home" in rows.first.inner_text()
    assert "Not acknowledged" in rows.first.inner_text()
    assert axe_violations(analyst) == []
