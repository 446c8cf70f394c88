"""OPENPSO_LOCKOUT_BY chooses what failed sign-ins lock: the account, the client, or the pair
(issue 13 item 5: by-account lockout lets anyone lock a known account)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from openpso.accounts.lockout import client_address
from openpso.accounts.lockout_policy import lockout_parameters
from openpso.testing.cast import PASSWORD

VICTIM = "safety_manager@cast.test"


def _fail(address: str, email: str = VICTIM) -> int:
    response = Client(REMOTE_ADDR=address).post("/accounts/login/", {"login": email, "password": "wrong-1"})
    return int(response.status_code)


def _sign_in(address: str, email: str = "reporter@cast.test") -> int:
    response = Client(REMOTE_ADDR=address).post("/accounts/login/", {"login": email, "password": PASSWORD})
    return int(response.status_code)


@pytest.mark.parametrize(
    ("value", "parameters"),
    [
        ("account", ["username"]),
        ("client", ["ip_address"]),
        ("account,client", ["username", "ip_address"]),
        (" client , account ", ["ip_address", "username"]),
        ("account+client", [["username", "ip_address"]]),
        ("account+client,client", [["username", "ip_address"], "ip_address"]),
    ],
)
def test_the_policy_words_become_axes_parameters(value, parameters):
    assert lockout_parameters(value) == parameters


@pytest.mark.parametrize("value", ["", "ip", "account,account", "account+account", "user+client", ","])
def test_a_policy_that_is_not_understood_stops_start_up_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="OPENPSO_LOCKOUT_BY"):
        lockout_parameters(value)


def test_by_default_both_the_account_and_the_client_lock():
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_by_account_and_client_an_account_locks_from_anywhere_and_a_client_at_any_account(cast):
    limit = settings.AXES_FAILURE_LIMIT
    # Failures from many addresses lock the account.
    assert [_fail(f"198.51.100.{n}") for n in range(limit)][-1] == 429
    assert _sign_in("203.0.113.20", VICTIM) == 429
    # Failures from one address at many accounts lock the address.
    emails = [f"{key}@cast.test" for key in ("pso_analyst", "pso_admin", "auditor", "pses_committee", "manager_p2")]
    assert [_fail("192.0.2.9", email) for email in emails[:limit]][-1] == 429
    assert _sign_in("192.0.2.9") == 429
    assert _sign_in("203.0.113.20") == 302


def test_by_pair_nobody_can_lock_an_account_out_from_elsewhere(cast, settings):
    settings.AXES_LOCKOUT_PARAMETERS = lockout_parameters("account+client")
    limit = settings.AXES_FAILURE_LIMIT
    assert [_fail("198.51.100.7") for _ in range(limit)][-1] == 429
    assert _sign_in("198.51.100.7", VICTIM) == 429  # this account from this address: locked
    assert _sign_in("198.51.100.7") == 302  # another account from the same address: open
    assert _sign_in("203.0.113.20", VICTIM) == 302  # the owner elsewhere: open


def test_by_client_alone_failures_spread_over_addresses_never_lock_the_account(cast, settings):
    settings.AXES_LOCKOUT_PARAMETERS = lockout_parameters("client")
    limit = settings.AXES_FAILURE_LIMIT
    assert {_fail(f"198.51.100.{n}") for n in range(limit + 1)} == {200}
    assert _sign_in("203.0.113.20", VICTIM) == 302


def test_by_account_alone_one_client_may_fail_at_many_accounts(cast, settings):
    settings.AXES_LOCKOUT_PARAMETERS = lockout_parameters("account")
    emails = [f"{key}@cast.test" for key in ("pso_analyst", "pso_admin", "auditor", "pses_committee", "manager_p2")]
    assert {_fail("192.0.2.9", email) for email in emails} == {200}
    assert _sign_in("192.0.2.9") == 302


def test_the_client_is_the_address_the_trusted_proxies_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.OPENPSO_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.2"  # no proxy: the header is the client's to forge
    settings.OPENPSO_TRUSTED_PROXIES = 1
    assert client_address(request) == "198.51.100.7"  # the proxy appended it; 6.6.6.6 was sent by the client
    settings.OPENPSO_TRUSTED_PROXIES = 3
    assert client_address(request) == "10.0.0.2"  # fewer hops than proxies: not through them


def test_an_administrator_can_lift_an_account_lock_before_the_cool_off(cast):
    from django.core.management import call_command

    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(f"198.51.100.{n}")
    assert _sign_in("203.0.113.20", VICTIM) == 429
    call_command("axes_reset_username", VICTIM, verbosity=0)
    assert _sign_in("203.0.113.20", VICTIM) == 302
