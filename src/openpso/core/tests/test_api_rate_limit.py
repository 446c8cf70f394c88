"""The API's per-caller request rate (OPENPSO_API_RATE): over it, 429 naming the limit with
Retry-After; each signed-in person and each API key has a budget of its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openpso.lib.api_rate import parse_rate
from openpso.submissions.push.keys import issue_key

REPORTS = "/api/v1/reports"
SUBMISSIONS = "/api/v1/submissions"


@pytest.fixture
def rate_of_three(settings: Any) -> None:
    settings.OPENPSO_API_RATE = "3/m"


def test_a_person_over_the_rate_is_refused_with_429_naming_the_limit(rate_of_three: None, client_for: Any) -> None:
    client = client_for("safety_manager")
    assert [client.get(REPORTS).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(REPORTS)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert "at most 3 requests a minute per signed-in person or API key" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60


def test_another_person_is_unaffected_by_one_over_the_rate(rate_of_three: None, client_for: Any) -> None:
    busy, other = client_for("safety_manager"), client_for("pso_analyst")
    for _ in range(4):
        busy.get(REPORTS)
    assert busy.get(REPORTS).status_code == 429
    assert other.get(REPORTS).status_code == 200


def test_each_api_key_has_its_own_budget(rate_of_three: None, cast: Any) -> None:
    first = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    second = issue_key(provider=cast.orgs["p1"], name="Second system", actor=None)
    client = Client()
    statuses = [client.get(SUBMISSIONS, HTTP_AUTHORIZATION=f"Bearer {first.token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(SUBMISSIONS, HTTP_AUTHORIZATION=f"Bearer {second.token}").status_code == 200


def test_an_unauthenticated_request_is_refused_401_not_counted(rate_of_three: None, db: None) -> None:
    client = Client()
    assert {client.get(REPORTS).status_code for _ in range(5)} == {401}


def test_the_openapi_document_says_every_signed_in_operation_may_answer_429(db: None, client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            if operation.get("security"):
                assert "429" in operation["responses"], (method, path)
    listing = doc["paths"][REPORTS]["get"]["responses"]["429"]
    assert listing["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert listing["headers"]["Retry-After"]["schema"]["type"] == "integer"


@pytest.mark.parametrize("text", ["600", "600/week", "0/m", "many/m", ""])
def test_a_malformed_rate_setting_is_refused_at_start(text: str) -> None:
    with pytest.raises(ValueError, match="OPENPSO_API_RATE must look like 600/m"):
        parse_rate(text)


def test_the_rate_setting_reads_as_a_sentence() -> None:
    assert parse_rate("600/m").describe() == "600 requests a minute"
    assert parse_rate(" 1 / h ").describe() == "1 request an hour"


# Per organisation (OPENPSO_API_ORG_RATE): all of one organisation's keys share one budget.


@pytest.fixture
def org_rate_of_four(settings: Any) -> None:
    settings.OPENPSO_API_RATE = "3/m"
    settings.OPENPSO_API_ORG_RATE = "4/m"


def _get(token: str, url: str = SUBMISSIONS) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_many_keys_of_one_organisation_share_its_budget_and_the_429_names_that_limit(
    org_rate_of_four: None, cast: Any
) -> None:
    first = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    second = issue_key(provider=cast.orgs["p1"], name="Second system", actor=None)
    assert [_get(first.token).status_code for _ in range(3)] == [200, 200, 200]
    assert _get(second.token).status_code == 200
    refused = _get(second.token)
    assert refused.status_code == 429
    detail = refused.json()["detail"]
    assert "at most 4 requests a minute for all of this organisation's API keys together" in detail
    assert "OPENPSO_API_ORG_RATE" in detail
    assert 0 < int(refused["Retry-After"]) <= 60


def test_a_caller_refusal_names_the_callers_limit(org_rate_of_four: None, cast: Any) -> None:
    key = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    statuses = [_get(key.token).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    detail = _get(key.token).json()["detail"]
    assert "per signed-in person or API key (OPENPSO_API_RATE)" in detail
    assert "organisation" not in detail


def test_another_organisations_keys_keep_their_own_budget(org_rate_of_four: None, cast: Any) -> None:
    for name in ("one", "two"):
        key = issue_key(provider=cast.orgs["p1"], name=name, actor=None)
        for _ in range(3):
            _get(key.token)
    other = issue_key(provider=cast.orgs["p2"], name="Their system", actor=None)
    assert _get(other.token).status_code == 200


def test_a_key_over_its_own_rate_spends_none_of_its_organisations_budget(settings: Any, cast: Any) -> None:
    settings.OPENPSO_API_RATE = "2/m"
    settings.OPENPSO_API_ORG_RATE = "4/m"
    runaway, second, third = (
        issue_key(provider=cast.orgs["p1"], name=name, actor=None) for name in ("runaway", "second", "third")
    )
    assert [_get(runaway.token).status_code for _ in range(6)] == [200, 200, 429, 429, 429, 429]
    # Only the runaway's two served requests count for p1: the others still have two between them.
    assert [_get(second.token).status_code for _ in range(2)] == [200, 200]
    assert "organisation" in _get(third.token).json()["detail"]


def test_people_are_counted_per_person_not_in_their_organisations_key_budget(
    org_rate_of_four: None, cast: Any, client_for: Any
) -> None:
    for name in ("one", "two"):
        key = issue_key(provider=cast.orgs["p1"], name=name, actor=None)
        for _ in range(3):
            _get(key.token)
    assert client_for("safety_manager").get(REPORTS).status_code == 200


@pytest.mark.parametrize("text", ["1200", "0/m", "lots/m"])
def test_a_malformed_organisation_rate_setting_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ValueError, match="OPENPSO_API_ORG_RATE must look like 600/m"):
        parse_rate(text, setting="OPENPSO_API_ORG_RATE")
