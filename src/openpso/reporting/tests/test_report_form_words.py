"""The reporter's form says what is needed, offers only what the rules accept, and speaks in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from openpso.reporting import drug_views
from openpso.reporting.models import EventReport


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


def _form(cast, **overrides):
    data = {
        "event_type": "A6",
        "categories": ["A54"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(cast.units["p1"].pk),
        "narrative": "Two look-alike heparin vials stored side by side; caught before drawing up.",
    }
    data.update(overrides)
    return data


def _box(page: str, code: str) -> str:
    return re.search(rf'<input type="checkbox" name="categories" value="{code}"[^>]*>', page).group(0)


def test_each_category_says_which_event_types_it_is_not_collected_for(cast, client_for):
    page = client_for("reporter").get("/reports/new/").content.decode()
    assert 'data-not-for="A6 A9"' in _box(page, "A48")  # Fall: incidents only
    assert 'data-not-for="A9"' in _box(page, "A63")  # Surgery: also near misses
    assert "data-not-for" not in _box(page, "A54")  # Medication: every type
    assert "Not offered for a near miss, as the Common Formats do not collect them for it: Fall," in page.replace(
        "&quot;", '"'
    )


def test_the_server_refuses_a_conflicting_category_in_words(cast, client_for):
    before = EventReport.objects.count()
    response = client_for("reporter").post("/reports/new/", _form(cast, categories=["A48"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fall [A48] is not collected for a near miss — choose Incident or remove Fall" in page
    assert "AHRQ Common Formats do not collect" not in page
    assert EventReport.objects.count() == before


def test_the_anonymous_form_refuses_it_the_same_way(cast):
    response = Client().post(f"/anonymous/report/{cast.orgs['p1'].slug}/", _form(cast, categories=["A48"]))
    assert "Fall [A48] is not collected for a near miss" in response.content.decode()


def test_what_is_needed_is_marked_and_required(cast, client_for):
    page = client_for("reporter").get("/reports/new/").content.decode()
    assert 'id="needed-legend"' in page
    assert "needed before the report goes to the PSO — your safety team can complete it" in page
    narrative = re.search(r"<textarea[^>]*name=\"narrative\"[^>]*>", page).group(0)
    assert "required" in narrative
    assert 'aria-required="true"' in narrative
    incident = re.search(r'<input type="radio" name="event_type" value="A3"[^>]*>', page).group(0)
    assert "required" in incident
    # Optional things stay optional.
    age = re.search(r"<input[^>]*name=\"patient_age_years\"[^>]*>", page).group(0)
    assert "required" not in age
    # A module question required before submission to the PSO points to the note that says so.
    medication_type = re.search(r"<select[^>]*name=\"m__Medication__DE270\"[^>]*>", page).group(0)
    assert 'aria-describedby="needed-later"' in medication_type
    assert "required" not in medication_type


def test_the_reporter_reads_plain_words_not_form_instructions(cast, client_for):
    page = client_for("reporter").get("/reports/new/").content.decode()
    assert "PLEASE SPECIFY" not in page
    assert "Other (please say what)" in page
    assert "RXCUI" not in page.upper()  # codes a reporter cannot know are left to the safety team


def test_the_drug_name_question_is_a_search_box(cast, client_for):
    page = client_for("reporter").get("/reports/new/").content.decode()
    box = re.search(r"<input[^>]*name=\"m__Medication__DE318\"[^>]*>", page).group(0)
    assert 'list="id_m__Medication__DE318_drugs"' in box
    assert 'hx-get="/reports/drugs/"' in box
    assert '<datalist id="id_m__Medication__DE318_drugs"></datalist>' in page
    anonymous = Client().get(f"/anonymous/report/{cast.orgs['p1'].slug}/").content.decode()
    assert 'hx-get="/anonymous/drugs/"' in anonymous


def test_the_drug_search_finds_heparin_and_metoprolol(cast, client_for):
    client = client_for("reporter")
    heparin = client.get("/reports/drugs/", {"m__Medication__DE318": "hepar", "kind": "generic"}).content.decode()
    assert heparin.index('<option value="Heparin">') < heparin.index("Heparinoid")
    # A brand name typed suggests the generic name the question asks for (DE318).
    assert '<option value="Metoprolol">' in client.get("/reports/drugs/", {"q": "Lopressor"}).content.decode()
    # The brand-name question (DE321) suggests brands.
    brands = client.get("/reports/drugs/", {"q": "lopres", "kind": "brand"}).content.decode()
    assert '<option value="Lopressor">' in brands
    assert client.get("/reports/drugs/", {"q": "h"}).content.decode().strip().count("<option") == 0


def test_the_anonymous_drug_search_needs_no_login_and_is_rate_limited(cast, monkeypatch):
    monkeypatch.setattr(drug_views, "RATE", "2/h")
    client = Client()
    for _ in range(2):
        response = client.get("/anonymous/drugs/", {"m__Medication__DE318": "metoprolol"})
        assert '<option value="Metoprolol">' in response.content.decode()
    assert client.get("/anonymous/drugs/", {"q": "metoprolol"}).status_code == 429
    # The signed-in door needs a login.
    assert Client().get("/reports/drugs/", {"q": "heparin"}).status_code == 302


def test_the_chosen_drug_name_is_stored_as_the_answer_the_definition_expects(cast, client_for):
    response = client_for("reporter").post(
        "/reports/new/",
        _form(cast, **{"m__Medication__DE318": "Heparin", "m__Medication__DE321": "Hep-Lock"}),
    )
    assert response.status_code == 302
    report = EventReport.objects.order_by("-reported_at")[0]
    # Free-text names in the string items DE318 (generic) and DE321 (brand); no code is
    # stored: the shipped list has DrugBank/MeSH ids, never RxCUIs (reporting.drugs).
    assert report.answers["Medication/DE318"] == "Heparin"
    assert report.answers["Medication/DE321"] == "Hep-Lock"
    assert not {"Medication/DE319", "Medication/DE322", "Medication/DE328", "Medication/DE331"} & set(report.answers)


def test_the_reporter_reads_the_protection_in_plain_words_and_the_safety_team_the_legal_label(cast, client_for):
    client_for("reporter").post("/reports/new/", _form(cast))
    report = EventReport.objects.order_by("-reported_at")[0]
    mine = client_for("reporter").get(f"/reports/{report.pk}/").content.decode()
    assert "Protected as patient safety work product while your safety team reviews it" in mine
    assert "PSWP candidate" not in mine
    theirs = client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    assert "PSWP candidate (in the PSES)" in theirs


def test_the_report_page_shows_other_without_the_form_instruction(cast, client_for):
    client_for("reporter").post(
        "/reports/new/", _form(cast, event_type="A6", categories=["A66"], category_other="Wrong wristband")
    )
    report = EventReport.objects.order_by("-reported_at")[0]
    page = client_for("reporter").get(f"/reports/{report.pk}/").content.decode()
    assert "Other — Wrong wristband" in page
    assert "PLEASE SPECIFY" not in page


def test_an_incident_is_never_offered_a_harm_choice_it_then_refuses(cast, client_for):
    # The harm question shows only for an incident, which needs a harm level: a
    # "Not applicable" radio there was a choice the rules always rejected.
    page = client_for("reporter").get("/reports/new/").content.decode()
    harm = re.search(r'id="field-harm".*?</fieldset>', page, re.S)
    assert harm is not None
    assert 'name="harm" value=""' not in harm.group(0)
    assert "Not applicable" not in harm.group(0)
    assert 'name="harm" value="' in harm.group(0)


def test_the_reporter_reads_their_answers_without_codes_and_the_safety_team_with_them(cast, client_for):
    from openpso.submissions.tests.helpers import file

    report = file(cast.users["reporter"], answers={"Fall/injury": "A15", "Fall/injury_type": ["OPSO-FALL-INJ-SKIN"]})
    mine = client_for("reporter").get(f"/reports/{report.pk}/").content.decode()
    assert "Skin tear, abrasion, laceration or bruise" in mine
    assert "OPSO-FALL-INJ-SKIN" not in mine
    assert "[A15]" not in mine
    assert "(A3)" not in mine  # 'Incident', not 'Incident (A3)'
    theirs = client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    assert "[OPSO-FALL-INJ-SKIN]" in theirs
    assert "OPSO-FALL-INJ-SKIN: OpenPSO extension (not an AHRQ Common Formats code)" in theirs  # issue 15 item 8
    assert "A15: OpenPSO extension" not in theirs
    assert "(A3)" in theirs


def test_every_hint_a_field_points_at_is_on_the_page(cast, client_for):
    # Django gives an input with help text aria-describedby="<id>_helptext"; the hints were
    # drawn as "<id>_hint", so screen readers read no hint for the search box, the narrative…
    for page in (
        client_for("reporter").get("/reports/new/").content.decode(),
        client_for("safety_manager").get("/pses/queue/").content.decode(),
    ):
        ids = set(re.findall(r'\sid="([^"]+)"', page))
        described = {i for group in re.findall(r'aria-describedby="([^"]+)"', page) for i in group.split()}
        assert described, "no field with a hint"
        assert described <= ids, sorted(described - ids)
