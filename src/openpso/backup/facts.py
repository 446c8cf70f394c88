"""What a database holds, read through a plain DB-API cursor: table counts, audit head, migrations.

The same queries run on the backup's snapshot (a SQLite copy, or the transaction pg_dump
shares its snapshot with) and on the restored database, so the two can be compared exactly.
"""

from __future__ import annotations

from typing import Any

from openpso.audit.models import AuditChainHead, AuditEvent
from openpso.backup.manifest import AuditHead

_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(cursor: Any, vendor: str) -> dict[str, int]:
    cursor.execute(_TABLES[vendor])
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - names from the catalogue
        counts[name] = int(cursor.fetchone()[0])
    return counts


def audit_head(cursor: Any) -> AuditHead:
    events = _quote(AuditEvent._meta.db_table)
    head = _quote(AuditChainHead._meta.db_table)
    cursor.execute(f"SELECT COUNT(*) FROM {events}")  # noqa: S608 - names from the models
    count = int(cursor.fetchone()[0])
    cursor.execute(f"SELECT last_seq, last_hash FROM {head} WHERE id = 1")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        return AuditHead(events=count, head_seq=0, head_hash="")
    return AuditHead(events=count, head_seq=int(row[0]), head_hash=str(row[1]))


def migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(str(app), []).append(str(name))
    return applied
