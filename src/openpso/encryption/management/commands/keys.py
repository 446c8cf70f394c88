"""`openpso keys init | status | rotate [--resume] [--retire]`: manage data-encryption keys.

Prints key ids and counts only, never key material or stored values (invariant 6).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpso.encryption import fields, keyring, rotation


class Command(BaseCommand):
    help = "Manage the data-encryption keyring in OPENPSO_KEYS_DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{init,status,rotate}")
        sub.add_parser("init", help="create the keyring (refuses if one exists)")
        sub.add_parser("status", help="active key, keys present, and stored values per key")
        rotate = sub.add_parser("rotate", help="add a new active key and re-encrypt everything under it")
        rotate.add_argument(
            "--resume",
            action="store_true",
            help="finish an interrupted rotation under the current active key instead of adding one",
        )
        rotate.add_argument(
            "--retire",
            action="store_true",
            help="then remove the old keys, if no stored value uses them any more",
        )
        rotate.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        try:
            action = options["action"]
            if action == "init":
                self.init()
            elif action == "status":
                self.status()
            else:
                self.rotate(resume=options["resume"], retire=options["retire"], batch_size=options["batch_size"])
        except (ImproperlyConfigured, keyring.KeyMissingError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None

    def _require_keyring(self) -> keyring.Keyring:
        # load_keyring() would quietly create one outside production; here that would
        # hide a mis-set OPENPSO_KEYS_DIR, so a missing keyring is an error.
        directory = keyring.keys_dir()
        if not (directory / keyring.KEYRING_FILE).exists():
            raise CommandError(f"no keyring in {directory}; create one with `openpso keys init`")
        return keyring.load_keyring()

    def init(self) -> None:
        ring = keyring.create_keyring()
        self.stdout.write(f"keys dir: {keyring.keys_dir()}")
        self.stdout.write(f"active key: {ring.active}")
        self.stdout.write(
            "Back up this directory separately from the database: without it the encrypted fields cannot be read."
        )

    def status(self) -> None:
        ring = self._require_keyring()
        pairs = rotation.key_usage()
        usage = rotation.by_key(pairs)
        self.stdout.write(f"keys dir: {keyring.keys_dir()}")
        self.stdout.write(f"active key: {ring.active}")
        self.stdout.write("keys: " + ", ".join(f"{k} ({ring.keys[k].alg})" for k in sorted(ring.keys)))
        self.stdout.write("stored values per key:")
        for key_id in sorted(set(ring.keys) | set(usage)):
            notes = []
            if key_id == rotation.NOT_CIPHERTEXT:
                notes.append("not OpenPSO ciphertext")
            elif key_id not in ring.keys:
                notes.append("MISSING from the keyring: these values cannot be decrypted")
            elif key_id == ring.active:
                notes.append("active")
            legacy = pairs.get((key_id, fields.LEGACY_PREFIX), 0)
            if legacy:
                notes.append(f"{legacy} in the old enc1 format, which shows when each was written")
            note = f"  ({'; '.join(notes)})" if notes else ""
            self.stdout.write(f"  {key_id}\t{usage.get(key_id, 0)}{note}")
        pending = rotation.needing_rotation(pairs, active=ring.active)
        advice = "  (run `openpso keys rotate`)" if pending else ""
        self.stdout.write(f"values to re-encrypt: {pending}{advice}")

    def rotate(self, *, resume: bool, retire: bool, batch_size: int) -> None:
        self._require_keyring()
        if resume:
            active = keyring.load_keyring().active
            self.stdout.write(f"resuming under active key: {active}")
        else:
            # Written (and fsynced) before any value is encrypted under it.
            active = keyring.add_active_key().active
            self.stdout.write(f"new active key: {active}")
        result = rotation.reencrypt_all(batch_size=batch_size, progress=self._progress)
        for table in result.tables:
            self.stdout.write(f"  {table.table}: {table.rows} rows, {table.values} values re-encrypted")
        self.stdout.write(f"total: {result.rows} rows, {result.values} values")
        for failure in result.failures:
            self.stderr.write(
                f"  could not re-encrypt {failure.table} pk={failure.pk} field {failure.field}: {failure.reason}"
            )
        if result.failures:
            raise CommandError(
                f"{len(result.failures)} values could not be re-encrypted"
                + ("; old keys not retired" if retire else "")
                + ": fix them, then run `openpso keys rotate --resume`"
            )
        if retire:
            self.retire()

    def _progress(self, table: rotation.TableCount) -> None:
        # -v 2: one line per committed batch, so an operator (or the crash test) sees how far it got.
        if self.verbosity >= 2 and table.rows:
            self.stdout.write(f"  {table.table}: {table.rows} rows so far")
            self.stdout.flush()

    def retire(self) -> None:
        ring = keyring.load_keyring()
        usage = rotation.stale_key_usage()
        old = sorted(k for k in ring.keys if k != ring.active)
        in_use = {k: usage[k] for k in old if usage.get(k)}
        if in_use:
            counts = ", ".join(f"{k}: {n} values" for k, n in in_use.items())
            raise CommandError(
                f"refusing to retire keys still in use ({counts}); run `openpso keys rotate --resume` and retry"
            )
        for key_id in old:
            keyring.remove_key(key_id)
            self.stdout.write(f"retired key: {key_id}")
        if old:
            self.stdout.write(
                "Database backups taken before this rotation are encrypted under "
                "the retired keys: they can be read only with a copy of the "
                "keyring from that time."
            )
