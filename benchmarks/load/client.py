"""A small load generator: many HTTP/1.1 clients on one asyncio loop, each request timed.

Why not locust: it pulls gevent, which monkey-patches the standard library of the process it
runs in, and its per-request bookkeeping costs CPU that, on a 2-core machine, the server under
test would miss. This client is the standard library only: one connection per request (gunicorn's
sync workers close each connection anyway), the request written in one go, the response read to
the end. Each client may bind its own loopback address (127.0.0.2, 127.0.0.3, …) so that the
server sees 50 clients, not one: sign-in rate limits count per address, as they would in a ward.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]  # names in lower case, in the order received
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    def set_cookies(self) -> dict[str, str]:
        cookies: dict[str, str] = {}
        for key, value in self.headers:
            if key == "set-cookie":
                cookies.update({name: morsel.value for name, morsel in SimpleCookie(value).items()})
        return cookies

    def csrf_input(self) -> str | None:
        """The CSRF token a Django form page carries in its hidden input."""
        found = _CSRF_INPUT.search(self.body)
        return found.group(1).decode() if found else None


def parse_response(raw: bytes) -> Response:
    """Status, headers and body of a complete HTTP/1.x response read to the end of the connection."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP response: {lines[0][:80]!r}")
    headers = tuple((k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:]))
    if dict(headers).get("transfer-encoding", "").lower() == "chunked":
        body = _unchunk(body)
    return Response(status=int(parts[1]), headers=headers, body=body)


def _unchunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


@dataclass
class HttpClient:
    """One client: its own source address and cookie jar; every request a fresh connection."""

    host: str
    port: int
    source: str | None = None  # local address to bind, e.g. "127.0.0.7"
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(
        self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        local = (self.source, 0) if self.source else None
        reader, writer = await asyncio.open_connection(self.host, self.port, local_addr=local)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
            if body or method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            response = parse_response(await reader.read())
        finally:
            writer.close()
            await writer.wait_closed()
        self.cookies.update(response.set_cookies())
        return response

    async def post_form(self, path: str, fields: dict[str, str | list[str]]) -> Response:
        body = urlencode(fields, doseq=True).encode()
        return await self.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    async def sign_in(self, email: str, password: str) -> None:
        """Through allauth's real sign-in page, as a browser does (the CSRF token from the page)."""
        page = await self.request("GET", "/accounts/login/")
        token = page.csrf_input()
        if page.status != 200 or token is None:
            raise RuntimeError(f"sign-in page: HTTP {page.status}")
        done = await self.post_form(
            "/accounts/login/", {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )
        if done.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in refused: HTTP {done.status}")


# One unit of work for one client: returns None when it succeeded, else a short error label.
Task = Callable[[], Awaitable[str | None]]


@dataclass
class PhaseResult:
    """What a phase measured: per-request latencies of the successes, and the errors by kind."""

    name: str
    seconds: float  # from the first request's start to the last one's end
    latencies: list[float]  # seconds, successes only
    errors: Counter[str]

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return percentile(self.latencies, q)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): the smallest value with q% of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


async def run_phase(name: str, tasks: Sequence[Task], *, seconds: float, pace: float | None) -> PhaseResult:
    """Run every client's task in a loop for `seconds`.

    `pace` None: closed loop, each client sends its next request as soon as the last one is
    answered (the server's capacity). `pace` P: each client starts one request every P seconds,
    staggered (a fixed offered load, for latency); a client that falls behind sends at once.
    """
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    started = time.perf_counter()
    deadline = started + seconds
    ended = started

    async def client(index: int, task: Task) -> None:
        nonlocal ended
        next_at = started + (pace * index / len(tasks) if pace else 0.0)
        while True:
            now = time.perf_counter()
            if pace and next_at > now:
                await asyncio.sleep(next_at - now)
            if time.perf_counter() >= deadline:
                return
            t0 = time.perf_counter()
            try:
                error = await task()
            except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                error = type(exc).__name__
            t1 = time.perf_counter()
            ended = max(ended, t1)
            if error is None:
                latencies.append(t1 - t0)
            else:
                errors[error] += 1
            if pace:  # late: start again now, without a burst to catch up the missed slots
                next_at = max(next_at + pace, time.perf_counter())

    await asyncio.gather(*(client(i, task) for i, task in enumerate(tasks)))
    return PhaseResult(name=name, seconds=ended - started, latencies=latencies, errors=errors)
