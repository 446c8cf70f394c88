"""Schemathesis over the whole OpenAPI document, signed in as each of two tenants (issue 13 item 8).

Every operation in /api/v1/openapi.json is called with generated input (the examples, coverage
and fuzzing phases) through the WSGI app, under all of schemathesis's default checks: no 5xx,
every status and body as documented, valid input accepted and invalid input refused, and
authentication enforced (`ignored_auth` retries each call without and with a wrong session).
A new route is fuzzed the moment it is in the document. The run is derandomized so a failure
is reproduced by running the test again; bounded so both tenants take well under a minute.

Schemathesis builds the coverage phase's cases when the tests are collected, before any
fixture runs, so each tenant signs in under a session key fixed here in advance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from openpso.testing.cast import Cast
from openpso.wsgi import application

OPENAPI = "/api/v1/openapi.json"
CSRF_TOKEN = "fuzzcsrf" * 4  # any 32 letters and digits; sent as the cookie and as the header
SESSION_KEYS = {"tenant_a": "fuzztenantasession00000000000000", "tenant_b": "fuzztenantbsession00000000000000"}
# The safety manager of provider p1 (tenant A) and of provider p2, in another health system (tenant B).
MEMBERS = {"tenant_a": "safety_manager", "tenant_b": "manager_p2"}

# Operations whose rules go past what a JSON schema can say: a schema-valid request may still
# be refused with a 422 naming the field and the reason (invariant 7). That is the contract, so
# `positive_data_acceptance` takes 422 there too; everywhere else it stays strict.
BEYOND_THE_SCHEMA = {
    "POST /api/v1/reports": (
        "the provider must be one the caller reports for and the unit one of its units; harm is required "
        "for an incident and refused otherwise; the categories must be collected for the event type; the "
        "discovery time must not be in the future; the answers must fit the Common Formats modules"
    ),
    "POST /api/v1/reports/fhir": "the body must be a QuestionnaireResponse answering a known form",
    "POST /api/v1/fhir/AdverseEvent": "the body must be an R4 AdverseEvent (or a Bundle of them) that makes a report",
    # Any string fits the cursor's schema; only one the list signed and gave out is a cursor
    # (lib/api_cursor.py): an edited or made-up one is a 422 naming `cursor` (docs/api.md, Paging).
    "GET /api/v1/reports": "the cursor must be a next_cursor this list gave out, and not given with an offset",
    "GET /api/v1/alerts": "the cursor must be a next_cursor this list gave out, and not given with an offset",
}
OPERATIONS_CONFIG = "\n".join(
    f"""
[[operations]]
include-name = "{name}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""
    for name in BEYOND_THE_SCHEMA
)
# Each tenant files for its own provider most of the time, so the fuzzing reaches past the
# "you cannot report for this provider" refusal into filing itself.
OWN_PROVIDER = {"tenant_a": "t-p1", "tenant_b": "t-p2"}


def _config(tenant: str) -> SchemathesisConfig:
    own = f"""
[dictionaries.own-provider]
values = ["{OWN_PROVIDER[tenant]}"]

[parameters]
"body.provider" = {{ dictionary = "own-provider", probability = 0.8 }}
"query.provider" = {{ dictionary = "own-provider", probability = 0.8 }}
"""
    return SchemathesisConfig.from_str(own + OPERATIONS_CONFIG)


FUZZ_SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    # The cast is built once per operation, not per example: examples share the test's database.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _schema_for(tenant: str) -> Any:
    schema = schemathesis.openapi.from_wsgi(OPENAPI, application, config=_config(tenant))

    @schema.auth(refresh_interval=None)
    class SignedIn:
        def get(self, case: Any, context: Any) -> str:
            return SESSION_KEYS[tenant]

        def set(self, case: Any, data: str, context: Any) -> None:
            case.cookies = {**(case.cookies or {}), django_settings.SESSION_COOKIE_NAME: data, "csrftoken": CSRF_TOKEN}
            case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF_TOKEN}

    return schema


tenant_a_schema = _schema_for("tenant_a")
tenant_b_schema = _schema_for("tenant_b")


def _sign_in(cast: Cast, tenant: str) -> None:
    """A session for the tenant's member under its fixed key, as a real sign-in leaves it."""
    client = Client()
    client.force_login(cast.users[MEMBERS[tenant]])
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    # The database session backend (the default, and ours); a store loads an unknown key as a new one.
    store.model.objects.create(
        session_key=SESSION_KEYS[tenant],
        session_data=store.encode(dict(client.session.items())),
        expire_date=timezone.now() + dt.timedelta(hours=1),
    )


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection() -> Iterator[None]:
    """The production WSGI handler closes the database connection around each request; inside
    the test's transaction that would end it (on PostgreSQL). Django's test client lifts the
    same hooks while it calls the app; the fuzzing calls the real handler, so lift them here."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def statuses() -> Iterator[list[int]]:
    """The statuses one operation answered; some must come from past authentication, or the
    fuzzing only proved that a stranger is turned away."""
    seen: list[int] = []
    yield seen
    assert seen, "no case was run"
    assert any(code not in (401, 403) for code in seen), f"every call was refused at the door: {sorted(set(seen))}"


@pytest.fixture
def as_tenant_a(cast: Cast) -> None:
    _sign_in(cast, "tenant_a")


@pytest.fixture
def as_tenant_b(cast: Cast) -> None:
    _sign_in(cast, "tenant_b")


@tenant_a_schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis types it as a bare Callable
@FUZZ_SETTINGS
def test_the_api_holds_under_fuzzing_as_tenant_a(case: Any, as_tenant_a: None, statuses: list[int]) -> None:
    statuses.append(case.call_and_validate().status_code)


@tenant_b_schema.parametrize()  # type: ignore[untyped-decorator]
@FUZZ_SETTINGS
def test_the_api_holds_under_fuzzing_as_tenant_b(case: Any, as_tenant_b: None, statuses: list[int]) -> None:
    statuses.append(case.call_and_validate().status_code)
