"""`openpso compliance`: print each PSO's register flags, one per line; exit status 1 on a red
flag, so a cron job can alert (`openpso compliance || mail -s "PSO compliance" …`).

Line format: slug<TAB>LEVEL<TAB>code<TAB>text (LEVEL is RED, AMBER or GREEN).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openpso.compliance.register import Level, register_for
from openpso.organizations.models import Organization, OrgKind


class Command(BaseCommand):
    help = "Print the compliance register's flags for each PSO; exit 1 when any flag is red."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pso", metavar="SLUG", help="only this PSO")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="check as of this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        psos = Organization.objects.filter(kind=OrgKind.PSO).order_by("slug")
        if options["pso"]:
            psos = psos.filter(slug=options["pso"])
            if not psos.exists():
                raise CommandError(f"--pso: no PSO with the slug {options['pso']!r}", returncode=2)
        today = options["date"] or timezone.localdate()
        red = 0
        for pso in psos:
            for flag in register_for(pso=pso, today=today).flags:
                self.stdout.write(f"{pso.slug}\t{flag.level.value.upper()}\t{flag.code}\t{flag.text}")
                red += flag.level == Level.RED
        if red:
            raise CommandError(f"{red} red flag{'s' if red != 1 else ''} in the compliance register", returncode=1)
