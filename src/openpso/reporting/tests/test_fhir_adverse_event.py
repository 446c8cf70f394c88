"""FHIR R4 AdverseEvents in (POST /api/v1/fhir/AdverseEvent, `openpso import`) and out (GET …/{id}).

The resources under data/adverse-event were written by hand (their README), not by our exporter.
"""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpso.audit.models import AuditEvent
from openpso.reporting.adverse_event import EXT_AGE, AdverseEventInvalid, mapping, report_from_adverse_event
from openpso.reporting.models import EventReport

DATA = Path(__file__).resolve().parent / "data" / "adverse-event"
URL = "/api/v1/fhir/AdverseEvent"
COMPARED = (
    "event_type",
    "categories",
    "category_other",
    "discovered_at",
    "narrative",
    "location_detail",
    "patient_age_years",
    "patient_sex",
    "harm",
    "anonymous",
)


def _load(name):
    return json.loads((DATA / name).read_text())


def _post(client, document, provider="t-p1"):
    return client.post(f"{URL}?provider={provider}", data=json.dumps(document), content_type="application/fhir+json")


def _new_reports(cast):
    return EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()])


def _expressions(response):
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return {e for issue in body["issue"] for e in issue["expression"]}


def test_a_fall_incident_files_a_report_with_its_categories_patient_and_harm(cast, client_for):
    response = _post(client_for("reporter"), _load("fall-incident.json"))
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/fhir+json"
    report = _new_reports(cast).get()
    assert response["Location"] == f"{URL}/{report.pk}"
    assert (report.event_type, report.categories, report.harm) == ("A3", ["A48"], "LA20749-0")  # severity moderate
    assert (report.patient_age_years, report.patient_sex) == (84, "F")
    assert report.narrative.startswith("Found on the floor")
    assert report.location_detail == "Ward 6B, bay 3"
    assert report.discovered_at.isoformat() == "2026-11-02T07:55:00+00:00"  # `detected`, not `date`
    imported = AuditEvent.objects.get(action="report.imported", object_id=str(report.pk))
    assert imported.detail == {"format": "fhir-r4-adverse-event"}


def test_a_near_miss_keeps_its_patient_and_anonymity_and_has_no_harm(cast, client_for):
    response = _post(client_for("reporter"), _load("near-miss-wrong-dose.json"))
    assert response.status_code == 201, response.content
    report = _new_reports(cast).get()
    assert (report.event_type, report.categories, report.harm, report.anonymous) == ("A6", ["A54"], "", True)
    assert (report.patient_age_years, report.patient_sex) == (0, "M")  # 200 days
    assert report.reporter_id is None


def test_a_transaction_bundle_files_each_entry_and_answers_a_response_bundle(cast, client_for):
    response = _post(client_for("reporter"), _load("transaction-bundle.json"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "transaction-response"
    assert [e["response"]["status"] for e in body["entry"]] == ["201 Created", "201 Created"]
    unsafe, incident = (EventReport.objects.get(pk=e["response"]["location"].split("/")[1]) for e in body["entry"])
    assert (unsafe.event_type, unsafe.categories, unsafe.patient_sex) == ("A9", ["A44"], "")
    assert (incident.event_type, incident.harm) == ("A3", "LA4489-6")  # outcome 'resolved' says nothing of harm


def test_an_unknown_snomed_code_becomes_other_keeping_the_coding_and_is_flagged(cast, client_for):
    document = _load("transaction-bundle.json")["entry"][1]["resource"]
    response = _post(client_for("reporter"), document)
    assert response.status_code == 201, response.content
    report = _new_reports(cast).get()
    assert report.categories == ["A66"]
    assert report.category_other == "Unmapped FHIR coding: http://snomed.info/sct|304386008 O/E - itchy rash"
    flag = AuditEvent.objects.get(action="report.import_unmapped_codes", object_id=str(report.pk))
    assert flag.detail["codes"] == ["http://snomed.info/sct|304386008"]
    assert flag.detail["mapping_version"] == mapping()["version"]


def test_resending_the_same_identifier_returns_the_first_report(cast, client_for):
    client = client_for("reporter")
    first = _post(client, _load("fall-incident.json"))
    again = _post(client, _load("fall-incident.json"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert _new_reports(cast).count() == 1
    changed = _load("fall-incident.json")
    changed["event"]["text"] = "Another event under the same identifier."
    conflict = _post(client, changed)
    assert conflict.status_code == 422
    assert _expressions(conflict) == {"AdverseEvent.identifier"}
    assert _new_reports(cast).count() == 1


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        (lambda d: d.update(actuality="possible"), "AdverseEvent.actuality"),
        (lambda d: d.pop("actuality"), "AdverseEvent.actuality"),
        (lambda d: d.update(detected="02/11/2026"), "AdverseEvent.detected"),
        (lambda d: d["contained"][0].update(birthDate="1942-03-01"), "AdverseEvent.contained[0].birthDate"),
        (lambda d: d["contained"][0].update(gender="f"), "AdverseEvent.contained[0].gender"),
        (lambda d: d.update(subject={"reference": "Patient/123"}), "AdverseEvent.subject"),
        (lambda d: d.update(subject={"reference": "#nobody"}), "AdverseEvent.subject.reference"),
        (lambda d: d.update(colour="blue"), "AdverseEvent.colour"),
        (lambda d: d["contained"].append({"resourceType": None}), "AdverseEvent.contained[1]"),
        (lambda d: d["category"][0]["coding"][0].update(code=7), "AdverseEvent.category[0].coding[0].code"),
        (lambda d: d.update(detected="2099-01-01T00:00:00Z"), "AdverseEvent.detected"),
        (
            lambda d: d["contained"][0]["extension"][0]["valueAge"].update(code="yr"),
            f"AdverseEvent.contained[0].extension('{EXT_AGE}')",
        ),
    ],
)
def test_each_invalid_element_is_named_by_fhirpath_and_nothing_is_saved(cast, client_for, change, expression):
    document = _load("fall-incident.json")
    change(document)
    response = _post(client_for("reporter"), document)
    assert response.status_code == 422, response.content
    assert expression in _expressions(response)
    assert all(issue["diagnostics"] for issue in response.json()["issue"])
    assert not _new_reports(cast).exists()


def test_a_near_miss_in_a_category_not_collected_for_near_misses_names_the_category(cast, client_for):
    document = _load("near-miss-wrong-dose.json")
    document["event"]["coding"] = [{"system": "http://snomed.info/sct", "code": "217082002"}]
    document["category"] = []
    response = _post(client_for("reporter"), document)
    assert response.status_code == 422
    assert _expressions(response) == {"AdverseEvent.category"}
    assert "not collected for a near miss" in response.json()["issue"][0]["diagnostics"]


def test_one_bad_entry_refuses_the_whole_bundle(cast, client_for):
    bundle = _load("transaction-bundle.json")
    del bundle["entry"][1]["resource"]["detected"]
    response = _post(client_for("reporter"), bundle)
    assert response.status_code == 422
    assert _expressions(response) == {"Bundle.entry[1].resource.detected"}
    assert not _new_reports(cast).exists()


def test_hl7s_own_example_is_refused_for_its_patient_reference(cast, client_for):
    response = _post(client_for("reporter"), _load("hl7-r4-example.json"))
    assert response.status_code == 422
    assert "AdverseEvent.subject" in _expressions(response)


def test_a_provider_the_caller_does_not_report_for_is_refused(cast, client_for):
    response = _post(client_for("reporter"), _load("fall-incident.json"), provider="t-p2")
    assert response.status_code == 422
    assert _expressions(response) == {"provider"}
    assert not _new_reports(cast).exists()


@pytest.mark.parametrize("name", ["fall-incident.json", "near-miss-wrong-dose.json"])
def test_an_exported_report_reimports_to_the_same_report(cast, client_for, name):
    from fhir.resources.R4B.adverseevent import AdverseEvent

    client = client_for("safety_manager")
    original = EventReport.objects.get(pk=_post(client, _load(name)).json()["id"])
    exported = client.get(f"{URL}/{original.pk}")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/fhir+json"
    AdverseEvent.model_validate(exported.json())  # valid R4
    again = _post(client, exported.json())
    assert again.status_code == 201, again.content
    copy_ = EventReport.objects.get(pk=again.json()["id"])
    assert copy_.pk != original.pk
    assert {f: getattr(copy_, f) for f in COMPARED} == {f: getattr(original, f) for f in COMPARED}


def test_an_unsafe_condition_and_an_other_category_round_trip(cast, client_for):
    client = client_for("safety_manager")
    response = _post(client, _load("transaction-bundle.json"))
    for entry in response.json()["entry"]:
        original = EventReport.objects.get(pk=entry["response"]["location"].split("/")[1])
        exported = client.get(f"{URL}/{original.pk}").json()
        assert ("subject" in exported) == (original.event_type != "A9")
        copy_ = EventReport.objects.get(pk=_post(client, exported).json()["id"])
        assert {f: getattr(copy_, f) for f in COMPARED} == {f: getattr(original, f) for f in COMPARED}


def test_reading_a_report_as_an_adverse_event_is_audited_and_foreign_ones_are_absent(cast, client_for):
    report = cast.reports["r1"]
    before = AuditEvent.objects.filter(action="report.viewed", object_id=str(report.pk)).count()
    assert client_for("safety_manager").get(f"{URL}/{report.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="report.viewed", object_id=str(report.pk)).count() == before + 1
    assert client_for("manager_p2").get(f"{URL}/{report.pk}").status_code == 404


def _write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_the_command_imports_files_bundles_and_ndjson(cast):
    out = StringIO()
    names = ["fall-incident.json", "transaction-bundle.json", "events.ndjson"]
    call_command("import", "--provider", "t-p1", *(str(DATA / n) for n in names), stdout=out)
    assert _new_reports(cast).count() == 5
    assert out.getvalue().count("imported as report") == 5
    pressure = _new_reports(cast).get(categories=["A60"])
    assert (pressure.harm, pressure.patient_age_years) == ("LA21150-0", 71)  # the harm extension
    call_command("import", "--provider", "t-p1", *(str(DATA / n) for n in names), stdout=StringIO())
    assert _new_reports(cast).count() == 5


def test_the_command_exits_non_zero_naming_each_element_and_saves_nothing(cast, tmp_path):
    bad = copy.deepcopy(_load("fall-incident.json"))
    bad["actuality"] = "possible"
    bad["contained"][0]["birthDate"] = "1942-03-01"
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import",
            "--provider",
            "t-p1",
            str(DATA / "near-miss-wrong-dose.json"),
            _write(tmp_path, "bad.json", bad),
            stderr=err,
        )
    assert "bad.json: AdverseEvent.actuality: use actual" in err.getvalue()
    assert "AdverseEvent.contained[0].birthDate: identifies the patient" in err.getvalue()
    assert not _new_reports(cast).exists()


def test_an_unsafe_physical_environment_is_not_a_common_formats_unsafe_condition(cast, client_for):
    document = _load("transaction-bundle.json")["entry"][0]["resource"]
    document["category"][0]["coding"][0]["code"] = "unsafe-physical-environment"
    response = _post(client_for("reporter"), document)
    assert response.status_code == 422
    assert _expressions(response) == {"AdverseEvent.category[0].coding[0]"}
    assert "not collected for an unsafe condition" in response.json()["issue"][0]["diagnostics"]


def test_a_bundle_entry_that_is_not_an_adverse_event_is_named(cast, client_for):
    bundle = _load("transaction-bundle.json")
    bundle["entry"].append({"resource": {"resourceType": "Patient", "gender": "male"}})
    response = _post(client_for("reporter"), bundle)
    assert response.status_code == 422
    assert _expressions(response) == {"Bundle.entry[2].resource"}
    assert not _new_reports(cast).exists()


@pytest.mark.parametrize(
    ("body", "expression"),
    [
        ({"resourceType": "Bundle", "type": "transaction", "entry": 5}, "Bundle.entry"),
        ({"resourceType": "Bundle", "type": ["transaction"], "entry": []}, "Bundle.type"),
        ({"resourceType": "Bundle", "type": "batch", "entry": []}, "Bundle.entry"),
        ({"resourceType": "Observation"}, "AdverseEvent"),
        ([1, 2], "AdverseEvent"),
    ],
)
def test_bodies_that_are_no_adverse_event_are_refused_by_name(cast, client_for, body, expression):
    response = _post(client_for("reporter"), body)
    assert response.status_code == 422
    assert _expressions(response) == {expression}


def test_the_command_says_which_reports_were_flagged(cast):
    out = StringIO()
    call_command("import", "--provider", "t-p1", str(DATA / "transaction-bundle.json"), stdout=out)
    assert "flagged, codes not in the mapping table: http://snomed.info/sct|304386008" in out.getvalue()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_ELEMENTS = ["actuality", "category", "event", "subject", "contained", "detected", "extension", "identifier"]


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(element=st.sampled_from(_ELEMENTS), value=_JSON, nested=st.booleans())
def test_any_malformed_element_is_refused_by_name_never_crashes(cast, element, value, nested):
    document = _load("fall-incident.json")
    if nested and isinstance(document.get(element), list | dict):
        target = document[element][0] if isinstance(document[element], list) else document[element]
        target[next(iter(target))] = value
    else:
        document[element] = value
    issues = _issues_of(document, cast.orgs["p1"])  # any other exception fails the test
    if issues is not None:
        assert issues
        assert all(i.expression.startswith("AdverseEvent") and i.message for i in issues)


def _issues_of(document, provider):
    try:
        report_from_adverse_event(document, provider=provider)
    except AdverseEventInvalid as exc:
        return exc.issues
    return None
