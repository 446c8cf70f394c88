"""How much work a report is on a phone: typical reports in at most 12 interactions, under 2 minutes.

Counts come from driving the real page; the time is a Keystroke-Level-Model estimate at a
human pace (openpso.testing.interactions). The figures are written to the test log and
recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import pytest

from openpso.reporting.models import EventReport
from openpso.reporting.tests.test_browser_report_flow import _sign_in
from openpso.testing.interactions import Interactions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET_INTERACTIONS = 12
TARGET_SECONDS = 120


def _finish(work: Interactions, name: str) -> EventReport:
    work.send_report(name)
    assert work.count <= TARGET_INTERACTIONS
    assert work.estimated_seconds < TARGET_SECONDS
    return EventReport.objects.order_by("-reported_at")[0]


def test_a_fall_with_minor_injury(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    work = Interactions(page)
    work.choose("Incident")
    work.choose("Fall")
    work.type(
        "What happened?",
        "Found on the floor beside the bed at 02:00, says she slid while getting up "
        "to the toilet. Skin tear on left forearm, dressed.",
    )
    work.choose("Mild harm")
    work.choose("Unassisted", question="Was the fall assisted or unassisted?")
    work.choose("Yes", question="Did the patient have an injury from the fall?")
    work.choose("Skin tear, abrasion, laceration or bruise", question="What injury?")
    report = _finish(work, "Fall with minor injury")
    assert (report.event_type, report.categories, report.harm) == ("A3", ["A48"], "LA21150-0")
    assert report.answers["Fall/injury"] == "A15"
    assert report.unit == cast.units["p1"]  # the reporter's unit, by default


def test_a_medication_near_miss(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    work = Interactions(page)
    work.choose("Near Miss")
    work.choose("Medication or Other Substance")
    work.type(
        "What happened?",
        "Pharmacy sent hydromorphone 10 mg/mL instead of 1 mg/mL. Caught at the "
        "bedside scan before any dose was drawn up.",
    )
    work.select("What type of medication/substance was involved?", "Medications")
    work.choose("Prescription or over-the-counter (including herbal supplements)")
    work.choose(
        "Incorrect action (process failure or error) (e.g., such as administering overdose or incorrect medication)"
    )
    work.select("What was the incorrect action?", "Incorrect strength or concentration")
    work.select(
        "At what stage in the process did the event originate, regardless of the stage at which it was discovered?",
        "Dispensing",
    )
    report = _finish(work, "Medication near miss")
    assert (report.event_type, report.categories, report.harm) == ("A6", ["A54"], "")
    assert report.answers["Medication/DE291"] == "A1293"
    assert report.answers["Medication/DE315"] == "A1395"
