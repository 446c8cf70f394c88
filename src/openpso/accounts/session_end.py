"""How a signed-in session ends: at most OPENPSO_SESSION_MAX_HOURS after sign-in, and with a
browser told to forget this site's cache and storage.

The idle timeout (SESSION_COOKIE_AGE, renewed by every request) alone lets a busy session live
for ever; the middleware ends it a fixed time after sign-in however active it is (ASVS 7.3.2),
and audits that without PHI. Whatever signs a user out — the sign-out button or this limit —
answers with `Clear-Site-Data: "cache", "storage"`, so a shared ward computer keeps nothing
typed or shown (ASVS 14.3.1). Cookies are left out of the header on purpose: the response also
sets the new anonymous session and CSRF cookies the next sign-in needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from openpso.accounts.events import AccountAction
from openpso.accounts.models import User
from openpso.audit import trail
from openpso.audit.events import object_type_of

# Seconds since the epoch at sign-in, kept in the session (an int: the session is JSON).
SIGNED_IN_AT = "openpso_signed_in_at"
CLEAR_SITE_DATA = '"cache", "storage"'
_SIGNED_OUT = "_openpso_signed_out"


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="openpso.accounts.session_end.signed_in")
def note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = _now()
    _audit(user, AccountAction.SIGNED_IN)


@receiver(user_logged_out, dispatch_uid="openpso.accounts.session_end.signed_out")
def note_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        setattr(request, _SIGNED_OUT, True)
    if user is not None:  # Django sends None when the session held no one
        _audit(user, AccountAction.SIGNED_OUT)


def _audit(user: User, action: AccountAction) -> None:
    """Sign-ins and sign-outs in the audit chain (ASVS 16.3.1): who and when, nothing else —
    no address or device, which the access log keeps for its own shorter life."""
    trail.record(actor=user, action=action, object_type=object_type_of(user), object_id=user.pk)


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware: a session past its absolute lifetime is signed out before
    the view runs (which then sees an anonymous visitor and asks for sign-in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if not isinstance(started, int):
                # A session opened before this limit existed: its clock starts now.
                request.session[SIGNED_IN_AT] = _now()
            elif _now() - started >= settings.OPENPSO_SESSION_MAX_HOURS * 3600:
                trail.record(
                    actor=user,
                    action=AccountAction.SESSION_EXPIRED,
                    object_type=object_type_of(user),
                    object_id=user.pk,
                    detail={"reason": "max_age", "max_hours": settings.OPENPSO_SESSION_MAX_HOURS},
                )
                logout(request)
        response = self.get_response(request)
        if getattr(request, _SIGNED_OUT, False):
            response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
