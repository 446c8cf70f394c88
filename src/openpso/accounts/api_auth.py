"""The API's one way in: an organisation's API key first, else the signed-in session.

`Authorization: Bearer opso_<prefix>_<secret>` names an `ApiKey`; its service account becomes
`request.user`, so every route scopes the call by that account's one membership, as for a person
in the role. A key presented is a key checked: a bad, unknown or revoked one is a 401 with
`WWW-Authenticate` even beside a valid session. Without the header the session is tried
(`lib.api_auth.session_auth`, CSRF on writes). A key call carries no cookie, so it needs no
CSRF token: CSRF guards what a browser sends on its own, and a browser never adds this header
by itself.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from openpso.accounts.api_keys import key_for_token
from openpso.accounts.models import User
from openpso.lib.api_auth import bearer_token, refuse_bad_key, session_auth


class ApiKeyAuth(HttpBearer):
    """The organisation's key; None without an Authorization header, so the session is tried next."""

    def __call__(self, request: HttpRequest) -> User | None:
        token = bearer_token(request)
        return None if token is None else self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        key = key_for_token(token)
        if key is None:
            raise refuse_bad_key()
        account = key.service_account
        request.user = account
        request.api_key = key  # type: ignore[attr-defined]
        return account


key_or_session = [ApiKeyAuth(), session_auth]
