"""`openpso feedback generate --kind KIND --org SLUG --month YYYY-MM [--pdf FILE]`.

Generates one feedback report now, in this process (no worker needed), prints its progress on
stderr and its id on stdout, and writes the PDF where `--pdf` says. The report is stored like one
asked for on the web, so its organisation's members find it on /feedback/reports/.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.feedback import queries
from openpso.feedback.models import FeedbackReport, ReportKind
from openpso.feedback.reports import actions as reports
from openpso.lib.months import parse_month
from openpso.organizations.models import FeedbackProduct, Organization, OrgKind

# What each kind is made for, and the product its organisation's agreement must include.
KIND_ORG: dict[str, tuple[OrgKind, FeedbackProduct | None]] = {
    ReportKind.PROVIDER_MONTHLY: (OrgKind.PROVIDER, FeedbackProduct.MONTHLY_PROVIDER_REPORT),
    ReportKind.REPORTER_DIGEST: (OrgKind.PROVIDER, FeedbackProduct.REPORTER_DIGEST),
    ReportKind.SYSTEM: (OrgKind.HEALTH_SYSTEM, None),
    ReportKind.PSO_LEARNING: (OrgKind.PSO, None),
}


class Command(BaseCommand):
    help = "Feedback products: generate a report now."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{generate}")
        generate = sub.add_parser("generate", help="generate one report (HTML and PDF) in this process")
        generate.add_argument("--kind", required=True, choices=ReportKind.values)
        generate.add_argument("--org", required=True, metavar="SLUG", help="the organisation the report is for")
        generate.add_argument("--month", required=True, metavar="YYYY-MM")
        generate.add_argument("--pdf", type=Path, metavar="FILE", help="also write the PDF here")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, month = options["kind"], options["month"]
        org = self._org(kind, options["org"])
        try:
            parse_month(month)
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        report = FeedbackReport.objects.create(kind=kind, organization=org, period=parse_month(month))
        try:
            done = reports.generate(
                report.pk, echo=lambda percent, message: self.stderr.write(f"{percent:3d}% {message}")
            )
        except Exception as exc:
            raise CommandError(f"report {report.pk} failed: {type(exc).__name__}") from exc
        if options["pdf"]:
            options["pdf"].write_bytes(bytes(done.pdf))
        where = f", PDF written to {options['pdf']}" if options["pdf"] else ""
        self.stdout.write(f"report {done.pk}\t{kind}\t{org.slug}\t{month}\t{len(done.pdf):,} bytes{where}")

    def _org(self, kind: str, slug: str) -> Organization:
        org_kind, product = KIND_ORG[kind]
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"--org: no organisation with the slug {slug!r}")
        if org.kind != org_kind:
            raise CommandError(
                f"--org: {slug} is a {org.get_kind_display().lower()}; {kind} is for a {org_kind.label.lower()}"
            )
        if product and not queries.receives(org, product):
            raise CommandError(f"--org: {slug}'s member agreement in force does not include {product.label.lower()}")
        if kind == ReportKind.SYSTEM and not queries.system_affiliates(org):
            raise CommandError(f"--org: no affiliate of {slug} shares with it and receives the health-system report")
        return org
