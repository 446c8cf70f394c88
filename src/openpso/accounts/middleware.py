"""Every role but `reporter` must have TOTP set up before using OpenPSO (42 CFR 3.106 security)."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.organizations.roles import MFA_EXEMPT_ROLES

# Paths a user without MFA may still reach: setting MFA up, signing out, static files, and
# the anonymous channel, which ignores who is signed in anyway.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/anonymous/")


def needs_mfa_setup(user: Actor) -> bool:
    from openpso.organizations.models import Membership

    roles = set(Membership.objects.filter(user=user_row(user)).values_list("role", flat=True))
    if getattr(user, "is_superuser", False):
        roles.add("superuser")
    if not roles - set(MFA_EXEMPT_ROLES):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if _api_key_call(request):
            # The API authenticates this call by its key (accounts/api_auth.py), never by a session
            # cookie sent beside it. A key is no password: 256 random bits shown once, no phishable
            # secret a person types, held by a service account that cannot sign in to any page.
            return self.get_response(request)
        if user.is_authenticated and not request.path.startswith(_ALLOWED_PREFIXES) and needs_mfa_setup(user):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {
                        "detail": "Two-factor authentication must be set up before using the API.",
                        "code": "mfa_required",
                    },
                    status=403,
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _api_key_call(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") and "Authorization" in request.headers
