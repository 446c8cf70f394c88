"""`openpso backup DIR --keys-to KEYDIR | --without-keys`: a consistent backup (docs/backup.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.backup.create import create_backup
from openpso.backup.errors import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database, the lake and a manifest into DIR (new or empty), and the keys into "
        "--keys-to KEYDIR: keep KEYDIR apart from DIR (another disk, another person's safe)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR", help="new or empty folder for the data backup")
        keys = parser.add_mutually_exclusive_group(required=True)
        keys.add_argument(
            "--keys-to", type=Path, metavar="KEYDIR", help="new or empty folder for the keys, apart from DIR"
        )
        keys.add_argument(
            "--without-keys", action="store_true", help="back up no keys (they are backed up some other way)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = create_backup(folder=options["folder"], keys_to=options["keys_to"], say=self._say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        folder = options["folder"].resolve()
        self.stdout.write(
            f"backup written to {folder}: {len(manifest.files)} files, {sum(manifest.tables.values())} rows, "
            f"audit chain head {manifest.audit.head_seq} {manifest.audit.head_hash}"
        )
        if options["keys_to"]:
            self.stdout.write(
                f"keys written to {options['keys_to'].resolve()}: store them apart from the data backup; "
                "whoever holds both can read every narrative, and without the keys nothing encrypted can be read"
            )
        else:
            self.stdout.write("no keys were written: the backup can be restored only where its keys are kept")

    def _say(self, line: str) -> None:
        self.stderr.write(line)  # progress on stderr: stdout stays the summary
