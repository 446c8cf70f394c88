"""Sign-in lockout: one counter for wrong passwords and wrong second-factor codes, so
an attacker cannot get twice the guesses by alternating them.

django-axes counts failures and locks by the keys `OPENPSO_LOCKOUT_BY` names (account,
client, or both; `lockout_policy.py`). Axes sees password failures through Django's
`authenticate`; allauth checks TOTP and recovery codes itself, so our MFA forms
(`accounts/forms.py`) hand each wrong code to axes here — without that, a correct password
opened an unlimited run of code guesses. Lockouts and failed codes go to the audit chain
(ASVS 5.0 V6.3.1 throttling, V16.3.1 authentication events logged); code values never do.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from openpso.accounts.events import AccountAction
from openpso.accounts.lockout_policy import describe
from openpso.accounts.models import User
from openpso.audit.events import object_type_of
from openpso.audit.trail import record

# Who acts in these rows: a client that has not proven who it is. Not "anonymous", which in
# OpenPSO's audit log means an anonymous reporter.
UNAUTHENTICATED = "unauthenticated client"


def username_for_lockout(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """Name the account a sign-in attempt was for, lower-cased so "Nurse@x" and "nurse@x" count
    against the same lockout.

    allauth authenticates with `email=`; the form field is `login`; axes itself passes
    `{"login": ...}` when a sign-in succeeds, and our MFA forms pass `username=`.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login")
    return str(value).strip().lower() if value else None


def client_address(request: HttpRequest) -> str | None:
    """The client's network address, seen through `OPENPSO_TRUSTED_PROXIES` reverse proxies.

    Behind a proxy every request comes from the proxy's address, so a per-client lockout
    keyed on REMOTE_ADDR would lock everybody at once. Each trusted proxy appends the address
    it was reached from to X-Forwarded-For; the entry that many places from the right is the
    one the outermost proxy saw. Entries further left are whatever the client chose to send.
    """
    proxies = int(getattr(settings, "OPENPSO_TRUSTED_PROXIES", 0))
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return str(remote) if remote else None
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    if len(hops) < proxies:
        return str(remote) if remote else None
    return hops[-proxies]


class AuditedLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, plus an audit row when a lock begins, and a narrower reset.

    Configured as AXES_HANDLER — axes' own extension point, so the counting and locking stay
    axes'.
    """

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or not getattr(request, "axes_locked_out", False):
            return
        locked = self._keys_reaching_the_limit(request, credentials)
        if locked:
            _record_lockout(request=request, credentials=credentials, locked=locked)

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """A successful sign-in forgives the failures counted against that account, from any
        address — and only those.

        axes would delete every row matching any lockout key, the client's address included:
        an attacker holding one account of their own could then sign into it between guesses
        at someone else's and never reach the limit.
        """
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)

    def _keys_reaching_the_limit(self, request: Any, credentials: dict[str, Any]) -> list[str]:
        # Each failure adds one to every counter that includes it, so a counter standing exactly
        # at the limit was tripped by this failure; one above it was locked already.
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        counts = [
            sum(attempts.values_list("failures_since_start", flat=True))
            for attempts in self.get_user_attempts(request, credentials)
        ]
        return [word for word, count in zip(describe(parameters), counts, strict=True) if count == limit]


def _record_lockout(*, request: Any, credentials: dict[str, Any], locked: list[str]) -> None:
    username = get_client_username(request, credentials)
    user_pk = _account_pk(username)
    record(
        actor=None,
        actor_label=UNAUTHENTICATED,
        action=AccountAction.LOCKED_OUT,
        object_type=object_type_of(get_user_model()),
        object_id=user_pk if user_pk is not None else "unknown",
        purpose="security",
        detail={
            "locked": locked,
            "client": getattr(request, "axes_ip_address", None),
            "path": getattr(request, "axes_path_info", ""),
            "failures": get_failure_limit(request, credentials),
            "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
        },
    )


def _account_pk(username: str | None) -> int | None:
    # The typed login of an unknown account stays out of the audit row: it may be a mistyped
    # name or anything else a person put in the wrong box.
    if not username:
        return None
    pk = get_user_model().objects.filter(email__iexact=username).values_list("pk", flat=True).first()
    return int(pk) if pk is not None else None


def credentials_for(user: User) -> dict[str, str]:
    return {"username": str(user.get_username())}


def second_factor_allowed(*, request: HttpRequest, user: User) -> bool:
    """False while the account or this client is locked, whatever code is given."""
    return bool(AxesProxyHandler.is_allowed(request, credentials_for(user)))


def second_factor_failed(*, request: HttpRequest, user: User, reason: str, reauthentication: bool) -> bool:
    """Audit a refused TOTP or recovery code and count it as a failed sign-in; True if that
    leaves the account or client locked (axes then answers with the locked-out page).

    `reason` is "incorrect_code" or "locked" (refused unchecked: an attempt during a lock
    counts too and extends it, as a password attempt does). The code itself is never kept:
    AXES_SENSITIVE_PARAMETERS masks the `code` field in the attempt row axes writes.
    """
    signed_in = reauthentication and request.user.is_authenticated
    record(
        # At reauthentication the session's own user typed the code; at sign-in nobody is
        # proven yet.
        actor=request.user if signed_in else None,
        actor_label=None if signed_in else UNAUTHENTICATED,
        action=AccountAction.SECOND_FACTOR_FAILED,
        object_type=object_type_of(user),
        object_id=int(user.pk),
        purpose="security",
        detail={
            "reason": reason,
            "reauthentication": reauthentication,
            "client": client_address(request),
        },
    )
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=credentials_for(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))
