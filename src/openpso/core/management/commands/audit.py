"""`openpso audit verify`: prove the audit log has not been edited or cut (DESIGN invariant 3),
and that every PSWP artefact holds the status its ledger last recorded
(docs/decisions/0009-pswp-ledger-and-pses.md).

It lives in `core`, the composition layer, because it checks two apps: `audit` (the chain) and
`pswp` (the ledger), neither of which may import the other's checks (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpso.audit.models import AuditChainHead
from openpso.audit.trail import verify_chain
from openpso.pswp.integrity import verify_ledger

# The ledger problems a failed verify names; the count says how many more there are.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` re-hashes the whole chain and exits 1 at the first broken row, "
        "or when a PSWP status differs from its last ledger transition."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify = subcommands.add_parser(
            "verify",
            help="check every event's hash and link, and every PSWP status against its ledger; exit 1 if any is broken",
        )
        verify.add_argument("--head", action="store_true", help="also print the newest event and its hash")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(show_head=options["head"])

    def _verify(self, *, show_head: bool) -> None:
        verdict = verify_chain()
        if not verdict.ok:
            # Exit status 1 so cron jobs and monitoring can alert on it; the reason names the row.
            raise CommandError(
                f"audit chain broken after {verdict.checked} intact events: {verdict.reason}", returncode=1
            )
        self.stdout.write(f"audit chain intact: {verdict.checked} events")
        if show_head:
            # The head's hash stands for the whole chain: equal heads, equal chains (a restore drill
            # compares it with the backup's manifest, docs/backup.md).
            head = AuditChainHead.objects.filter(pk=1).first()
            if head is not None:
                self.stdout.write(f"head: event {head.last_seq}, sha256 {head.last_hash}")
        ledger = verify_ledger()
        if not ledger.ok:
            more = len(ledger.problems) - SHOWN
            shown = "; ".join(ledger.problems[:SHOWN]) + (f"; and {more} more" if more > 0 else "")
            raise CommandError(f"PSWP ledger broken: {shown}", returncode=1)
        self.stdout.write(
            f"PSWP ledger consistent: {ledger.checked} records, each at its last ledger transition "
            f"({ledger.unrecorded} not yet in the ledger)"
        )
