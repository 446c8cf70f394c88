"""`openpso submissions functional`: catch up functional reporting (run it from cron, e.g.
hourly; running it twice reports nothing twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openpso import flows
from openpso.submissions.functional.actions import active_grants


class Command(BaseCommand):
    help = (
        "Submissions to the PSO. `functional` makes the PSO's copy of every report in scope of an "
        "active functional-reporting grant and marks it functionally reported (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        functional = subcommands.add_parser("functional", help="catch up functional reporting (idempotent)")
        functional.add_argument("--provider", help="only this provider's grants (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "functional":
            grants = active_grants().select_related("provider").order_by("pk")
            if options.get("provider"):
                grants = grants.filter(provider__slug=options["provider"])
            totals = [0, 0, 0]
            for grant in grants:
                run = flows.grant_scope_reported(grant)
                totals = [totals[0] + run.accepted, totals[1] + run.unchanged, totals[2] + run.refused]
                self.stdout.write(
                    f"{grant.provider.slug}\tgrant {grant.pk}\taccepted {run.accepted}\tunchanged {run.unchanged}"
                    f"\tnot submittable {run.refused}"
                )
            self.stdout.write(
                f"functional reporting: accepted {totals[0]}, unchanged {totals[1]}, not submittable {totals[2]}"
            )
