import threading
import time
from typing import Any

import pytest
from django.test.testcases import LiveServerThread

from openpso.testing.live_server import OneRequestAtATime, OneRequestAtATimeServer


class _App:
    """A WSGI app that notes how many of its requests ran at the same time."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.guard = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        if environ.get("fail"):
            with self.guard:
                self.running -= 1
            raise RuntimeError("view failed")
        with self.guard:
            self.running -= 1
        return [b"ok"]


def _serve(app: OneRequestAtATime, environ: dict[str, Any]) -> None:
    # What wsgiref's handler does: call, iterate, close (also after an error).
    result = app(environ, lambda *a: None)
    try:
        list(result)
    finally:
        result.close()


def test_the_browser_tests_live_server_serves_one_request_at_a_time() -> None:
    assert LiveServerThread.server_class is OneRequestAtATimeServer  # type: ignore[attr-defined]


def test_requests_sent_together_run_one_after_another() -> None:
    inner = _App()
    app = OneRequestAtATime(inner)
    threads = [threading.Thread(target=_serve, args=(app, {})) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.most == 1


def test_a_failed_request_lets_the_next_one_in() -> None:
    app = OneRequestAtATime(_App())
    with pytest.raises(RuntimeError):
        _serve(app, {"fail": True})
    done = threading.Event()

    def serve_next() -> None:
        _serve(app, {})
        done.set()

    threading.Thread(target=serve_next).start()
    assert done.wait(2), "the lock was kept after a failed request"


def test_a_response_keeps_its_length_and_closes_once() -> None:
    app = OneRequestAtATime(_App())
    result = app({}, lambda *a: None)
    assert len(result) == 1
    result.close()
    result.close()  # wsgiref may close twice after an error; the lock is released once
    _serve(app, {})
