"""`openpso export --format …`: hand OpenPSO's data and definitions to other systems.

Formats so far: `fhir-questionnaire` — every Common Formats form (or `--form KEY`) as a FHIR
R4 Questionnaire. Later issues add event exports, each only after non-identification.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.fhir import to_fhir_questionnaire

FORMATS = ("fhir-questionnaire",)


class Command(BaseCommand):
    help = "Export in a standard format: fhir-questionnaire (the Common Formats forms as FHIR Questionnaires)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--form", help="one form key, e.g. cfer-h-1.2/medication (default: every form)")
        parser.add_argument("--out", type=Path, help="write one JSON file per form into this folder")

    def handle(self, *args: Any, **options: Any) -> None:
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
