"""FHIR QuestionnaireResponses become reports, through `openpso import` and POST /api/v1/reports/fhir."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from openpso.audit.models import AuditEvent
from openpso.commonformats.catalogue import form
from openpso.reporting.models import EventReport

SDC = Path(__file__).resolve().parents[2] / "commonformats" / "data" / "hl7-sdc"
SAMPLE = SDC / "QuestionnaireResponse-questionnaireresponse-sdc-profile-example-loinc.json"
HERF_URL = "http://hl7.org/fhir/uv/sdc/Questionnaire/HERF-1.2"


def _herf_response(**overrides):
    answers = {
        "HERF/DE3": [{"valueCoding": {"code": "A3"}}],
        "HERF/DE15": [{"valueString": "Patient slipped on a wet floor outside the shower."}],
        "HERF/DE18": [{"valueString": "4 West, shower room"}],
        "HERF/DE21": [{"valueCoding": {"code": "A48"}}],
        "HERF/DE9a": [{"valueString": "11/20/2026"}],
        "HERF/DE9b": [{"valueString": "0930"}],
        "HERF/DE46": [{"valueString": "Octavia Brightwater"}],
        "HERF/DE49": [{"valueString": "MRN 5521907"}],
    }
    answers.update(overrides)
    items = [{"linkId": link_id, "answer": value} for link_id, value in answers.items() if value is not None]
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "herf-example-1",
        "questionnaire": HERF_URL,
        "status": "completed",
        "authored": "2026-11-20T10:00:00-05:00",
        "item": items,
    }


def _item(document, link_id):
    """The item with this linkId anywhere in a response (items nest, also under answers)."""
    stack = list(document["item"])
    while stack:
        item = stack.pop()
        if item["linkId"] == link_id:
            return item
        stack += item.get("item", []) + [i for a in item.get("answer", []) for i in a.get("item", [])]
    raise KeyError(link_id)


def _write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def _new_reports(cast):
    return EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()])


def test_the_hl7_sample_response_imports_as_a_medication_incident(cast):
    out = StringIO()
    call_command("import", "--provider", cast.orgs["p1"].slug, str(SAMPLE), stdout=out)
    report = _new_reports(cast).get()
    assert "imported as report" in out.getvalue()
    assert report.event_type == "A3"  # the product was given to the patient (DE336 = Yes)
    assert report.categories == ["A54"]
    assert report.harm == "LA4489-6"
    assert report.modules == ["cfer-h-1.2/medication"]
    assert report.answers["Medication/DE270"] == "A1197"  # LOINC LA20271-5 "Medications"
    assert report.answers["Medication/DE291"] == "A585"  # LOINC LA20276-4 "Incorrect patient"
    assert report.answers["HERF/DE46"] == "Jane Smith"  # the response's subject, kept encrypted
    assert AuditEvent.objects.filter(action="report.imported", object_id=str(report.pk), actor_id=None).exists()


def test_importing_the_same_response_twice_creates_one_report(cast):
    for _ in range(2):
        call_command("import", "--provider", cast.orgs["p1"].slug, str(SAMPLE), stdout=StringIO())
    assert _new_reports(cast).count() == 1


def test_a_herf_response_maps_onto_the_report_columns(cast, tmp_path):
    call_command(
        "import", "--provider", cast.orgs["p1"].slug, _write(tmp_path, "herf.json", _herf_response()), stdout=StringIO()
    )
    report = _new_reports(cast).get()
    assert (report.event_type, report.categories, report.narrative[:15]) == ("A3", ["A48"], "Patient slipped")
    assert report.location_detail == "4 West, shower room"
    assert report.discovered_at.isoformat().startswith("2026-11-20T")
    assert report.answers == {"HERF/DE46": "Octavia Brightwater", "HERF/DE49": "MRN 5521907"}


def test_an_unknown_code_fails_naming_the_linkid_and_nothing_is_saved(cast, tmp_path):
    bad = _herf_response(**{"HERF/DE3": [{"valueCoding": {"code": "A4"}}]})
    good = _write(
        tmp_path, "good.json", _herf_response(**{"HERF/DE15": [{"valueString": "Other event."}]}) | {"id": "g"}
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "--provider", cast.orgs["p1"].slug, good, _write(tmp_path, "bad.json", bad), stderr=err)
    assert "bad.json: HERF/DE3:" in err.getvalue()
    assert not _new_reports(cast).exists()


def test_contradictory_answers_fail_naming_each_item(cast, tmp_path):
    sample = json.loads(SAMPLE.read_text())
    broken = copy.deepcopy(sample)
    # Characterise the event as an unsafe condition while still naming an incorrect action.
    unsafe = form("cfer-h-1.2/medication").item("Medication/DE288").answer("A1260").loinc
    _item(broken, "74080-3/74072-0")["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": unsafe}}]
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "--provider", cast.orgs["p1"].slug, _write(tmp_path, "x.json", broken), stderr=err)
    assert "74080-3/74071-2" in err.getvalue()
    assert not _new_reports(cast).exists()


def test_a_file_that_is_not_json_is_named(cast, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not json")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "--provider", cast.orgs["p1"].slug, str(path), stderr=err)
    assert "notes.txt: cannot read it as JSON" in err.getvalue()


def test_an_unknown_provider_is_refused(cast):
    with pytest.raises(CommandError, match="--provider"):
        call_command("import", "--provider", "no-such-provider", str(SAMPLE))


def _post(client, document, provider):
    return client.post(
        f"/api/v1/reports/fhir?provider={provider}", data=json.dumps(document), content_type="application/fhir+json"
    )


def test_the_api_files_a_report_from_a_questionnaire_response_once(cast, client_for):
    client = client_for("reporter")
    document = json.loads(SAMPLE.read_text())
    first = _post(client, document, cast.orgs["p1"].slug)
    again = _post(client, document, cast.orgs["p1"].slug)
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["id"] == again.json()["id"]


def test_the_api_names_the_offending_linkid(cast, client_for):
    response = _post(
        client_for("reporter"),
        _herf_response(**{"HERF/DE21": [{"valueCoding": {"code": "A999"}}]}),
        cast.orgs["p1"].slug,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "HERF/DE21"


def test_the_api_refuses_a_foreign_provider_like_an_unknown_one(cast, client_for):
    client = client_for("reporter")
    foreign = _post(client, _herf_response(), cast.orgs["p2"].slug)
    missing = _post(client, _herf_response(), "no-such-provider")
    assert foreign.status_code == missing.status_code == 422
    assert foreign.json() == missing.json()
    assert not _new_reports(cast).exists()


def test_the_api_refuses_a_body_that_is_not_json(cast, client_for):
    response = client_for("reporter").post(
        f"/api/v1/reports/fhir?provider={cast.orgs['p1'].slug}", data="{oops", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
