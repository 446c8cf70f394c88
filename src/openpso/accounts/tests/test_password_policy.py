"""Password rules that docs/security.md (ASVS V6) relies on: length, common passwords, long
passphrases kept whole, and the current password asked before a change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from openpso.testing.cast import PASSWORD

# A long passphrase with spaces and non-ASCII letters: nothing may be trimmed or truncated.
LONG = "correct horse battery staple, Ängström and ünïcödé " * 3


def test_a_password_under_twelve_characters_is_refused(cast):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError):
        validate_password("x7#Kp2!vQz9", user=cast.users["reporter"])


def test_a_common_password_is_refused_even_when_long_enough(cast):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError):
        validate_password("qwerty123456", user=cast.users["reporter"])


def test_a_long_passphrase_signs_in_whole_and_one_changed_character_does_not(cast):
    user = cast.users["reporter"]
    assert len(LONG) > 128
    user.set_password(LONG)
    user.save(update_fields=["password"])
    wrong = Client().post("/accounts/login/", {"login": user.email, "password": LONG[:-2] + "!"})
    assert wrong.status_code == 200  # the form again, not signed in
    right = Client().post("/accounts/login/", {"login": user.email, "password": LONG})
    assert right.status_code == 302


def test_changing_the_password_needs_the_current_one(cast):
    client = Client()
    client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    refused = client.post(
        "/accounts/password/change/", {"oldpassword": "not-the-password", "password1": LONG, "password2": LONG}
    )
    assert refused.status_code == 200
    cast.users["reporter"].refresh_from_db()
    assert cast.users["reporter"].check_password(PASSWORD)
    accepted = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": LONG, "password2": LONG}
    )
    assert accepted.status_code == 302
    cast.users["reporter"].refresh_from_db()
    assert cast.users["reporter"].check_password(LONG)


def test_changing_the_password_ends_the_accounts_other_sessions(cast):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
        assert client.get("/reports/new/").status_code == 200
    here.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": LONG, "password2": LONG})
    assert here.get("/reports/new/").status_code == 200
    assert elsewhere.get("/reports/new/").status_code == 302
