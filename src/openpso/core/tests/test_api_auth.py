"""Who may call the API, and what a refused caller is told (issue 13 item 5).

A missing or bad credential is a 401 with a JSON `detail` saying why, for every method; CSRF
guards only the signed-in session (a cookie a browser sends on its own), so a POST with a bad
API key is a 401 about the key, never a 403 about CSRF.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from openpso.submissions.push.keys import issue_key, revoke_key

OPERATIONS = [
    ("get", "/api/v1/reports"),
    ("post", "/api/v1/reports"),
    ("post", "/api/v1/reports/fhir?provider=t-p1"),
    ("get", "/api/v1/reports/00000000-0000-4000-8000-000000000000"),
    ("get", "/api/v1/forms"),
    ("get", "/api/v1/forms/herf/1.2/questionnaire"),
    ("get", "/api/v1/submissions"),
    ("post", "/api/v1/submissions"),
]


def _call(client: Client, method: str, url: str, **headers: Any):
    if method == "post":
        return client.post(url, data=json.dumps({"events": ["x"]}), content_type="application/json", **headers)
    return client.get(url, **headers)


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
def test_a_request_without_credentials_gets_401_saying_what_is_needed(db, method, url):
    response = _call(Client(enforce_csrf_checks=True), method, url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "sign in" in response.json()["detail"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_api_key_gets_401_about_the_key_not_a_csrf_error(db, method):
    response = _call(
        Client(enforce_csrf_checks=True), method, "/api/v1/submissions", HTTP_AUTHORIZATION="Bearer opso_nope_nope"
    )
    assert response.status_code == 401
    assert "API key" in response.json()["detail"]
    assert "CSRF" not in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_gets_the_same_401_as_an_unknown_one(cast):
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    revoke_key(key=issued.key, actor=None)
    client = Client(enforce_csrf_checks=True)
    revoked = _call(client, "post", "/api/v1/submissions", HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    unknown = _call(client, "post", "/api/v1/submissions", HTTP_AUTHORIZATION="Bearer opso_nope_nope")
    assert (revoked.status_code, revoked.json()) == (401, unknown.json())


def test_an_authorization_header_that_is_not_a_bearer_key_gets_401_saying_so(db):
    response = _call(
        Client(enforce_csrf_checks=True), "post", "/api/v1/submissions", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg=="
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_bad_api_key_is_refused_even_beside_a_signed_in_session(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["safety_manager"])
    response = client.get("/api/v1/submissions", HTTP_AUTHORIZATION="Bearer opso_nope_nope")
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "url"), [op for op in OPERATIONS if "submissions" not in op[1]])
def test_every_operation_takes_an_api_key(cast, method, url):
    # One way in for every router (accounts/api_auth.py): the key is accepted, so what follows is
    # the operation's own answer (its data, a 404 or a refusal of the input), never a 401 or 403.
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    response = _call(Client(enforce_csrf_checks=True), method, url, HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    assert response.status_code not in (401, 403), response.content


def test_a_signed_in_post_without_the_csrf_token_is_refused_with_403(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["safety_manager"])
    response = _call(client, "post", "/api/v1/submissions")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_signed_in_get_needs_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["safety_manager"])
    assert client.get("/api/v1/reports").status_code == 200


def test_a_good_api_key_needs_no_csrf_token(cast):
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    response = _call(
        Client(enforce_csrf_checks=True), "post", "/api/v1/submissions", HTTP_AUTHORIZATION=f"Bearer {issued.token}"
    )
    assert response.status_code == 200


def test_a_signed_in_write_with_an_unreadable_form_body_is_a_400_in_json(cast):
    # The CSRF check reads the form body for its token; a multipart body without a boundary
    # made Django answer its own HTML 400 from inside the check.
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["safety_manager"])
    client.cookies["csrftoken"] = "t" * 32
    response = client.generic(
        "POST", "/api/v1/reports", b"x", content_type="multipart/form-data", HTTP_X_CSRFTOKEN="t" * 32
    )
    assert response.status_code == 400
    assert "detail" in response.json()
