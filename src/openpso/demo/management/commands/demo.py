"""`openpso demo`: migrate, seed the synthetic demo network once, print the logins, serve."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from functools import partial
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from openpso.analytics.warm import warm_dashboards
from openpso.compliance.demo import seed_compliance
from openpso.demo.feedback import seed_feedback
from openpso.demo.generate import SeedResult, seed_demo
from openpso.demo.network import PSO_SLUG
from openpso.demo.submissions import SubmissionSeedResult, seed_submissions
from openpso.demo.users import DemoLogin, demo_logins, otpauth_uri
from openpso.lake.refresh import RefreshSummary, refresh_lake
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.roles import Role
from openpso.privilege.demo import seed_privilege
from openpso.pswp.demo import seed_obligations


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-15") from None


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of reports")
    return int(value)


class Command(BaseCommand):
    help = "Seed synthetic demo data (once), print the demo logins, and serve on 127.0.0.1:8000."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--events", type=_count, default=None, help="number of event reports to generate (default about 6,000)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--today", type=_date, default=None, help="anchor date YYYY-MM-DD; the 24 months end before its month"
        )
        parser.add_argument("--no-serve", action="store_true", help="seed and print, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        result = seed_demo(
            seed=options["seed"],
            events=options["events"],
            today=options["today"],
            progress=partial(self._progress, "Seeding event reports"),
        )
        self._summary(result)
        self._submissions(seed_submissions())
        for pso in Organization.objects.filter(kind=OrgKind.PSO, slug=PSO_SLUG):
            seed_compliance(pso, today=options["today"])
            seed_feedback(pso, today=options["today"])  # one safety alert, two members answered
            seed_privilege(pso, today=options["today"])  # a PSO disclosure, a subpoena, a breach
            seed_obligations(pso, today=options["today"])  # a state report from original records
        self._lake(refresh_lake(progress=partial(self._progress, "Pooling non-identified events")))
        self._logins(demo_logins())
        if not options["no_serve"]:
            self._warm()
            call_command("serve", no_migrate=True)  # migrated above already

    def _progress(self, label: str, done: int, total: int) -> None:
        # One line, rewritten in place on a terminal: large runs take a while and should
        # say how far. Logs and pipes get only the final line instead of a smear of \r.
        # Nothing at all when there is nothing to do (a second run).
        finished = done >= total
        if not total or not (finished or self.stdout.isatty()):
            return
        line = f"{label}: {done * 100 / max(total, 1):5.1f}% ({done:,}/{total:,})"
        self.stdout.write(("\r" if self.stdout.isatty() else "") + line, ending="\n" if finished else "")
        self.stdout.flush()

    def _summary(self, result: SeedResult) -> None:
        if not result.created:
            self.stdout.write("Demo data already present; nothing was created.")
        window = f"{result.first_month:%b %Y} – {result.last_month:%b %Y}" if result.first_month else "—"
        self.stdout.write(
            f"Demo network: {result.health_systems} health systems, {result.providers} providers, "
            f"{result.users} users, {result.reports:,} event reports, {result.denominators} monthly "
            f"denominators ({window}). All data is synthetic."
        )
        self.stdout.write(f"Safety events triaged and worked by the providers' teams: {result.events:,}.")

    def _submissions(self, result: SubmissionSeedResult) -> None:
        if result.submitted:
            self.stdout.write(
                f"Submitted to the PSO: {result.submitted:,} events ({result.functional:,} by functional reporting); "
                f"{result.not_covered:,} outside the member agreements stay at the providers."
            )
        if result.waiting:
            self.stdout.write(f"Waiting at the providers for a missing answer: {result.waiting:,} recent events.")

    def _warm(self) -> None:
        # No first look at a dashboard (the PSO's, a provider's, a health system's) should wait for its charts.
        # The demo logins' dashboards are built now; every other member's (two dozen, half a minute
        # or more) by the task worker that `serve` starts, which queues them as it starts (openpso worker),
        # while the server is already answering.
        started = time.perf_counter()
        names = {login.organization for login in demo_logins()}
        warmed = warm_dashboards(only=list(Organization.objects.filter(name__in=names).values_list("pk", flat=True)))
        self.stdout.write(
            f"Analytics: {warmed} dashboards built in {time.perf_counter() - started:.1f} s; "
            "the other members' are being built in the background."
        )

    def _lake(self, summary: RefreshSummary) -> None:
        if summary.events or summary.removed:
            self.stdout.write(
                f"PSO lake: {summary.events_in_lake:,} non-identified events, {summary.partitions_written} month "
                f"partitions written in {summary.seconds:.1f} s ({summary.events_per_s:,.0f} events/s)."
            )

    def _logins(self, logins: list[DemoLogin]) -> None:
        if not logins:
            raise CommandError("no demo logins defined")
        rows = [("Role", "E-mail", "Password", "Organisation")]
        rows += [(Role(login.role).label, login.email, login.password, login.organization) for login in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("\nTwo-factor authentication (TOTP) for every role but reporter:")
        for login in logins:
            if login.totp_secret:
                self.stdout.write(f"  {login.email}: {otpauth_uri(login)}")
        self.stdout.write("Print the current 6-digit code with: openpso demo-code EMAIL")
