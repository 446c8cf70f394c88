"""`openpso bootstrap`: create the first PSO and its administrator in an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpso.organizations.bootstrap import BootstrapRefused, bootstrap_pso


class Command(BaseCommand):
    help = (
        "Create the PSO and its first administrator (once, in an empty database) and print a "
        "one-time link for them to set their password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="short name in addresses, e.g. great-lakes-pso")
        parser.add_argument("--name", required=True, help="the PSO's name, as listed by AHRQ")
        parser.add_argument("--admin-email", required=True, help="the first PSO administrator's e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = bootstrap_pso(slug=options["slug"], name=options["name"], admin_email=options["admin_email"])
        except BootstrapRefused as refused:
            raise CommandError(f"refused, nothing was created: {refused}") from None
        self.stdout.write(f"Created the PSO {made.pso.name!r} ({made.pso.slug}) and its administrator.")
        self.stdout.write(
            "Give them this one-time link, on the address the site is served on, to set a password "
            "(it stops working once used or when it expires); they set up two-factor sign-in next:"
        )
        self.stdout.write(f"  {made.set_password_path}")
