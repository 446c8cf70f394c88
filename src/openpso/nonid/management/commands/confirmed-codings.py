"""`openpso confirmed-codings --out FILE.jsonl [--provider SLUG]`: the code suggester's confirmed
examples (nonid.confirmed_codings; docs/suggest.md). Scrubbed text only, as the pool holds it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.nonid.confirmed_codings import export_confirmed
from openpso.organizations.models import Organization, OrgKind


class Command(BaseCommand):
    help = (
        "Write reports filed with a suggestion, whose scrubbed narrative a safety manager approved, as labelled "
        "examples for the code suggester (src/openpso/suggest/data/confirmed/)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="a new file to write (never overwritten)")
        parser.add_argument("--provider", metavar="SLUG", help="one provider only (default: every provider)")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = None
        if options["provider"]:
            provider = Organization.objects.filter(slug=options["provider"], kind=OrgKind.PROVIDER).first()
            if provider is None:
                raise CommandError(f"provider: no provider {options['provider']!r}")
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"out: the folder {str(out.parent)!r} does not exist")
        try:
            count = export_confirmed(out=out, provider=provider)
        except FileExistsError:
            raise CommandError(f"out: {str(out)!r} exists already; choose a new file name") from None
        self.stdout.write(f"{count} confirmed coding(s) written to {out} (mode 0600; scrubbed narratives)")
