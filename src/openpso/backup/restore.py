"""`restore_backup()`: put a backup back into the configured data dir, database and keys dir.

Refused before anything is written when a file's sha256 differs from the manifest (naming the
file), when the keys are missing or are not this backup's, or when a target already holds data
(unless `force`). Afterwards the restored copy is checked against the manifest (verify.py).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from openpso.audit.trail import record
from openpso.backup import postgres, sqlite
from openpso.backup.errors import BackupError
from openpso.backup.events import BACKUP, BackupAction
from openpso.backup.files import SECRET_KEY_COPY, Say, copy_tree, install_file, key_destination, visible_files
from openpso.backup.manifest import Manifest, ManifestError, mismatched, sha256_of
from openpso.backup.verify import Verdict, verify_restored
from openpso.lake.files import lake_root, refresh_lock


def restore_backup(*, folder: Path, keys_from: Path | None, force: bool, say: Say) -> Verdict:
    folder = folder.resolve()
    try:
        manifest = Manifest.read(folder)
    except ManifestError as exc:
        raise BackupError(str(exc)) from None
    if manifest.vendor != connection.vendor:
        raise BackupError(f"this backup is of a {manifest.vendor} database; DATABASE_URL is {connection.vendor}")
    say(f"backup of {manifest.created_at}, OpenPSO {manifest.app_version}: checking {len(manifest.files)} files…")
    damaged = mismatched(folder, manifest.files)
    if damaged:
        raise BackupError("refused, the backup is damaged; nothing was restored:\n  " + "\n  ".join(damaged))
    keys = _keys_to_install(manifest, keys_from.resolve() if keys_from else None)
    database_empty = _check_targets(force=force, keys=keys)
    _install_keys(keys, say)
    _install_lake(folder / "lake", force=force, say=say)
    say(f"database ({manifest.vendor}): restoring {sum(manifest.tables.values())} rows…")
    _install_database(folder / manifest.database_file, clean=not database_empty)
    say("verifying the restored copy against the manifest…")
    verdict = verify_restored(manifest, say=say)
    if verdict.ok:
        # The first event after the backup's head: the restored chain says it was restored, and
        # from which backup, so a later reader knows why nothing happened in between.
        record(
            actor=None,
            action=BackupAction.RESTORED,
            object_type=BACKUP,
            object_id=manifest.created_at,
            purpose="administration",
            detail={"audit_head_seq": manifest.audit.head_seq, "forced": force},
        )
    return verdict


def _keys_to_install(manifest: Manifest, keys_from: Path | None) -> dict[str, Path]:
    """The key files to put in place, each checked against the manifest; empty when the keys
    already in place are this backup's (or the backup was taken without keys)."""
    if manifest.keys is None:
        return {}
    if keys_from is None:
        needed = {name: digest for name, digest in manifest.keys.items() if name != SECRET_KEY_COPY}
        if needed and all(_same(key_destination(name), digest) for name, digest in needed.items()):
            return {}
        names = ", ".join(sorted(manifest.keys))
        raise BackupError(
            f"no keys: this backup's keys ({names}) were written apart from it when it was made; "
            "pass --keys-from FOLDER. Without them its encrypted narratives cannot be read; nothing was restored"
        )
    wrong = mismatched(keys_from, manifest.keys)
    if wrong:
        raise BackupError("refused, these are not this backup's keys; nothing was restored:\n  " + "\n  ".join(wrong))
    return {name: keys_from / name for name in manifest.keys}


def _same(path: Path, digest: str) -> bool:
    return path.is_file() and sha256_of(path) == digest


def _check_targets(*, force: bool, keys: dict[str, Path]) -> bool:
    """Refuse to overwrite data unless `force`; return whether the database is empty."""
    occupied = []
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():  # type: ignore[attr-defined]
            raise BackupError("cannot restore into an in-memory SQLite database; set DATABASE_URL to a file")
        database_empty = sqlite.is_empty(Path(connection.settings_dict["NAME"]))
    else:
        database_empty = postgres.is_empty(connection)
    if not database_empty:
        occupied.append(f"database {connection.settings_dict['NAME']} has tables")
    if visible_files(lake_root()):
        occupied.append(f"{lake_root()} holds files")
    for name, source in keys.items():
        target = key_destination(name)
        # A fresh data dir gets a new development SECRET_KEY at start-up: replacing it loses nothing.
        if name != SECRET_KEY_COPY and target.exists() and not _same(target, sha256_of(source)):
            occupied.append(f"{target} holds another key")
    if occupied and not force:
        raise BackupError("refused, the targets are not empty (--force replaces them): " + "; ".join(occupied))
    return database_empty


def _install_keys(keys: dict[str, Path], say: Say) -> None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for name, source in sorted(keys.items()):
        target = key_destination(name)
        if target.exists() and not _same(target, sha256_of(source)):
            # Never destroy a key: whatever it encrypted would be lost with it.
            os.replace(target, target.with_name(f"{target.name}.replaced-{stamp}"))
        install_file(source, target)
        say(f"keys: {name} into {target}")
    if keys:
        Path(settings.KEYS_DIR).chmod(0o700)


def _install_lake(source: Path, *, force: bool, say: Say) -> None:
    root = lake_root()
    with refresh_lock():
        if force:
            for child in root.iterdir():
                if not child.name.startswith("."):
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        copied = copy_tree(source, root, label="lake", say=say)
    say(f"lake: {len(copied)} files into {root}")


def _install_database(source: Path, *, clean: bool) -> None:
    if connection.vendor == "sqlite":
        connections.close_all()
        sqlite.install(source, Path(connection.settings_dict["NAME"]))
    else:
        postgres.install(source, connection, clean=clean)
