"""The API's request-rate limit per caller: each signed-in person and each API key on its own.

Runs after authentication (ninja checks throttles once a credential has been accepted), so a
caller is counted by who it is, not by address: people behind one hospital's NAT do not
share a budget, and one runaway client or scraping session cannot take the whole API. A
request with no accepted credential is refused with 401 before it is counted. The counts
live in Django's cache (a file cache shared by the server's processes), in ninja's sliding
window; the limit is read from settings on each request (OPENPSO_API_RATE, lib/api_rate.py).
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from openpso.lib.api_rate import Rate, parse_rate


def caller_key(auth: Any) -> str | None:
    """`user:<pk>` for a person, `<model>:<pk>` for a key object; None when nobody was authenticated."""
    if auth is None or getattr(auth, "pk", None) is None:
        return None
    kind = "user" if isinstance(auth, AbstractBaseUser) else type(auth).__name__.lower()
    return f"openpso.api.rate:{kind}:{auth.pk}"


def current_rate() -> Rate:
    return parse_rate(settings.OPENPSO_API_RATE)


class _Window(SimpleRateThrottle):
    """ninja's sliding window for one caller and one request (its state lives on the instance)."""

    def __init__(self, rate: Rate, key: str) -> None:
        self.key_for_caller = key
        super().__init__(f"{rate.requests}/{rate.seconds}")

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.key_for_caller


class CallerRateThrottle(BaseThrottle):
    """One instance serves every request of the API, from several threads; the window of the
    request at hand is kept per thread, for wait() to read right after allow_request()."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.window = None
        key = caller_key(getattr(request, "auth", None))
        if key is None:
            return True
        window = _Window(current_rate(), key)
        self._local.window = window
        return bool(window.allow_request(request))

    def wait(self) -> float | None:
        window: _Window | None = getattr(self._local, "window", None)
        return None if window is None else window.wait()
