"""SQLite: a consistent copy through the online backup API, and putting a copy back in place.

`sqlite3.Connection.backup` copies every page inside one read transaction, so the copy is the
database as of one moment even while the server writes (in WAL mode writers are not blocked).
It is taken in a single step on purpose: a step-wise backup restarts whenever another
connection writes, and under steady load might never finish.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from openpso.backup import facts
from openpso.backup.errors import BackupError
from openpso.backup.manifest import AuditHead
from openpso.lib.durable import fsync_dir

_SIDE_FILES = ("-wal", "-shm", "-journal")


def snapshot(connection: Any, target: Path) -> tuple[dict[str, int], AuditHead, dict[str, list[str]]]:
    """Copy the database Django is connected to into `target`; return what the copy holds."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        # The copy would include this connection's uncommitted writes.
        raise BackupError("a backup cannot run inside a transaction")
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # One self-contained file: no -wal beside it that a copy of the folder could miss.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    return read_facts(target)


def read_facts(path: Path) -> tuple[dict[str, int], AuditHead, dict[str, list[str]]]:
    database = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)  # read-only: the file keeps its sha256
    try:
        cursor = database.cursor()
        return facts.table_counts(cursor, "sqlite"), facts.audit_head(cursor), facts.migrations(cursor)
    finally:
        database.close()


def is_empty(path: Path) -> bool:
    """No file, an empty file, or a database without tables (Django may have opened it at start-up)."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    database = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        (tables,) = database.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return int(tables) == 0
    except sqlite3.DatabaseError:
        return False  # not a database we can read: never overwrite it without --force
    finally:
        database.close()


def install(source: Path, target: Path) -> None:
    """Put the backup's file in place of `target`; the server must be stopped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # The old file's WAL first: left beside the new file it would be replayed into it.
    for suffix in _SIDE_FILES:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.restoring")
    try:
        shutil.copyfile(source, tmp)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError as exc:
        raise BackupError(f"could not write {target}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)
