"""Account forms we change from allauth's."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from openpso.accounts import lockout
from openpso.accounts.models import User


class FirstPasswordKeyForm(ResetPasswordKeyForm):  # type: ignore[misc]
    """Setting a password from the reset e-mail also verifies the address.

    Accounts are issued by an administrator without a password; the person sets their first
    one through the reset e-mail. Following that link proves they hold the address, which is
    what allauth's MFA asks before TOTP set-up (`unverified_email`); without this, a person
    the PSO administrator added could never set up the TOTP every role but reporter must use.
    """

    def save(self) -> None:
        with transaction.atomic():
            super().save()
            email = self.user.email
            if email:
                address, _ = EmailAddress.objects.get_or_create(
                    user=self.user, email__iexact=email, defaults={"email": email.lower(), "primary": True}
                )
                if not address.verified:
                    address.verified = True
                    address.save(update_fields=["verified"])


class _LockoutSecondFactorMixin:
    """TOTP and recovery codes count toward the sign-in lockout, as passwords do.

    allauth limits code guesses through its own `login_failed` rate limit, which settings turn
    off so that axes alone owns lockout; without this, a correct password opened an unlimited
    run of guesses at a six-digit code. A locked account or client is refused even the right
    code, and axes' middleware answers with the locked-out page.
    """

    user: User
    reauthentication = False

    def clean_code(self) -> str:
        request = context.request
        # One code check at a time per account, holding the account's row: codes sent in
        # parallel would otherwise all pass the lock check before any failure was counted.
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=self.user.pk).exists()
            if not lockout.second_factor_allowed(request=request, user=self.user):
                refusal = self._count_refusal(request, reason="locked")
            else:
                try:
                    code: str = super().clean_code()  # type: ignore[misc]
                    return code
                except ValidationError:
                    refusal = self._count_refusal(request, reason="incorrect_code")
        raise refusal  # outside the block, so the counted failure and its audit row are kept

    def _count_refusal(self, request: HttpRequest, *, reason: str) -> ValidationError:
        locked = lockout.second_factor_failed(
            request=request, user=self.user, reason=reason, reauthentication=self.reauthentication
        )
        if locked and not self.reauthentication:
            # Start again from the password once the lock lifts: a pending sign-in must not
            # outlive its lock and reopen the code prompt.
            clear_login(request)
        if locked:
            return get_adapter().validation_error("too_many_login_attempts")  # type: ignore[no-any-return]
        return get_mfa_adapter().validation_error("incorrect_code")  # type: ignore[no-any-return]


class LockoutAuthenticateForm(_LockoutSecondFactorMixin, AuthenticateForm):  # type: ignore[misc]
    """The code prompt after the password (MFA_FORMS["authenticate"])."""


class LockoutReauthenticateForm(_LockoutSecondFactorMixin, ReauthenticateForm):  # type: ignore[misc]
    """The code prompt before a sensitive change while signed in (MFA_FORMS["reauthenticate"])."""

    reauthentication = True
