"""`openpso import --provider SLUG FILE…`: event reports from FHIR QuestionnaireResponses.

Every file is checked before anything is saved; if any file has an error, each error is
printed with the file and the item's linkId, nothing is saved, and the exit status is 1.
Importing the same response again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openpso import flows
from openpso.organizations.models import Organization, OrgKind
from openpso.reporting import actions
from openpso.reporting.errors import ReportInvalid
from openpso.reporting.fhir_import import iter_responses, report_from_response, source_key


class Command(BaseCommand):
    help = "Import event reports from FHIR QuestionnaireResponse files (JSON; a Bundle of them is fine)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provider", required=True, help="slug of the provider the events belong to")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Organization.objects.filter(slug=options["provider"], kind=OrgKind.PROVIDER).first()
        if provider is None:
            raise CommandError(f"--provider: no provider with the slug {options['provider']!r} (see `openpso orgs`)")
        ready, problems = [], []
        for path in options["files"]:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                problems.append(f"{path}: cannot read it as JSON ({exc.__class__.__name__})")
                continue
            for index, qr in enumerate(iter_responses(document)):
                where = f"{path}" if index == 0 and document.get("resourceType") != "Bundle" else f"{path}#{index + 1}"
                try:
                    ready.append((where, report_from_response(qr, provider=provider), source_key(provider, qr)))
                except ReportInvalid as exc:
                    problems += [f"{where}: {e.field}: {e.message}" for e in exc.errors]
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"nothing was imported: {len(problems)} problem(s)")
        try:
            with transaction.atomic():
                for where, data, key in ready:
                    report, created = actions.import_report(actor=None, provider=provider, data=data, source_key=key)
                    if created:
                        flows.report_filed(report.pk)
                    state = "imported as" if created else "already imported as"
                    self.stdout.write(f"{where}: {state} report {report.short_id} ({report.pk})")
        except ReportInvalid as exc:
            for e in exc.errors:
                self.stderr.write(f"{e.field}: {e.message}")
            raise CommandError("nothing was imported") from None
