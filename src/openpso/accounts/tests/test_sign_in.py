"""Signing in: e-mail and password, TOTP for every role but reporter, lockout, argon2."""

from __future__ import annotations

from django.test import Client

from openpso.testing.browser import current_totp_code
from openpso.testing.cast import PASSWORD, TOTP_SECRET


def _current_code() -> str:
    return current_totp_code(TOTP_SECRET)


def test_a_reporter_signs_in_with_email_and_password_alone(cast):
    client = Client()
    response = client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_safety_manager_must_also_give_a_totp_code(cast):
    client = Client()
    response = client.post("/accounts/login/", {"login": "safety_manager@cast.test", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    assert client.get("/reports/").status_code == 302  # not signed in yet
    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code()})
    assert response.status_code == 302
    assert client.get("/reports/").status_code == 200


def test_a_wrong_totp_code_keeps_the_door_shut(cast):
    client = Client()
    client.post("/accounts/login/", {"login": "safety_manager@cast.test", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "000000" if _current_code() != "000000" else "111111"})
    assert client.get("/reports/").status_code == 302


def test_a_role_that_needs_mfa_but_has_none_is_sent_to_set_it_up(cast):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=cast.users["pso_analyst"]).delete()
    client = Client()
    client.force_login(cast.users["pso_analyst"])
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    api = client.get("/api/v1/reports")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_required"


def test_a_reporter_is_not_asked_for_mfa(cast):
    client = Client()
    client.force_login(cast.users["reporter"])
    assert client.get("/reports/new/").status_code == 200


def test_repeated_failures_lock_the_account_even_with_the_right_password(cast):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "reporter@cast.test", "password": "wrong-password-1"})
    response = client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_argon2(cast):
    cast.users["reporter"].refresh_from_db()
    assert cast.users["reporter"].password.startswith("argon2$")


def test_nobody_can_sign_themselves_up(db):
    response = Client().get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode() or response.status_code in {403, 404}
