"""`openpso export --format fhir-questionnaire` and GET /api/v1/forms give our forms as FHIR Questionnaires."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openpso.commonformats.catalogue import catalogue


def test_every_form_exports_as_a_questionnaire_bundle():
    out = StringIO()
    call_command("export", "--format", "fhir-questionnaire", stdout=out)
    bundle = json.loads(out.getvalue())
    titles = {e["resource"]["title"] for e in bundle["entry"]}
    assert len(bundle["entry"]) == len(catalogue())
    assert all(e["resource"]["resourceType"] == "Questionnaire" for e in bundle["entry"])
    assert any("OpenPSO extension" in t for t in titles)


def test_one_form_exports_to_a_file(tmp_path):
    call_command(
        "export",
        "--format",
        "fhir-questionnaire",
        "--form",
        "cfer-h-1.2/medication",
        "--out",
        str(tmp_path),
        stdout=StringIO(),
    )
    document = json.loads((tmp_path / "cfer-h-1.2_medication.json").read_text())
    assert document["resourceType"] == "Questionnaire"


def test_an_unknown_form_is_named():
    with pytest.raises(CommandError, match=r"unknown form 'cfer-h-1\.2/nope'"):
        call_command("export", "--format", "fhir-questionnaire", "--form", "cfer-h-1.2/nope")


def test_the_api_lists_forms_and_serves_each_questionnaire(cast, client_for):
    client = client_for("reporter")
    forms = client.get("/api/v1/forms").json()
    ems = next(f for f in forms if f["key"] == "openpso-ext/ems-1.0")
    assert ems["extension"] is True
    assert ems["provider_types"] == ["ems_agency"]
    questionnaire = client.get("/api/v1/forms/cfer-h-1.2/medication/questionnaire").json()
    assert questionnaire["resourceType"] == "Questionnaire"
    assert client.get("/api/v1/forms/cfer-h-1.2/nope/questionnaire").status_code == 404
