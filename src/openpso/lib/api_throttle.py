"""The API's request-rate limits: per caller (each signed-in person and each API key on its own),
and per organisation for its API keys together.

Runs after authentication (ninja checks throttles once a credential has been accepted), so a
caller is counted by who it is, not by address: people behind one hospital's NAT do not
share a budget, and one runaway client or scraping session cannot take the whole API. A
request with no accepted credential is refused with 401 before it is counted. Each caller's
sliding window (the times of its requests within the period, as ninja's SimpleRateThrottle
keeps them) is one small file shared by the server's processes, read and rewritten in place
under a lock (`WindowFiles`); the limit is read from settings on each request
(OPENPSO_API_RATE, lib/api_rate.py).

A key's request is also counted in its organisation's window (OPENPSO_API_ORG_RATE): an
organisation that makes ten keys gets ten callers, not ten budgets. The caller's window is
checked first, so a key over its own rate spends none of its organisation's budget and cannot
starve the organisation's other keys; a request the organisation's window refuses is still
counted in its key's own window (one slot, the price of taking the two windows one at a time).
People are counted per person only: a person may hold roles in several organisations, and one
person's requests are already one caller's.
"""

from __future__ import annotations

import array
import fcntl
import hashlib
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from openpso.lib.api_rate import Rate, parse_rate

_SLOT = array.array("d").itemsize  # one request time: a C double


def caller_key(auth: Any) -> str | None:
    """`user:<pk>` for a person, `<model>:<pk>` for a key object; None when nobody was authenticated."""
    if auth is None or getattr(auth, "pk", None) is None:
        return None
    kind = "user" if isinstance(auth, AbstractBaseUser) else type(auth).__name__.lower()
    return f"openpso.api.rate:{kind}:{auth.pk}"


def current_rate() -> Rate:
    return parse_rate(settings.OPENPSO_API_RATE)


def current_org_rate() -> Rate:
    return parse_rate(settings.OPENPSO_API_ORG_RATE, setting="OPENPSO_API_ORG_RATE")


def organisation_key(request: HttpRequest) -> str | None:
    """`org:<pk>` for a request made with an organisation's API key (accounts/api_auth.py sets
    `request.api_key`); None for a person's session."""
    key = getattr(request, "api_key", None)
    org_id = getattr(key, "organization_id", None)
    return None if org_id is None else f"openpso.api.rate:org:{org_id}"


# Which window refused a request, for the 429's `detail` (`refusal_detail`).
CALLER_LIMIT = "caller"
ORGANISATION_LIMIT = "organisation"


def refusal_detail(request: HttpRequest) -> str:
    """The 429's `detail`, naming the limit that refused `request`."""
    if getattr(request, "openpso_rate_limit", None) == ORGANISATION_LIMIT:
        return (
            f"Too many requests: at most {current_org_rate().describe()} for all of this organisation's API keys "
            "together (OPENPSO_API_ORG_RATE). Retry after the number of seconds in the Retry-After header."
        )
    return (
        f"Too many requests: at most {current_rate().describe()} per signed-in person or API key "
        "(OPENPSO_API_RATE). Retry after the number of seconds in the Retry-After header."
    )


class WindowFiles:
    """Each caller's sliding window in a file of its own, under `directory`: the times of its
    requests within the period, newest first, as C doubles.

    Checking and recording happen under one exclusive lock of that file, so two processes
    cannot both take the last request of a budget. The file is rewritten in place: Django's file
    cache, which held the windows before, wrote a new file, renamed it over
    the old one and listed its directory on every API request — file-system metadata work that
    cost about as much as a database round trip. One file per person or API key that used the
    API; a file whose window has passed holds nothing that counts.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".window")

    def take(self, key: str, *, now: float, limit: int, period: float) -> tuple[bool, list[float]]:
        """Count one request at `now` if fewer than `limit` fall within `period` before it:
        returns whether it was counted (allowed) and the window, newest first."""
        try:
            fd = os.open(self._path(key), os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._path(key), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, os.fstat(fd).st_size, 0)
            stored = array.array("d", raw[: len(raw) // _SLOT * _SLOT])  # whole slots only
            window = [t for t in stored if now - period < t <= now + period]  # a clock set back: still counted
            allowed = len(window) < limit
            if allowed:
                window.insert(0, now)
            data = array.array("d", window).tobytes()
            if data != raw:
                os.pwrite(fd, data, 0)
                os.ftruncate(fd, len(data))
            return allowed, window
        finally:
            os.close(fd)  # and with it the lock

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def windows() -> WindowFiles:
    # Beside the file cache, and like it left out of backups: counts that rebuild themselves.
    return WindowFiles(Path(settings.DATA_DIR) / "cache" / "api-rate")


class CallerRateThrottle(BaseThrottle):
    """One instance serves every request of the API, from several threads; the wait of the
    request at hand is kept per thread, for wait() to read right after allow_request()."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        key = caller_key(getattr(request, "auth", None))
        if key is None:
            return True
        now = time.time()
        for limit, window_key, rate in (
            (CALLER_LIMIT, key, current_rate()),
            (ORGANISATION_LIMIT, organisation_key(request), current_org_rate()),
        ):
            if window_key is None:
                continue
            allowed, window = windows().take(window_key, now=now, limit=rate.requests, period=rate.seconds)
            if not allowed:
                self._local.wait = _wait(window, now=now, limit=rate.requests, period=rate.seconds)
                request.openpso_rate_limit = limit  # type: ignore[attr-defined]
                return False
        return True

    def wait(self) -> float | None:
        wait: float | None = getattr(self._local, "wait", None)
        return wait


def _wait(window: list[float], *, now: float, limit: int, period: float) -> float | None:
    """Seconds to wait before the next request, as ninja's SimpleRateThrottle.wait() says it."""
    remaining = period - (now - window[-1]) if window else period
    available = limit - len(window) + 1
    return None if available <= 0 else remaining / available
