"""`openpso deid-examples export --out FILE.jsonl --i-understand-this-contains-phi [--provider SLUG]`:
the narratives people reviewed, with the spans they approved and their corrections, as
labelled examples for improving the de-identification engine. The file holds identified
narratives (PHI), hence the explicit flag, the 0600 file and the audit event."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.nonid.examples import export_examples
from openpso.organizations.models import Organization, OrgKind

PHI_FLAG = "--i-understand-this-contains-phi"


class Command(BaseCommand):
    help = "Labelled examples from reviewed narratives. `export` writes one JSON line per approved review."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        export = subcommands.add_parser("export", help="write approved reviews as JSON lines (contains PHI)")
        export.add_argument("--out", required=True, type=Path, help="a new file to write (never overwritten)")
        export.add_argument("--provider", metavar="SLUG", help="one provider only (default: every provider)")
        export.add_argument(
            PHI_FLAG, dest="phi_ok", action="store_true", help="required: the file holds identified narratives"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["phi_ok"]:
            raise CommandError(
                f"{PHI_FLAG}: required; the examples are identified narratives (PHI). "
                "Keep the file inside the provider's PSES and delete it when done."
            )
        provider = None
        if options["provider"]:
            provider = Organization.objects.filter(slug=options["provider"], kind=OrgKind.PROVIDER).first()
            if provider is None:
                raise CommandError(f"provider: no provider with the slug {options['provider']!r} (see `openpso orgs`)")
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"out: the folder {str(out.parent)!r} does not exist")
        try:
            count = export_examples(out=out, provider=provider)
        except FileExistsError:
            raise CommandError(f"out: {str(out)!r} exists already; choose a new file name") from None
        self.stdout.write(f"{count} reviewed narrative(s) written to {out} (mode 0600; contains PHI)")
