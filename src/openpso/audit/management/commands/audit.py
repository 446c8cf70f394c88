"""`openpso audit verify`: prove the audit log has not been edited or cut (DESIGN invariant 3)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpso.audit.trail import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` re-hashes the whole chain and exits 1 at the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        subcommands.add_parser("verify", help="check every event's hash and link; exit 1 if any is broken")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify()

    def _verify(self) -> None:
        verdict = verify_chain()
        if not verdict.ok:
            # Exit status 1 so cron jobs and monitoring can alert on it; the reason names the row.
            raise CommandError(
                f"audit chain broken after {verdict.checked} intact events: {verdict.reason}", returncode=1
            )
        self.stdout.write(f"audit chain intact: {verdict.checked} events")
