"""The printed demo logins really open the app: password for reporters, plus TOTP for the rest."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from openpso.demo.generate import seed_demo
from openpso.demo.users import DEMO_PASSWORD


@pytest.fixture
def demo_network(db):
    # allauth remembers used TOTP codes per user id in the cache for one period; ids
    # repeat across rolled-back tests, so start and end with a clean slate.
    cache.clear()
    yield seed_demo(events=50, today=dt.date(2026, 3, 15))
    cache.clear()


def test_the_demo_reporter_signs_in_with_the_printed_password(demo_network):
    client = Client()
    response = client.post("/accounts/login/", {"login": "reporter@demo.openpso.test", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/reports/new/").status_code == 200


def test_the_demo_manager_signs_in_with_the_code_demo_code_prints(demo_network):
    client = Client()
    response = client.post("/accounts/login/", {"login": "manager@demo.openpso.test", "password": DEMO_PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    out = io.StringIO()
    call_command("demo-code", "manager@demo.openpso.test", stdout=out)
    response = client.post("/accounts/2fa/authenticate/", {"code": out.getvalue().strip()})
    assert response.status_code == 302
    assert client.get("/reports/").status_code == 200
