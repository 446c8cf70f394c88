"""`openpso demo-code EMAIL`: the current TOTP code of a demo account, for trying the demo.

Refuses every address outside the demo domain: printing a live second factor is only
acceptable for synthetic accounts whose secrets are public anyway.
"""

from __future__ import annotations

import argparse
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from openpso.accounts.models import User
from openpso.demo.users import DEMO_DOMAIN, is_demo_email


class Command(BaseCommand):
    help = f"Print the current TOTP code of a demo account (@{DEMO_DOMAIN} only)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("email", help=f"a demo account's e-mail, e.g. manager@{DEMO_DOMAIN}")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if not is_demo_email(email):
            raise CommandError(
                f"email: {email!r} is not a demo account; only @{DEMO_DOMAIN} addresses have printable codes."
            )
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"email: no demo account {email!r}; run `openpso demo` first.")
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"email: {email!r} has no authenticator (reporters sign in without one).")
        secret = decrypt(authenticator.data["secret"])
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]  # the window is centred on the current period
        self.stdout.write(format_hotp_value(hotp_value(secret, current)))
