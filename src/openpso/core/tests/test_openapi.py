"""The OpenAPI document at /api/v1/openapi.json describes the report routes."""

from __future__ import annotations


def test_the_openapi_document_lists_the_report_routes(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/reports", "/api/v1/reports/{report_id}"} <= set(doc["paths"])
    post = doc["paths"]["/api/v1/reports"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert "422" in post["responses"]
