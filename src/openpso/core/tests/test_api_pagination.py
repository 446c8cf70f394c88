"""`limit` and `offset` on the API's lists: bounded, documented, and refused by name (issue 13 item 5)."""

from __future__ import annotations

import pytest

from openpso.lib.api_pagination import MAX_LIMIT, MAX_OFFSET

LISTS = [
    "/api/v1/reports",
    "/api/v1/submissions",
    "/api/v1/alerts",
    "/api/v1/safety-events",
    "/api/v1/rca-actions",
    "/api/v1/questions",
    "/api/v1/feedback-reports",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("offset", [2**63, 2**64, MAX_OFFSET + 1])
def test_a_huge_offset_is_refused_naming_the_field(cast, client_for, url, offset):
    response = client_for("safety_manager").get(url, {"offset": offset})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["offset"]


@pytest.mark.parametrize("url", LISTS)
def test_a_limit_above_the_maximum_is_refused_naming_the_field(cast, client_for, url):
    response = client_for("safety_manager").get(url, {"limit": MAX_LIMIT + 1})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "limit"
    assert str(MAX_LIMIT) in error["message"]


@pytest.mark.parametrize("url", LISTS)
def test_the_largest_limit_and_offset_allowed_are_answered(cast, client_for, url):
    response = client_for("safety_manager").get(url, {"limit": MAX_LIMIT, "offset": MAX_OFFSET})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_bounds_are_in_the_openapi_document(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    for url in LISTS:
        params = {p["name"]: p["schema"] for p in doc["paths"][url]["get"]["parameters"]}
        assert params["limit"]["maximum"] == MAX_LIMIT
        assert params["offset"]["maximum"] == MAX_OFFSET
