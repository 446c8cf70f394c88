"""After sign-in, `next` leads only to this site (docs/security.md, ASVS V3 redirects)."""

from __future__ import annotations

import pytest
from django.test import Client

from openpso.testing.cast import PASSWORD


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "https:evil.example"])
def test_a_next_address_on_another_site_is_ignored_at_sign_in(cast, target):
    response = Client().post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == "/"


def test_a_next_address_on_this_site_is_followed(cast):
    response = Client().post(
        "/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD, "next": "/reports/new/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/reports/new/"
