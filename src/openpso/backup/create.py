"""`create_backup()`: a consistent copy of the database, the lake and the keys, with a manifest.

Consistent means one moment for all three. The database copy is one snapshot (sqlite.py,
postgres.py). The lake refresh lock is held throughout, so no refresh writes files or lake rows
meanwhile, and the keyring lock too, so no key is added or retired between the snapshot and the
copy of the keys: every ciphertext in the snapshot has its key in the copy.

The keys go to their own folder, never inside the data backup (invariant 6): whoever holds a
data backup alone holds ciphertext, not narratives.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import ExitStack
from pathlib import Path

from django.db import connection

from openpso import __version__
from openpso.audit.trail import record
from openpso.backup import postgres, sqlite
from openpso.backup.errors import BackupError
from openpso.backup.events import BACKUP, BackupAction
from openpso.backup.files import Say, copy_file, copy_tree, key_sources
from openpso.backup.manifest import KEYS_FORMAT, KEYS_MANIFEST, MANIFEST, Manifest, sha256_of, write_atomically
from openpso.encryption.keyring import _exclusive, keys_dir
from openpso.lake.files import lake_root, refresh_lock

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def _refuse_unless_empty(folder: Path, what: str) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not empty: a {what} goes into a new or empty folder, never over another")


def _check_targets(folder: Path, keys_to: Path | None) -> None:
    _refuse_unless_empty(folder, "backup")
    if keys_to is not None:
        if keys_to.is_relative_to(folder) or folder.is_relative_to(keys_to):
            raise BackupError(f"--keys-to {keys_to} must be apart from the backup folder {folder}, not in it")
        _refuse_unless_empty(keys_to, "keys backup")


def create_backup(*, folder: Path, keys_to: Path | None, say: Say) -> Manifest:
    """Back up into `folder` (new or empty) and the keys into `keys_to` (None: no keys)."""
    folder, keys_to = folder.resolve(), keys_to.resolve() if keys_to else None
    _check_targets(folder, keys_to)
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"backing up a {vendor} database is not supported (SQLite and PostgreSQL are)")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # identified data (names, e-mail addresses) and PSWP ciphertext
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with ExitStack() as locks:
        say("waiting for any key change or lake refresh in progress to finish…")
        locks.enter_context(_exclusive(keys_dir()))
        locks.enter_context(refresh_lock())
        database = folder / DATABASE_FILES[vendor]
        started = time.monotonic()
        say(f"database ({vendor}): taking a consistent snapshot…")
        take = sqlite.snapshot if vendor == "sqlite" else postgres.snapshot
        tables, audit, migrations = take(connection, database)
        database.chmod(0o600)
        seconds = time.monotonic() - started
        say(f"database: {sum(tables.values())} rows in {len(tables)} tables, {_mb(database)} in {seconds:.1f} s")
        lake = copy_tree(lake_root(), folder / "lake", label="lake", say=say)
        say(f"lake: {len(lake)} files")
        keys = _copy_keys(keys_to, created, say) if keys_to else None
    say("checksums: sha256 of every file…")
    files = {str(path.relative_to(folder)): sha256_of(path) for path in [database, *lake]}
    manifest = Manifest(
        created_at=created,
        app_version=__version__,
        vendor=vendor,
        database_file=database.name,
        tables=tables,
        audit=audit,
        migrations=migrations,
        files=files,
        keys=keys,
    )
    write_atomically(folder / MANIFEST, manifest.as_json())  # last: its presence means the backup is whole
    # In the live chain only (the snapshot was taken before): who made a copy of everything, and
    # which head it holds. No path: the folder's name is the operator's business.
    record(
        actor=None,
        action=BackupAction.MADE,
        object_type=BACKUP,
        object_id=created,
        purpose="administration",
        detail={"rows": sum(tables.values()), "audit_head_seq": audit.head_seq, "keys": keys is not None},
    )
    return manifest


def _copy_keys(keys_to: Path, created: str, say: Say) -> dict[str, str]:
    keys_to.mkdir(mode=0o700, parents=True, exist_ok=True)
    keys_to.chmod(0o700)
    digests = {}
    for name, source in sorted(key_sources().items()):
        copy_file(source, keys_to / name)
        digests[name] = sha256_of(keys_to / name)
    keys_manifest = {"format": KEYS_FORMAT, "backup_created_at": created, "files": digests}
    write_atomically(keys_to / KEYS_MANIFEST, json.dumps(keys_manifest, indent=2, sort_keys=True) + "\n")
    say(f"keys: {len(digests)} files to {keys_to} (store them apart from the data backup)")
    return digests


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1_000_000:.1f} MB"
