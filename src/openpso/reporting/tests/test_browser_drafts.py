"""Nothing typed is lost, and nothing typed is kept in the browser: the draft is saved on the
server (encrypted, under the reporter) as they type and comes back on a refresh; with no
connection the page says so and saves once the connection is back; sign-out clears the site's
storage (docs/security.md, ASVS 14.3.1 and 14.3.3)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from openpso.reporting.models import EventReport, ReportDraft
from openpso.reporting.tests.test_browser_report_flow import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refresh_brings_back_what_was_typed(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Fall", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Found sitting on the floor next to the commode")
    expect(page.locator("#draft-status")).to_have_text(re.compile("^Draft saved at"))
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).exists()
    page.reload()
    assert (
        page.get_by_label("What happened?", exact=True).input_value()
        == "Found sitting on the floor next to the commode"
    )
    assert page.get_by_label("Fall", exact=True).is_checked()


def test_with_no_connection_the_page_says_it_is_not_saved_and_saves_once_the_connection_is_back(
    live_server, cast, phone
):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.route("**/draft/", lambda route: route.abort())  # the network drops
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("What happened?", exact=True).fill("Insulin pen without a patient label in the fridge")
    expect(page.locator("#draft-status")).to_have_text(re.compile("^No connection: your latest answers are not saved"))
    assert not ReportDraft.objects.exists()
    assert "Insulin pen" not in _browser_storage(page)
    page.unroute("**/draft/")  # the network is back: the page tries again by itself
    expect(page.locator("#draft-status")).to_have_text(re.compile("^Draft saved at"), timeout=15_000)
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).exists()
    page.reload()
    assert (
        page.get_by_label("What happened?", exact=True).input_value()
        == "Insulin pen without a patient label in the fridge"
    )


def test_nothing_typed_is_kept_in_browser_storage_and_an_old_local_copy_is_removed(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    # What an earlier version of the page left behind on this computer.
    page.evaluate("localStorage.setItem('openpso-draft:old', JSON.stringify({narrative: ['CANARY-OLD-COPY']}))")
    page.reload()
    page.get_by_label("Incident", exact=True).check()
    page.get_by_label("Fall", exact=True).check()
    page.locator("details.patient-ids summary").click()
    page.locator("details.patient-ids input").first.fill("CANARY-PATIENT-NAME")
    page.get_by_label("What happened?", exact=True).fill("CANARY-NARRATIVE found on the floor")
    expect(page.locator("#draft-status")).to_have_text(re.compile("^Draft saved at"))
    page.get_by_role("link", name="Report an event").first.click()  # and back: the server restores it
    assert page.get_by_label("What happened?", exact=True).input_value() == "CANARY-NARRATIVE found on the floor"
    stored = _browser_storage(page)
    for canary in ("CANARY-NARRATIVE", "CANARY-PATIENT-NAME", "CANARY-OLD-COPY"):
        assert canary not in stored, stored
    assert page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)") == []


def test_signing_out_sends_clear_site_data_and_the_browser_drops_the_sites_storage(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    # Anything a page or a browser extension might have stored for this site.
    page.evaluate("localStorage.setItem('left-behind', 'CANARY'); sessionStorage.setItem('left-behind', 'CANARY')")
    with page.expect_response(lambda r: r.url.endswith("/accounts/logout/") and r.request.method == "POST") as out:
        page.get_by_role("button", name="Sign out").click()
    assert out.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    page.wait_for_load_state()
    assert "CANARY" not in _browser_storage(page)


def _browser_storage(page) -> str:
    """Everything in this origin's localStorage and sessionStorage, as one string."""
    return page.evaluate("JSON.stringify({local: {...localStorage}, session: {...sessionStorage}})")


def test_after_sending_the_draft_is_gone(live_server, cast, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Near Miss", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Two look-alike vials stored side by side")
    page.get_by_role("button", name="Send report").click()
    assert "was received" in page.locator(".message").inner_text()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('openpso-draft:'))") == []
    page.goto(f"{live_server.url}/reports/new/")
    assert page.get_by_label("What happened?", exact=True).input_value() == ""


def test_ticking_report_anonymously_stops_saving_removes_the_draft_and_files_as_the_anonymous_page(
    live_server, cast, phone
):
    """Issue 13 item 2: once the box is ticked nothing is kept under the name, here or on the server."""
    page = phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.goto(f"{live_server.url}/reports/new/")
    suggested = page.locator("input[name='discovered_at_suggested']").input_value()
    page.get_by_label("Near Miss", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Typed before the box")
    expect(page.locator("#draft-status")).to_have_text(re.compile("^Draft saved at"))
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).exists()
    posted: list[str] = []
    page.on(
        "request", lambda r: posted.append(r.post_data or "") if r.method == "POST" and "/draft/" in r.url else None
    )

    page.get_by_label("Report anonymously", exact=True).check()
    expect(page.locator("#draft-status")).to_have_text(re.compile("^Anonymous: nothing is saved"))
    assert not ReportDraft.objects.exists()
    assert page.locator("input[name='discovered_at']").input_value() == suggested[:14] + "00"
    expect(page.locator("#field-reporter_role")).to_be_hidden()
    assert {page.locator(f"#{el}").get_attribute("hx-get") for el in _drug_inputs(page)} == {"/anonymous/drugs/"}
    page.get_by_label("What happened?", exact=True).fill("Typed after the box CANARY-AFTER")
    page.wait_for_timeout(2500)  # three autosave delays
    assert len(posted) == 1, posted  # the one that dropped the draft
    assert "Typed" not in posted[0]  # it carried no answer
    assert not ReportDraft.objects.exists()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('openpso-draft:'))") == []

    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    assert report.anonymous
    assert report.reporter is None
    assert report.narrative == "Typed after the box CANARY-AFTER"
    assert (report.discovered_at.minute, report.reported_at.minute) == (0, 0)
    assert not ReportDraft.objects.exists()


def _drug_inputs(page) -> list[str]:
    ids = page.evaluate("Array.from(document.querySelectorAll('#report-form [hx-get]')).map(e => e.id)")
    assert ids, "the form has no drug search"
    return ids
