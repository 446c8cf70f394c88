"""The live server the browser tests drive serves one request at a time.

pytest-django's live server is Django's: a thread per request, and with the in-memory SQLite
test database every thread shares the test's one connection. Two requests at once (a search
as you type still running when the form is sent) then share one transaction state: one
request's error breaks the other's atomic block, and the connection stays broken for every
later test on that worker (CI, 2026-12-07: one browser timeout, then 25 failures and 86 errors
on the same worker). A deployed server gives each request its own connection; here the
requests wait for each other instead. Connections are still accepted side by side: Chromium
opens idle pre-connect sockets, which would stall a server that reads one socket at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ReleasedOnClose:
    """A WSGI response that lets the next request in once the server has closed it (a
    streamed response still reads the database while the server iterates it)."""

    def __init__(self, result: Iterable[bytes], lock: threading.Lock) -> None:
        self._result = result
        self._lock: threading.Lock | None = lock

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._result)

    def __len__(self) -> int:
        # wsgiref sets Content-Length from a one-block response's length; keep that working.
        return len(self._result)  # type: ignore[arg-type]

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            lock, self._lock = self._lock, None
            if lock is not None:
                lock.release()


class OneRequestAtATime:
    """Wraps a WSGI application so that its requests run one after another."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> _ReleasedOnClose:
        self._lock.acquire()
        try:
            result = self._app(environ, start_response)
        except BaseException:
            self._lock.release()
            raise
        return _ReleasedOnClose(result, self._lock)


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """Django's threaded test server, its application wrapped in `OneRequestAtATime`."""

    def set_app(self, application: WsgiApp | None) -> None:  # type: ignore[override]
        super().set_app(OneRequestAtATime(application) if application is not None else None)


def serve_one_request_at_a_time() -> None:
    """Make every live server of this test run (pytest-django's `live_server` builds Django's
    `LiveServerThread`) serve one request at a time."""
    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = OneRequestAtATimeServer  # type: ignore[attr-defined]
