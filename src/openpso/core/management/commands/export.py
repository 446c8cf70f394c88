"""`openpso export --format …`: hand OpenPSO's data and definitions to other systems.

- `fhir-questionnaire` — every Common Formats form (or `--form KEY`) as a FHIR R4 Questionnaire.
- `cda --since DATE DIR` — the PSO's release data for the national database: one HL7 CDA R2
  document per event pooled or changed since DATE, with succession (`openpso.lake.exports`).
- `fhir-ndjson --since DATE DIR` — the same release data as FHIR R5 AdverseEvent NDJSON.

Event exports are made only from the pool through the release profile in force, and each is
recorded as a release (docs/interchange.md, docs/nonid.md).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.fhir import to_fhir_questionnaire
from openpso.organizations.models import Organization, OrgKind

EVENT_FORMATS = ("cda", "fhir-ndjson")
FORMATS = ("fhir-questionnaire", *EVENT_FORMATS)


class Command(BaseCommand):
    help = (
        "Export in a standard format: fhir-questionnaire (the Common Formats forms as FHIR Questionnaires); "
        "cda or fhir-ndjson --since DATE DIR (the PSO's release data: CDA R2 documents for the national "
        "database, or FHIR R5 AdverseEvent NDJSON)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--form", help="one form key, e.g. cfer-h-1.2/medication (default: every form)")
        parser.add_argument("--out", type=Path, help="write one JSON file per form into this folder")
        parser.add_argument(
            "--since", help="cda, fhir-ndjson: events pooled or changed on or after this day (YYYY-MM-DD)"
        )
        parser.add_argument("--pso", help="cda, fhir-ndjson: the PSO's slug (needed when there is more than one)")
        parser.add_argument("dir", nargs="?", type=Path, help="cda, fhir-ndjson: the folder to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] in EVENT_FORMATS:
            self.events(options)
            return
        forms = catalogue()
        keys = [options["form"]] if options["form"] else sorted(forms)
        unknown = [k for k in keys if k not in forms]
        if unknown:
            raise CommandError(f"--form: unknown form {unknown[0]!r}; known: {', '.join(sorted(forms))}")
        documents = {key: to_fhir_questionnaire(forms[key]) for key in keys}
        if options["out"]:
            options["out"].mkdir(parents=True, exist_ok=True)
            for key, document in documents.items():
                target = options["out"] / f"{key.replace('/', '_')}.json"
                target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
                self.stdout.write(str(target))
        elif len(documents) == 1:
            self.stdout.write(json.dumps(next(iter(documents.values())), indent=2, ensure_ascii=False))
        else:
            bundle = {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": d} for d in documents.values()],
            }
            self.stdout.write(json.dumps(bundle, indent=2, ensure_ascii=False))

    def events(self, options: dict[str, Any]) -> None:
        from openpso.lake.exports.run import ExportFailed, export  # pyarrow, lxml: loaded only here

        if not options["since"]:
            raise CommandError("--since: required with --format cda or fhir-ndjson (YYYY-MM-DD)")
        try:
            since = dt.date.fromisoformat(options["since"])
        except ValueError:
            raise CommandError(f"--since: {options['since']!r} is not a date (YYYY-MM-DD)") from None
        if options["dir"] is None:
            raise CommandError("DIR: give the folder to write the export into")
        try:
            result = export(options["format"], pso=self.pso(options["pso"]), since=since, out=options["dir"])
        except ExportFailed as error:
            raise CommandError(str(error)) from None
        for path in result.files:
            self.stdout.write(str(path))
        summary = f"{result.events} event(s), {len(result.files)} file(s)"
        if options["format"] == "cda":
            summary += f", {result.new_versions} new document version(s)"
        self.stderr.write(f"{summary}. {result.line}")

    def pso(self, slug: str | None) -> Organization:
        psos = Organization.objects.filter(kind=OrgKind.PSO).order_by("slug")
        if slug:
            found = psos.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"--pso: no PSO {slug!r}; known: {', '.join(p.slug for p in psos) or 'none'}")
            return found
        if psos.count() != 1:
            raise CommandError(f"--pso: give the PSO's slug ({', '.join(p.slug for p in psos) or 'no PSO yet'})")
        return psos.get()
