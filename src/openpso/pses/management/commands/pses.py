"""`openpso pses clocks`: notify about clocks due within a day or overdue (run it from cron,
e.g. hourly; running it twice notifies nobody twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openpso.pses.safety_events.clockwatch import scan_clocks


class Command(BaseCommand):
    help = "PSES tools. `clocks` scans every open event and untriaged report and notifies due or overdue clocks."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        subcommands.add_parser("clocks", help="notify clocks due within a day or overdue (idempotent)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "clocks":
            result = scan_clocks()
            self.stdout.write(f"clocks due or overdue: {result.clocks}; new notifications: {result.notifications}")
