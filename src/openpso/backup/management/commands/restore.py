"""`openpso restore DIR [--keys-from KEYDIR] [--force]`: restore a backup and verify it (docs/backup.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.backup.errors import BackupError
from openpso.backup.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `openpso backup` into the configured database (empty), data dir and keys "
        "dir, then check counts, the audit chain and decryption against its manifest. Stop the server first."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR", help="the backup folder (holds manifest.json)")
        parser.add_argument("--keys-from", type=Path, metavar="KEYDIR", help="where this backup's keys were stored")
        parser.add_argument(
            "--force", action="store_true", help="replace a database, lake or keys already there (keys are kept aside)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verdict = restore_backup(
                folder=options["folder"], keys_from=options["keys_from"], force=options["force"], say=self._say
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for note in verdict.notes:
            self.stdout.write(f"note: {note}")
        if not verdict.ok:
            raise CommandError("restored, but it differs from the backup:\n  " + "\n  ".join(verdict.problems))
        self.stdout.write("restore verified: counts, audit chain and decryption match the backup")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
