"""The report form on a phone: categories follow the event type, every target is at least
24×24 px, the drug-name search suggests names, and the page passes the axe-core scan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from openpso.reporting.models import EventReport
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum)

# Every control a finger may aim at, as laid out now (hidden ones have no box).
_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, label.choice'
  )).filter(el => el.checkVisibility()).map(el => {
    const box = el.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), width: box.width, height: box.height, right: box.right};
  }).filter(t => t.right > 0)"""  # the skip link waits off-screen until it has focus


def _small_targets(page) -> list[dict[str, object]]:
    targets = page.evaluate(_TARGETS)
    assert len(targets) >= 3  # the page was measured, not an empty one
    return [t for t in targets if t["width"] < MIN_TARGET_PX or t["height"] < MIN_TARGET_PX]


def _reporter_on_the_form(live_server, context):
    page = context.new_page()
    sign_in(page, live_server.url, "reporter@cast.test", PASSWORD)
    page.goto(f"{live_server.url}/reports/new/")
    return page


def test_categories_not_collected_for_the_chosen_type_are_not_offered(live_server, cast, phone):
    page = _reporter_on_the_form(live_server, phone)
    fall = page.get_by_label("Fall", exact=True)
    page.get_by_label("Incident", exact=True).check()
    fall.check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("Near Miss", exact=True).check()
    # Fall is collected for incidents only: unticked, hidden, and the page says so.
    expect(fall).to_be_hidden()
    assert not fall.is_checked()
    note = page.locator("#category-note")
    expect(note).to_contain_text("Not offered for a near miss")
    expect(note).to_contain_text("Unticked for you: Fall.")
    assert page.get_by_label("Medication or Other Substance", exact=True).is_checked()
    expect(page.get_by_label("Surgery or Anesthesia (includes invasive procedure)", exact=True)).to_be_visible()
    # An unsafe condition takes neither Fall nor Surgery; harm is asked for incidents only.
    page.get_by_label("Unsafe Condition", exact=True).check()
    expect(page.get_by_label("Surgery or Anesthesia (includes invasive procedure)", exact=True)).to_be_hidden()
    expect(page.get_by_role("group", name="Harm to the patient (incidents only)")).to_be_hidden()
    page.get_by_label("Incident", exact=True).check()
    expect(fall).to_be_visible()
    expect(note).to_have_text("")
    page.get_by_label("What happened?", exact=True).fill("Wrong strength vial sent from pharmacy.")
    page.get_by_label("Mild harm", exact=True).check()
    page.get_by_role("button", name="Send report").click()
    assert "was received" in page.locator(".message").inner_text()
    assert EventReport.objects.order_by("-reported_at")[0].categories == ["A54"]


def test_every_target_on_the_form_is_at_least_24_px_on_a_phone(live_server, cast, phone):
    page = _reporter_on_the_form(live_server, phone)
    page.get_by_label("Incident", exact=True).check()
    categories = page.get_by_role("group", name="What kind of event?")
    for category in ("Fall", "Medication or Other Substance", "Other (please say what)"):
        categories.get_by_label(category, exact=True).check()
    page.locator("details.patient-ids summary").click()
    assert _small_targets(page) == []
    page.get_by_role("button", name="Send report").click()  # the error summary's links too
    expect(page.get_by_role("alert")).to_be_visible()
    assert _small_targets(page) == []


def test_every_target_on_the_reporters_other_pages_is_at_least_24_px(live_server, cast, phone):
    page = _reporter_on_the_form(live_server, phone)
    page.get_by_label("Incident", exact=True).check()
    page.get_by_label("Fall", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Slid from the chair to the floor.")
    page.get_by_label("No harm", exact=True).check()
    page.get_by_role("button", name="Send report").click()
    assert _small_targets(page) == [], "the reporter's own report"
    anonymous_form = f"/anonymous/report/{cast.orgs['p1'].slug}/"
    for path in ("/reports/mine/", "/anonymous/", anonymous_form, "/anonymous/follow-up/"):
        page.goto(f"{live_server.url}{path}")
        assert _small_targets(page) == [], path


def test_the_drug_name_search_suggests_and_keeps_the_name(live_server, cast, scanned_phone):
    page = _reporter_on_the_form(live_server, scanned_phone)
    page.get_by_label("Near Miss", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Look-alike heparin vials side by side.")
    name = page.get_by_label("Generic name or investigational drug name", exact=True)
    name.press_sequentially("hepar", delay=30)
    datalist = page.locator("#id_m__Medication__DE318_drugs option")
    expect(datalist.first).to_have_attribute("value", "Heparin")
    assert axe_violations(page) == []
    name.fill("Heparin")
    page.get_by_role("button", name="Send report").click()
    assert "was received" in page.locator(".message").inner_text()
    report = EventReport.objects.order_by("-reported_at")[0]
    assert report.answers["Medication/DE318"] == "Heparin"  # the name; no code (reporting.drugs)


def test_the_form_marks_what_is_needed_and_passes_axe(live_server, cast, scanned_phone):
    page = _reporter_on_the_form(live_server, scanned_phone)
    assert re.search(r"\* needed\.", page.locator("#needed-legend").inner_text())
    page.get_by_label("Incident", exact=True).check()
    page.get_by_label("Fall", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    expect(page.get_by_label("What happened?", exact=True)).to_have_attribute("aria-required", "true")
    later = page.get_by_label("What type of medication/substance was involved?", exact=True)
    expect(later).to_have_accessible_description(re.compile("needed before the report goes to the PSO"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send report").click()
    assert axe_violations(page) == []


def test_the_anonymous_form_has_the_same_drug_search(live_server, cast, phone):
    page = phone.new_page()
    page.goto(f"{live_server.url}/anonymous/report/{cast.orgs['p1'].slug}/")
    page.get_by_label("Near Miss", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("Brand name", exact=True).press_sequentially("lopres", delay=30)
    expect(page.locator("#id_m__Medication__DE321_drugs option").first).to_have_attribute("value", "Lopressor")
    assert {c["name"] for c in phone.cookies()} <= {"csrftoken"}  # still identity-free


def test_a_disclosure_shows_its_marker_so_it_reads_as_something_to_open(live_server, cast, phone):
    # The 24 px rule made every <summary> an inline-block, which drops its ▸ marker: "More
    # filters", "Show the answers…", "Your answers…" looked like plain text.
    page = _reporter_on_the_form(live_server, phone)
    page.get_by_label("Incident", exact=True).check()  # patient identifiers are asked for incidents
    summary = page.locator("details.patient-ids summary")
    expect(summary).to_be_visible()
    assert summary.evaluate("el => getComputedStyle(el).display") == "list-item"
    assert summary.bounding_box()["height"] >= MIN_TARGET_PX
