"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from openpso.lib.api_throttle import windows as api_rate_windows
from openpso.testing.browser import chromium, phone, scanned_phone  # noqa: F401 - fixtures
from openpso.testing.cast import Cast, build_cast
from openpso.testing.live_server import serve_one_request_at_a_time
from openpso.testing.node_ids import give_each_test_its_own_id


def pytest_configure(config: pytest.Config) -> None:
    serve_one_request_at_a_time()  # the browser tests' server shares one SQLite connection


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    give_each_test_its_own_id(items)  # else pytest-xdist runs one of the tests sharing an id


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: rate-limit counters and allauth's record of
    used TOTP codes must not leak between tests (user ids repeat after each rollback); the
    API's rate windows live in files of their own (openpso.lib.api_throttle)."""
    cache.clear()
    api_rate_windows().clear()
    yield
    cache.clear()
    api_rate_windows().clear()


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def client_for(cast: Cast) -> Callable[[str], Client]:
    """A signed-in client for one member of the cast, by key (e.g. "safety_manager")."""

    def make(key: str) -> Client:
        client = Client()
        client.force_login(cast.users[key])
        return client

    return make
