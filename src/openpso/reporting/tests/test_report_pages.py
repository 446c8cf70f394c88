"""Filing a report on the web page and reading it as the provider's safety manager."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.reporting.models import EventReport


def _form(cast, **overrides):
    data = {
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(cast.units["p1"].pk),
        "narrative": "Found on floor after attempting to walk to the bathroom unassisted.",
        "harm": "LA21150-0",
        "patient_age_years": "81",
        "patient_sex": "M",
    }
    data.update(overrides)
    return data


def test_the_form_defaults_to_now_and_the_reporters_unit(cast, client_for):
    page = client_for("reporter").get("/reports/new/").content.decode()
    assert f'<option value="{cast.units["p1"].pk}" selected>' in page
    assert timezone.localtime().strftime("%Y-%m-%dT") in page


def test_a_reporter_files_on_the_page_and_the_manager_reads_it(cast, client_for):
    response = client_for("reporter").post("/reports/new/", _form(cast))
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    manager = client_for("safety_manager")
    assert report.short_id in manager.get("/reports/").content.decode()
    detail = manager.get(f"/reports/{report.pk}/").content.decode()
    assert "Found on floor after attempting" in detail
    assert "Confidential — Patient Safety Work Product" in detail
    assert AuditEvent.objects.filter(action="report.viewed", object_id=str(report.pk), purpose="pses.review").exists()


def test_form_errors_name_each_field_and_keep_what_was_typed(cast, client_for):
    before = EventReport.objects.count()
    response = client_for("reporter").post("/reports/new/", _form(cast, harm="", categories=[]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The report was not saved" in page
    assert "an incident needs a harm level" in page
    assert "choose at least one category" in page
    assert "Found on floor after attempting" in page  # nothing typed is lost
    assert EventReport.objects.count() == before


def test_a_refused_filing_shows_the_page_again_with_every_modules_questions(cast, client_for):
    # Filing builds only the posted categories' modules; the page shown again must not.
    client = client_for("reporter")
    on_get = [m.key for m, _ in client.get("/reports/new/").context["form"].module_sections]
    response = client.post("/reports/new/", _form(cast, harm=""))
    assert response.status_code == 200
    assert "an incident needs a harm level" in response.content.decode()
    assert [m.key for m, _ in response.context["form"].module_sections] == on_get
    assert len(on_get) > 1


def test_an_anonymous_report_on_the_page_gives_the_anonymous_pages_receipt(cast, client_for):
    response = client_for("reporter").post("/reports/new/", _form(cast, anonymous="on"))
    assert response.status_code == 200
    assert 'id="receipt-code"' in response.content.decode()
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    assert report.reporter is None
    assert report.receipt is not None


def test_a_person_reporting_for_two_providers_chooses_one(cast, client_for):
    from openpso.organizations.models import Membership

    Membership.objects.create(user=cast.users["reporter"], organization=cast.orgs["p1b"], role="reporter")
    page = client_for("reporter").get("/reports/new/").content.decode()
    assert "Where did it happen?" in page
    assert cast.orgs["p1b"].slug in page


def test_module_questions_are_on_the_page_and_their_answers_are_kept(cast, client_for):
    client = client_for("reporter")
    page = client.get("/reports/new/").content.decode()
    assert 'name="m__Medication__DE270"' in page
    assert 'data-module-triggers="A54"' in page
    data = _form(cast, event_type="A6", harm="", categories=["A54"])
    data.update(
        {"m__Medication__DE270": "A1197", "m__Medication__DE273": "A1218", "m__Fall__assisted": "UNK"}
    )  # a Fall answer without the Fall category is dropped
    response = client.post("/reports/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    assert report.answers == {"Medication/DE270": "A1197", "Medication/DE273": "A1218"}
    assert report.modules == ["cfer-h-1.2/medication"]


def test_a_contradictory_module_answer_is_shown_on_its_question(cast, client_for):
    data = _form(cast, event_type="A6", harm="", categories=["A54"])
    data.update({"m__Medication__DE270": "A1200", "m__Medication__DE273": "A1218"})
    response = client_for("reporter").post("/reports/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="field-m__Medication__DE273"' in page
    assert re.search(r"id=\"id_m__Medication__DE273_errors\"><li>[^<]*does not apply", page)
