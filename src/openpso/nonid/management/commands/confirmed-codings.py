"""`openpso confirmed-codings --out FILE.jsonl [--provider SLUG]`: the code suggester's confirmed
examples (nonid.confirmed_codings; docs/suggest.md). Scrubbed text only, as the pool holds it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from openpso.nonid.confirmed_codings import export_confirmed
from openpso.nonid.management.exports import export_to_new_file, provider_named


class Command(BaseCommand):
    help = (
        "Write reports filed with a suggestion, whose scrubbed narrative a safety manager approved, as labelled "
        "examples for the code suggester (src/openpso/suggest/data/confirmed/)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="a new file to write (never overwritten)")
        parser.add_argument("--provider", metavar="SLUG", help="one provider only (default: every provider)")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = provider_named(options["provider"])
        out: Path = options["out"]
        count = export_to_new_file(out, lambda path: export_confirmed(out=path, provider=provider))
        self.stdout.write(f"{count} confirmed coding(s) written to {out} (mode 0600; scrubbed narratives)")
