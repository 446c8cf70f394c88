"""The safety manager completes a report's missing answers on a phone: the missing list links
to each question, skip logic shows the dependent question, the page passes the axe scan and
fits 390 px, and the report is then ready to submit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.reporting.queries import effective_answers
from openpso.submissions.tests.helpers import file
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum)
_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, label.choice'
  )).filter(el => el.checkVisibility()).map(el => {
    const box = el.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), width: box.width, height: box.height, right: box.right};
  }).filter(t => t.right > 0)"""  # the skip link waits off-screen until it has focus


def test_the_safety_manager_completes_missing_answers_on_a_phone(live_server, cast, scanned_phone):
    report = file(cast.users["reporter"], answers={})
    page = scanned_phone.new_page()
    sign_in(page, live_server.url, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_role("link", name="Complete or correct the answers").click()

    expect(page.get_by_role("heading", name="Not ready to submit: 2 required questions unanswered")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    targets = page.evaluate(_TARGETS)
    assert len(targets) > 5
    assert [t for t in targets if t["width"] < MIN_TARGET_PX or t["height"] < MIN_TARGET_PX] == []

    page.get_by_role("link", name="Was the fall assisted or unassisted?").click()
    assert page.url.endswith("#field-m__Fall__assisted")
    page.get_by_label("Unassisted", exact=True).check()
    injury_type = page.locator("#field-m__Fall__injury_type")
    expect(injury_type).to_be_hidden()  # skip logic: only after "Yes" to an injury
    page.locator("#field-m__Fall__injury").get_by_label("Yes", exact=True).check()
    expect(injury_type).to_be_visible()
    page.get_by_label("Fracture", exact=True).check()
    page.get_by_role("button", name="Save the answers").click()

    expect(page.get_by_text("Ready to submit: every required question is answered.")).to_be_visible()
    expect(page.get_by_text("Changes to the answers")).to_be_visible()
    assert axe_violations(page) == []
    assert effective_answers(report) == {
        "Fall/assisted": "OPSO-FALL-UNASSISTED",
        "Fall/injury": "A15",
        "Fall/injury_type": ["OPSO-FALL-INJ-FRACTURE"],
    }


def test_the_reporter_answers_the_requested_questions_on_a_phone(live_server, cast, scanned_phone):
    from openpso.reporting.answer_actions import request_answers

    report = file(cast.users["reporter"], answers={})
    request_answers(user=cast.users["safety_manager"], report=report, link_ids=["Fall/assisted", "Fall/injury"])
    page = scanned_phone.new_page()
    sign_in(page, live_server.url, "reporter@cast.test", PASSWORD)
    page.goto(f"{live_server.url}/reports/mine/")
    request = page.locator(".answer-request")
    expect(request.get_by_text("Was the fall assisted or unassisted?")).to_be_visible()
    assert axe_violations(page) == []
    request.get_by_label("Assisted", exact=True).check()
    request.locator("#field-m__Fall__injury").get_by_label("No", exact=True).check()
    request.get_by_role("button", name="Send these answers").click()
    expect(page.get_by_text("You answered these questions. Thank you.")).to_be_visible()
    expect(page.get_by_text("Your answers to the form's questions")).to_be_visible()
    assert axe_violations(page) == []
    assert effective_answers(report) == {"Fall/assisted": "OPSO-FALL-ASSISTED", "Fall/injury": "A18"}
