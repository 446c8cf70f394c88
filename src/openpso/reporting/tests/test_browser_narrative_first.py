"""Narrative-first reporting on a phone (issue 18 item 3): the reporter writes "What happened?" first,
the suggested event type, category and harm are ticked and marked as suggestions, and a fall with
minor injury and a medication near miss are filed in at most 5 interactions each, axe clean.

Counted with the interaction harness as the other interaction tests count (openpso.testing.interactions):
typing the narrative is one, each tap or choice one, "Send report" one; accepting a suggestion costs
nothing (it is already ticked), changing one is a tap. The figures are printed (`pytest -s`) and
recorded in docs/suggest.md.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openpso.reporting.models import EventReport, SuggestionOutcome
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD
from openpso.testing.interactions import Interactions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET_INTERACTIONS = 5
MARK = "Suggested from your description"
FALL = (
    "Found on the floor beside the bed at 02:00, says she slid while getting up "
    "to the toilet. Skin tear on left forearm, dressed."
)
MEDICATION_NEAR_MISS = (
    "Pharmacy sent hydromorphone 10 mg/mL instead of 1 mg/mL. Caught at the bedside scan before any dose was drawn up."
)


def _reporter_on_the_form(live_server, context):
    page = context.new_page()
    sign_in(page, live_server.url, "reporter@cast.test", PASSWORD)
    page.goto(f"{live_server.url}/reports/new/")
    return page


def _suggested(page, label: str) -> None:
    """Ticked, and marked as a suggestion in words that a screen reader reads with the answer."""
    answer = page.get_by_label(label, exact=True)
    expect(answer).to_be_checked()
    expect(answer).to_have_accessible_description(MARK)
    expect(page.locator(f"#suggested-{answer.get_attribute('id')}")).to_have_text(MARK)  # seen beside it


def _finish(work: Interactions, name: str) -> EventReport:
    work.send_report(f"{name} (written first)")
    assert work.count <= TARGET_INTERACTIONS
    return EventReport.objects.order_by("-reported_at")[0]


def _outcomes(report: EventReport) -> dict[str, tuple[str, str, bool]]:
    return {o.field: (o.suggested, o.final, o.accepted) for o in SuggestionOutcome.objects.filter(report=report)}


def test_a_fall_with_minor_injury_written_first_in_five_interactions(live_server, cast, scanned_phone):
    page = _reporter_on_the_form(live_server, scanned_phone)
    work = Interactions(page)
    work.type("What happened?", FALL)
    expect(page.locator("#suggestions")).to_contain_text(f"{MARK}: Incident; Fall; Mild harm.")
    for label in ("Incident", "Fall", "Mild harm"):
        _suggested(page, label)
    assert axe_violations(page) == []
    work.choose("Unassisted", question="Was the fall assisted or unassisted?")
    work.choose("Yes", question="Did the patient have an injury from the fall?")
    work.choose("Skin tear, abrasion, laceration or bruise", question="What injury?")
    report = _finish(work, "Fall with minor injury")
    assert (report.event_type, report.categories, report.harm) == ("A3", ["A48"], "LA21150-0")
    assert report.answers["Fall/injury"] == "A15"
    assert _outcomes(report) == {
        "event_type": ("A3", "A3", True),
        "categories": ("A48", "A48", True),
        "harm": ("LA21150-0", "LA21150-0", True),
    }
    assert axe_violations(page) == []


def test_a_medication_near_miss_written_first_in_five_interactions(live_server, cast, scanned_phone):
    page = _reporter_on_the_form(live_server, scanned_phone)
    work = Interactions(page)
    work.type("What happened?", MEDICATION_NEAR_MISS)
    expect(page.locator("#suggestions")).to_contain_text(f"{MARK}: Near Miss; Medication or Other Substance.")
    for label in ("Near Miss", "Medication or Other Substance"):
        _suggested(page, label)
    expect(page.get_by_role("group", name="Harm to the patient (incidents only)")).to_be_hidden()
    assert axe_violations(page) == []
    work.select("What type of medication/substance was involved?", "Medications")
    work.choose(
        "Incorrect action (process failure or error) (e.g., such as administering overdose or incorrect medication)"
    )
    work.select("What was the incorrect action?", "Incorrect strength or concentration")
    report = _finish(work, "Medication near miss")
    assert (report.event_type, report.categories, report.harm) == ("A6", ["A54"], "")
    assert report.answers["Medication/DE291"] == "A1293"  # the stage (DE315) is left to the safety team: needed later
    assert _outcomes(report) == {"event_type": ("A6", "A6", True), "categories": ("A54", "A54", True)}


def test_a_suggestion_never_changes_an_answer_the_reporter_chose(live_server, cast, phone):
    page = _reporter_on_the_form(live_server, phone)
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill(FALL)
    expect(page.locator("#suggestions")).to_contain_text(MARK)
    _suggested(page, "Incident")  # not chosen yet: suggested
    expect(page.get_by_label("Medication or Other Substance", exact=True)).to_be_checked()
    expect(page.get_by_label("Fall", exact=True)).not_to_be_checked()
    # Changing a suggested answer is one tap, and the mark goes with it.
    page.get_by_label("Near Miss", exact=True).check()
    expect(page.get_by_label("Near Miss", exact=True)).not_to_have_accessible_description(MARK)
    expect(page.get_by_label("Incident", exact=True)).not_to_be_checked()
    # Writing on does not take the reporter's answer back.
    page.get_by_label("What happened?", exact=True).fill(FALL + " Bed alarm was off.")
    page.wait_for_timeout(1500)
    expect(page.get_by_label("Near Miss", exact=True)).to_be_checked()
    expect(page.locator(".suggested")).to_have_count(0)  # nothing else ticked: the type was theirs, categories too


def test_nothing_is_sent_for_suggestions_once_report_anonymously_is_ticked(live_server, cast, phone):
    page = _reporter_on_the_form(live_server, phone)
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/suggest/" in request.url else None)
    page.get_by_label("Report anonymously", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill(FALL)
    page.wait_for_timeout(1500)
    assert sent == []
    expect(page.get_by_label("Incident", exact=True)).not_to_be_checked()
