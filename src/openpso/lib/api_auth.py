"""Who is calling the API, and what a refused caller is told.

Two ways in: an organisation's API key in `Authorization: Bearer …` (every operation takes one,
accounts/api_auth.py), or a signed-in session (the browser's cookie). A missing or bad credential is a
401 whose JSON `detail` says why. CSRF exists because a browser sends its cookies on its own,
so it guards the session alone and only once there is a session to abuse: a request with a
bad key, or none, is never told about CSRF (ninja's cookie auth checked CSRF first, so a POST
with a bad key was a 403 "CSRF check failed"). A key presented is a key checked: a bad one is
refused even beside a valid session, so a misconfigured client finds out at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

SIGN_IN = "Authentication required: sign in (session cookie, with the CSRF token on writes)"
BAD_SCHEME = "The Authorization header must be `Bearer opso_<prefix>_<secret>`"
BAD_KEY = "The API key is not valid: unknown, revoked or mistyped"
UNREADABLE_BODY = "The body cannot be read: send JSON with Content-Type: application/json"
CSRF_FAILED = "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header"

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class NotAuthenticated(HttpError):
    """A 401 with the reason; `challenge` is the WWW-Authenticate value, where there is one."""

    def __init__(self, reason: str, *, challenge: str = "") -> None:
        super().__init__(status_code=401, message=reason)
        self.challenge = challenge


def bearer_token(request: HttpRequest) -> str | None:
    """The token of `Authorization: Bearer <token>`; None without the header; 401 for another scheme."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(BAD_SCHEME, challenge='Bearer realm="OpenPSO API"')
    return token.strip()


def refuse_bad_key() -> NotAuthenticated:
    # RFC 6750 section 3.1: the error code for a key that is unknown, revoked or malformed.
    return NotAuthenticated(BAD_KEY, challenge='Bearer realm="OpenPSO API", error="invalid_token"')


class SessionAuth(APIKeyCookie):
    """The signed-in person; CSRF-checked on writes. Last in every operation's auth list."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, and only for a session that exists

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            # Never reached with an Authorization header: the key auth before this one accepts the
            # key or refuses it, on every operation.
            raise NotAuthenticated(SIGN_IN)
        csrf_exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in _SAFE_METHODS and not csrf_exempt and _csrf_fails(request):
            raise HttpError(403, CSRF_FAILED)
        return user


def _csrf_fails(request: HttpRequest) -> bool:
    try:
        return check_csrf(request) is not None
    except MultiPartParserError as exc:
        # Django's CSRF check reads a form body for its token; a malformed multipart body
        # otherwise escapes as Django's own HTML 400.
        raise HttpError(400, UNREADABLE_BODY) from exc


session_auth = SessionAuth()
