"""The OpenAPI document at /api/v1/openapi.json is true: every status an operation can answer,
with its error schema, and the code lists of enumerated fields (issue 13 item 5)."""

from __future__ import annotations

import json

import pytest

from openpso.commonformats.definitions import herf_core
from openpso.pswp.status import PswpStatus
from openpso.submissions.models import SubmissionMethod

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
UNSAFE = {"post", "put", "patch", "delete"}
FHIR = "/api/v1/fhir"
# The Bulk Data export speaks FHIR too: its own refusals (404, 422) are OperationOutcomes, as the
# Bulk Data spec asks; a path id that is no UUID is refused by the API layer (ErrorOut).
BULK_DATA = "/api/v1/release/export"


@pytest.fixture
def doc(client, db):
    return client.get("/api/v1/openapi.json").json()


def _operations(doc):
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_openapi_document_lists_the_report_routes(doc):
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/reports", "/api/v1/reports/{report_id}"} <= set(doc["paths"])
    post = doc["paths"]["/api/v1/reports"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert "422" in post["responses"]


def test_every_operation_documents_the_errors_it_can_answer(doc):
    for path, method, operation in _operations(doc):
        responses = operation["responses"]
        params = operation.get("parameters", [])
        expected = {"401", "414", "431"}
        if method in UNSAFE:
            expected.add("403")  # a signed-in session's write without its CSRF token
        if params or "requestBody" in operation:
            expected.add("422")
        if any(p["in"] == "path" for p in params):
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413"}
        assert expected <= set(responses), (method, path, expected - set(responses))
        for code in expected - {"414", "431"}:
            if path.startswith(FHIR) and code == "422":
                continue  # FHIR's own refusal, an OperationOutcome (test below)
            content = responses[code]["content"]
            if path.startswith(BULK_DATA) and code in {"404", "422"} and "application/fhir+json" in content:
                schema = content["application/fhir+json"]["schema"]
                assert schema["properties"]["resourceType"] == {"const": "OperationOutcome"}, (method, path, code)
                continue
            assert content["application/json"]["schema"] == ERROR, (method, path, code)


def test_fhir_refusals_are_documented_as_operation_outcomes(doc):
    """A FHIR client reads a refusal as an OperationOutcome naming each element by FHIRPath."""
    post = doc["paths"][f"{FHIR}/AdverseEvent"]["post"]
    schema = post["responses"]["422"]["content"]["application/fhir+json"]["schema"]
    assert schema["properties"]["resourceType"] == {"const": "OperationOutcome"}
    assert "expression" in schema["properties"]["issue"]["items"]["properties"]
    assert {"200", "201"} <= set(post["responses"])


def test_the_error_schema_names_each_field_with_a_code(doc):
    error = doc["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    items = error["properties"]["errors"]["items"]
    assert doc["components"]["schemas"][items["$ref"].rsplit("/", 1)[1]]["required"] == ["field", "code", "message"]


def _enum(schema):
    return sorted(schema["enum"])


def test_enumerated_report_fields_carry_the_common_formats_code_lists(doc):
    herf = herf_core()
    for name in ("ReportIn", "ReportOut", "ReportSummaryOut"):
        fields = doc["components"]["schemas"][name]["properties"]
        assert _enum(fields["event_type"]) == sorted(herf["DE3"].codes), name
        assert _enum(fields["categories"]["items"]) == sorted(herf["DE21"].codes), name
        assert _enum(fields["harm"]) == sorted({"", *herf["PIF/harm"].codes}), name
    for name in ("ReportIn", "ReportOut"):
        sex = doc["components"]["schemas"][name]["properties"]["patient_sex"]
        assert _enum(sex) == sorted({"", *herf["DE42"].codes}), name


def test_status_fields_carry_their_code_lists(doc):
    schemas = doc["components"]["schemas"]
    for name in ("ReportOut", "ReportSummaryOut"):
        assert _enum(schemas[name]["properties"]["pswp_status"]) == sorted(PswpStatus.values)
    assert _enum(schemas["SubmissionOut"]["properties"]["method"]) == sorted(SubmissionMethod.values)
    assert _enum(schemas["EventResultOut"]["properties"]["status"]) == ["accepted", "refused", "unchanged"]
    assert _enum(schemas["FormOut"]["properties"]["kind"]) == ["generic", "module"]


def test_a_body_larger_than_the_server_accepts_is_a_413_in_json(cast, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"events": ["x" * 2000]})
    response = client_for("safety_manager").post("/api/v1/submissions", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "detail" in response.json()
