from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Accounts are issued by a PSO or provider administrator; nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """One password check at a time per account, holding the account's row.

        axes checks the lock before the password and counts the failure after it; passwords
        sent in parallel would otherwise all pass the check before any failure was counted.
        An unknown account has no row to hold and nothing to find.
        """
        email = str(credentials.get("email") or "").strip().lower()
        with transaction.atomic():
            if email:
                get_user_model().objects.select_for_update().filter(email=email).exists()
            user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        if getattr(user, "is_service_account", False):
            return None  # an API key's account: no password, and never a sign-in either
        return user
