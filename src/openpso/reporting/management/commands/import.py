"""`openpso import --provider SLUG FILE…`: event reports from FHIR QuestionnaireResponses and
FHIR R4 AdverseEvents (docs/interchange.md); `FILE.csv|FILE.xlsx --mapping MAPPING.json
[--dry-run]` imports an incident system's export (reporting.bulk_import.command).

A file is one JSON resource, a Bundle of them, or NDJSON (one resource a line). Every file is
checked before anything is saved; if any has an error, each error is printed with the file and
the item (a QuestionnaireResponse's linkId, an AdverseEvent's FHIRPath), nothing is saved, and
the exit status is 1. Importing the same response or event again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openpso import flows
from openpso.organizations.models import Organization, OrgKind
from openpso.reporting import actions
from openpso.reporting.adverse_event import (
    ADVERSE_EVENT_FORMAT,
    AdverseEventInvalid,
    entries,
    read_documents,
    report_from_adverse_event,
)
from openpso.reporting.adverse_event_actions import flag_unmapped_codes
from openpso.reporting.bulk_import import command as bulk
from openpso.reporting.bulk_import.reader import UnreadableFile
from openpso.reporting.errors import IdempotencyConflict, ReportInvalid
from openpso.reporting.fhir_import import iter_responses, report_from_response, source_key
from openpso.reporting.schemas import ReportIn


@dataclass(frozen=True)
class _Ready:
    where: str
    data: ReportIn
    key: str
    unmapped: tuple[str, ...] = ()
    format: str = "fhir-questionnaire-response"


class Command(BaseCommand):
    help = (
        "Import event reports from FHIR QuestionnaireResponse or R4 AdverseEvent files "
        "(JSON, a Bundle, or NDJSON with one resource a line)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provider", required=True, help="slug of the provider the events belong to")
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--mapping", type=Path, help="CSV/XLSX: the column and value mapping (JSON)")
        parser.add_argument("--dry-run", action="store_true", help="CSV/XLSX: list every row that would fail")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Organization.objects.filter(slug=options["provider"], kind=OrgKind.PROVIDER).first()
        if provider is None:
            raise CommandError(f"--provider: no provider with the slug {options['provider']!r} (see `openpso orgs`)")
        if any(bulk.is_bulk(path) for path in options["files"]):
            self._bulk(provider, options)
            return
        ready: list[_Ready] = []
        problems: list[str] = []
        for path in options["files"]:
            try:
                documents = read_documents(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                problems.append(f"{path}: cannot read it as JSON or NDJSON ({exc.__class__.__name__})")
                continue
            for line, document in enumerate(documents):
                where = f"{path}" if len(documents) == 1 else f"{path}:{line + 1}"
                self._read(document, where, provider, ready, problems)
        if problems:
            for message in problems:
                self.stderr.write(message)
            raise CommandError(f"nothing was imported: {len(problems)} problem(s)")
        try:
            with transaction.atomic():
                for item in ready:
                    report, created = actions.import_report(
                        actor=None, provider=provider, data=item.data, source_key=item.key, source_format=item.format
                    )
                    if created:
                        flows.report_filed(report.pk)
                        flag_unmapped_codes(actor=None, report=report, codes=list(item.unmapped))
                    state = "imported as" if created else "already imported as"
                    flagged = (
                        f"; flagged, codes not in the mapping table: {', '.join(item.unmapped)}"
                        if created and item.unmapped
                        else ""
                    )
                    self.stdout.write(f"{item.where}: {state} report {report.short_id} ({report.pk}){flagged}")
        except (ReportInvalid, IdempotencyConflict) as exc:
            errors = exc.errors if isinstance(exc, ReportInvalid) else []
            for e in errors:
                self.stderr.write(f"{e.field}: {e.message}")
            raise CommandError(f"nothing was imported: {exc}") from None

    def _bulk(self, provider: Organization, options: dict[str, Any]) -> None:
        if not options["mapping"] or not all(bulk.is_bulk(path) for path in options["files"]):
            raise CommandError("CSV and XLSX exports need --mapping MAPPING.json, and no FHIR files beside them")
        failing = 0
        try:
            mapping = bulk.read_mapping(options["mapping"])
            for path in options["files"]:
                dry_run = options["dry_run"]
                outcome = bulk.import_file(
                    provider=provider, path=path, mapping=mapping, dry_run=dry_run, on_filed=flows.reports_filed
                )
                for line in outcome.lines:
                    self.stdout.write(line)
                failing += outcome.failing_rows
        except bulk.BulkImportFailed as exc:
            raise CommandError("\n".join(exc.lines)) from None
        except (OSError, UnreadableFile) as exc:
            raise CommandError(f"cannot read the export: {exc}") from None
        if failing:
            raise CommandError(f"{failing} row(s) {'would fail' if options['dry_run'] else 'failed'}; see above")

    def _read(
        self, document: Any, where: str, provider: Organization, ready: list[_Ready], problems: list[str]
    ) -> None:
        if not isinstance(document, Mapping):
            problems.append(f"{where}: not a FHIR resource")
            return
        if _is_adverse_event(document):
            self._read_adverse_events(document, where, provider, ready, problems)
            return
        bundle = document.get("resourceType") == "Bundle"
        for index, qr in enumerate(iter_responses(document)):
            here = f"{where}#{index + 1}" if bundle else where
            try:
                ready.append(_Ready(here, report_from_response(qr, provider=provider), source_key(provider, qr)))
            except ReportInvalid as exc:
                problems += [f"{here}: {e.field}: {e.message}" for e in exc.errors]

    def _read_adverse_events(
        self, document: Mapping[str, Any], where: str, provider: Organization, ready: list[_Ready], problems: list[str]
    ) -> None:
        for path, resource in entries(document):
            try:
                imported = report_from_adverse_event(resource, provider=provider, path=path)
            except AdverseEventInvalid as exc:
                problems += [f"{where}: {i.expression}: {i.message}" for i in exc.issues]
                continue
            ready.append(
                _Ready(
                    f"{where} {path}",
                    imported.data,
                    imported.source_key,
                    tuple(imported.unmapped),
                    ADVERSE_EVENT_FORMAT,
                )
            )


def _is_adverse_event(document: Mapping[str, Any]) -> bool:
    if document.get("resourceType") == "AdverseEvent":
        return True
    if document.get("resourceType") != "Bundle":
        return False
    kinds = {e.get("resource", {}).get("resourceType") for e in document.get("entry") or [] if isinstance(e, Mapping)}
    return "AdverseEvent" in kinds
