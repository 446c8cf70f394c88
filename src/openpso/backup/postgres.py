"""PostgreSQL: `pg_dump -Fc` from an exported snapshot, and `pg_restore` into an empty database.

The dump and the manifest's counts read the same snapshot: one REPEATABLE READ transaction
exports it (`pg_export_snapshot`), pg_dump runs with `--snapshot`, and the counts are taken in
that transaction, so the manifest describes exactly the rows in the dump while the server writes.
A logical dump cannot be replayed to a point in time; docs/backup.md gives the base-backup +
WAL archiving recipe (pg_backupcluster / pg_restorecluster) for that.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg

from openpso.backup import facts
from openpso.backup.errors import BackupError
from openpso.backup.manifest import AuditHead

# libpq reads these variables: the password never appears on a command line (`ps` shows those).
_ENV = {"NAME": "PGDATABASE", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "HOST": "PGHOST", "PORT": "PGPORT"}
_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


def libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = {var: str(settings_dict[key]) for key, var in _ENV.items() if settings_dict.get(key)}
    options = settings_dict.get("OPTIONS") or {}
    env.update({var: str(options[key]) for key, var in _OPTION_ENV.items() if options.get(key)})
    return env


def _major(path: str) -> int:
    try:
        return int(Path(path).parent.parent.name)
    except ValueError:
        return 0


def binary(name: str, server_major: int) -> str:
    """The client program for this server: Debian's folder of the server's major version first
    (pg_dump refuses a newer server), then PATH, then the newest one installed."""
    versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if versioned.is_file():
        return str(versioned)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major)
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} not found; install postgresql-client-{server_major}")


def _run(command: list[str], settings_dict: dict[str, Any]) -> None:
    env = {**os.environ, **libpq_env(settings_dict)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-5:]
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): " + " | ".join(tail))


def snapshot(connection: Any, target: Path) -> tuple[dict[str, int], AuditHead, dict[str, list[str]]]:
    """Dump the database to `target` and return what that dump holds."""
    connection.ensure_connection()
    program = binary("pg_dump", connection.pg_version // 10000)
    with psycopg.connect(**connection.get_connection_params()) as raw:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            # The transaction stays open until pg_dump is done: the snapshot lives as long as it does.
            _run([program, "--format=custom", f"--snapshot={row[0]}", f"--file={target}"], connection.settings_dict)
            found = facts.table_counts(cursor, "postgresql"), facts.audit_head(cursor), facts.migrations(cursor)
        raw.rollback()
    return found


def is_empty(connection: Any) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
        return int(cursor.fetchone()[0]) == 0


def install(source: Path, connection: Any, *, clean: bool) -> None:
    """Restore the dump in one transaction: it lands whole or not at all."""
    program = binary("pg_restore", connection.pg_version // 10000)
    connection.close()  # our own session must not hold locks on what --clean drops
    command = [program, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:
        command += ["--clean", "--if-exists"]
    command += [f"--dbname={connection.settings_dict['NAME']}", str(source)]
    _run(command, connection.settings_dict)
