"""Account forms we change from allauth's."""

from __future__ import annotations

from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.models import EmailAddress
from django.db import transaction


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
