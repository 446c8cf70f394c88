"""The PSWP parts of the report page, external reports and the PSES policy page."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from openpso.pswp import ledger
from openpso.pswp.models import ExternalReport, PsesPolicy, PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.pswp.tests.helpers import file


def test_the_report_page_shows_pses_roles_the_history_and_the_drop_out_form(cast, client_for):
    report = file(cast.users["reporter"])
    page = client_for("pses_committee").get(f"/reports/{report.pk}/").content.decode()
    assert "PSWP status and history" in page
    assert "Drop out of the PSES" in page
    assert "reporter@cast.test" in page  # the entry's actor


def test_the_reporter_sees_no_pswp_panel_on_their_report(cast, client_for):
    report = file(cast.users["reporter"])
    page = client_for("reporter").get(f"/reports/{report.pk}/").content.decode()
    assert "Drop out of the PSES" not in page
    assert "PSWP status and history" not in page


def test_drop_out_on_the_page_records_the_reason(cast, client_for):
    report = file(cast.users["reporter"])
    response = client_for("safety_manager").post(
        f"/pswp/reports/{report.pk}/drop-out/", {"reason": "Needed for the state report"}, follow=True
    )
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.DROPPED_OUT
    assert "no longer PSWP" in response.content.decode()


def test_drop_out_after_reporting_is_refused_on_the_page_with_the_message(cast, client_for):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    response = client_for("safety_manager").post(
        f"/pswp/reports/{report.pk}/drop-out/", {"reason": "Needed for the state report"}, follow=True
    )
    page = response.content.decode()
    assert "Drop-out refused" in page
    assert "42 CFR 3.20" in page
    assert "Drop-out is no longer possible" in page
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.REPORTED


def test_drop_out_without_a_reason_is_refused_on_the_page(cast, client_for):
    report = file(cast.users["reporter"])
    response = client_for("safety_manager").post(f"/pswp/reports/{report.pk}/drop-out/", {"reason": ""}, follow=True)
    assert "needs a reason" in response.content.decode()
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.CANDIDATE


def test_an_external_report_is_made_on_the_providers_page_from_typed_facts_and_is_not_pswp(cast, client_for):
    report = file(cast.users["reporter"])
    client = client_for("safety_manager")
    url = f"/pswp/{cast.orgs['p1'].slug}/external/new/"
    form_page = client.get(url).content.decode()
    # Nothing of any event report is offered: no narrative, no id, no PSES classification.
    assert "SECRET-NARRATIVE" not in form_page
    assert report.short_id not in form_page
    assert "LA21150-0" not in form_page
    assert "State adverse-event report" in form_page
    assert "what happened, as the original record states it" in form_page
    response = client.post(
        url,
        {
            "obligation": "state_adverse_event",
            "obligation_detail": "PA PSRS",
            "due_on": "2030-01-10",
            "source": "Medical record, nursing note 2026-11-03 14:10",
            "agency_category": "Fall with injury",
            "event_description": "Patient found on the floor beside the bed",
            "discovered_at": "2026-11-03T14:05",
            "outcome": "X-ray: no fracture",
            "unit": cast.units["p1"].pk,
        },
    )
    assert response.status_code == 302
    external = ExternalReport.objects.get()
    assert external.pswp_status == PswpStatus.NOT_PSWP
    assert (external.source, external.agency_category, external.unit) == (
        "Medical record, nursing note 2026-11-03 14:10",
        "Fall with injury",
        cast.units["p1"],
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM pswp_externalreport")
        stored = repr(cursor.fetchall())
    assert "SECRET-NARRATIVE" not in stored
    assert "nursing note" not in stored
    [entry] = ledger.history(external)
    assert (entry.from_status, entry.to_status) == ("", PswpStatus.NOT_PSWP)
    listing = client.get(response["Location"]).content.decode()
    assert "PA PSRS" in listing
    assert "Medical record, nursing note" in listing
    assert "SECRET-NARRATIVE" not in listing
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.CANDIDATE


def test_the_external_report_form_refuses_a_report_without_its_source_or_a_needed_fact(cast, client_for):
    response = client_for("safety_manager").post(
        f"/pswp/{cast.orgs['p1'].slug}/external/new/",
        {"obligation": "fda_medwatch_3500a", "due_on": "2030-01-10", "source": "  ", "event_description": "x"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required" in page  # the source
    assert not ExternalReport.objects.exists()
    response = client_for("safety_manager").post(
        f"/pswp/{cast.orgs['p1'].slug}/external/new/",
        {"obligation": "fda_medwatch_3500a", "due_on": "2030-01-10", "source": "Chart", "event_description": "x"},
    )
    assert "this obligation needs it (patient&#x27;s age in years)" in response.content.decode()
    assert not ExternalReport.objects.exists()


def test_the_report_page_offers_the_drop_out_as_its_own_step_and_links_the_external_form(cast, client_for):
    report = file(cast.users["reporter"])
    page = client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    assert f"/pswp/{cast.orgs['p1'].slug}/external/new/" in page
    assert "drop it out of the PSES first" in page


def test_the_policy_page_records_and_shows_the_purposes_outside_the_pses(cast, client_for):
    client = client_for("safety_manager")
    url = f"/pswp/{cast.orgs['p1'].slug}/policy/"
    form = {
        "effective_from": timezone.localdate().isoformat(),
        "what_enters": "Event reports, at filing",
        "who_may_see": "Safety manager",
        "when_reported": "Monthly",
        "non_pses_purposes": "Quality department incident log\n\n  State survey log  ",
    }
    assert client.post(url, form).status_code == 302
    assert PsesPolicy.objects.get().purposes_outside_pses() == ["Quality department incident log", "State survey log"]
    assert "Quality department incident log" in client.get(url).content.decode()


def test_the_safety_manager_adds_policy_versions_and_the_newest_in_effect_is_current(cast, client_for):
    client = client_for("safety_manager")
    url = f"/pswp/{cast.orgs['p1'].slug}/policy/"
    today = timezone.localdate()
    for n in (1, 2):
        form = {
            "effective_from": today.isoformat(),
            "what_enters": f"All event reports, at filing (v{n})",
            "who_may_see": "Safety manager and PSES committee",
            "when_reported": "Monthly to the PSO",
        }
        assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "Current policy: version 2" in page
    assert "All event reports, at filing (v2)" in page
    assert list(PsesPolicy.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_the_committee_reads_the_policy_but_cannot_add_a_version(cast, client_for):
    client = client_for("pses_committee")
    url = f"/pswp/{cast.orgs['p1'].slug}/policy/"
    assert "Add a new version" not in client.get(url).content.decode()
    response = client.post(
        url, {"effective_from": "2030-01-01", "what_enters": "x", "who_may_see": "x", "when_reported": "x"}
    )
    assert response.status_code == 404
    assert not PsesPolicy.objects.exists()


def test_ledger_entries_have_no_pswp_content_in_the_audit_detail(cast):
    from openpso.audit.models import AuditEvent

    report = file(cast.users["reporter"])
    ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="SECRET-REASON")
    event = AuditEvent.objects.filter(action=ledger.AUDIT_ACTION, object_id=str(report.pk)).order_by("-seq").first()
    assert event is not None
    assert event.detail == {"from": "candidate", "to": "dropped_out"}
    assert PswpTransition.objects.filter(object_id=str(report.pk)).count() == 2
