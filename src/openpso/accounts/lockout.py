"""How django-axes names the account a sign-in attempt was for."""

from __future__ import annotations

from typing import Any


def username_for_lockout(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """allauth authenticates with `email=`; the form field is `login`. Either names the account.

    Lower-cased so that "Nurse@x" and "nurse@x" count against the same lockout.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login")
    return str(value).strip().lower() if value else None
