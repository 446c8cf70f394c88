"""In the browser: the safety manager opens the review from the report, selects a missed name
in the narrative, marks it, undoes a false span and approves; the page passes axe. Then they
submit the event, and the PSO pools exactly the scrubbed text they approved (issue 14 item 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.nonid.models import NarrativeReview, ScrubCorrection
from openpso.nonid.pipeline import nonidentify
from openpso.nonid.tests.helpers import make_report, make_review
from openpso.submissions.models import Submission
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELECT = """(words) => {
  const piece = [...document.querySelectorAll('#deid-narrative .seg')].find(s => s.textContent.includes(words));
  const node = piece.firstChild;
  const at = node.data.indexOf(words);
  const range = document.createRange();
  range.setStart(node, Math.max(at - 1, 0));  // a stray space, as a mouse selection often has
  range.setEnd(node, at + words.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


@pytest.fixture
def desk(chromium):
    # bypass_csp only so that the axe script can be injected; the pages are the real ones.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context
    context.close()


def test_the_manager_selects_a_missed_name_marks_it_undoes_a_span_and_approves(live_server, cast, desk):
    report = make_report(cast)
    made = make_review(report)
    page = desk.new_page()
    sign_in(page, live_server.url, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_role("link", name="Review de-identification").click()
    expect(page.get_by_role("heading", name=f"De-identification of report {report.short_id}")).to_be_visible()
    assert page.locator("mark.deid-date .deid-label").inner_text().endswith("DATE")
    assert axe_violations(page) == []

    page.evaluate(SELECT, "Jane Roe")
    page.wait_for_function("document.getElementById('id_start').value !== ''")
    assert page.locator("#id_text").input_value() == "Jane Roe"
    assert page.locator("#deid-where").is_hidden()
    page.get_by_label("Type").select_option("STAFF")
    page.get_by_role("button", name="Mark as identifier").click()
    assert page.locator("#deid-scrubbed").inner_text().endswith("helped up by [STAFF].")
    correction = ScrubCorrection.objects.get()
    assert (correction.start, correction.end, correction.span_type) == (81, 89, "STAFF")

    page.get_by_role("button", name="Undo ROOM").click()
    assert "in room 12." in page.locator("#deid-scrubbed").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Approve the scrubbed text").click()
    expect(page.locator("#review-state").get_by_text("Approved", exact=True)).to_be_visible()
    assert NarrativeReview.objects.get(pk=made.pk).state == "approved"
    expect(page.locator("#deid-pooled")).to_contain_text("Pooled as approved here.")
    assert axe_violations(page) == []

    approved = page.locator("#deid-scrubbed").inner_text()
    page.get_by_role("link", name="Submit to PSO").click()
    page.get_by_label(f"Submit report {report.short_id}").check()
    page.get_by_role("button", name="Submit the chosen reports").click()
    expect(page.locator("#results-title")).to_be_visible()
    expect(page.get_by_text("Sent to the PSO", exact=True)).to_be_visible()
    pooled, _ = nonidentify(Submission.objects.get(event_id=report.pk, current=True))
    assert pooled.narrative == approved


def test_the_review_page_with_a_form_error_passes_axe_on_a_phone(live_server, cast, chromium):
    report = make_report(cast)
    make_review(report)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server.url, "safety_manager@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/pses/reports/{report.pk}/deid/")
    page.get_by_label("Text to redact").fill("Nobody")
    page.get_by_role("button", name="Mark as identifier").click()
    expect(page.get_by_role("alert").get_by_text("does not occur in the narrative")).to_be_visible()
    assert axe_violations(page) == []
    context.close()
