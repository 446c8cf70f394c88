"""The restore drill (issue 13 item 11): back up, restore into a fresh installation, and find the
same rows, the same audit chain and narratives that decrypt with the restored keys."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from openpso.audit.models import AuditChainHead, AuditEvent
from openpso.backup import facts
from openpso.backup.manifest import KEYS_MANIFEST, MANIFEST, Manifest, sha256_of
from openpso.lake.files import lake_root
from openpso.reporting.models import EventReport

from .conftest import Fresh

pytestmark = pytest.mark.django_db(transaction=True)


def back_up(tmp_path: Path) -> tuple[Path, Path, str]:
    out, err = StringIO(), StringIO()
    call_command("backup", str(tmp_path / "backup"), "--keys-to", str(tmp_path / "keys"), stdout=out, stderr=err)
    return tmp_path / "backup", tmp_path / "keys", out.getvalue() + err.getvalue()


def counts_in(fresh: Fresh) -> dict[str, int]:
    """The restored database's row counts, read directly, not through the restore's own check."""
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(fresh.database)) as database:
            return facts.table_counts(database.cursor(), "sqlite")
    params: dict[str, Any] = {**connection.get_connection_params(), "dbname": fresh.database}
    with psycopg.connect(**params) as server, server.cursor() as cursor:
        return facts.table_counts(cursor, "postgresql")


def test_a_backup_restored_into_a_fresh_installation_has_the_same_counts_chain_and_readable_narratives(
    filed: list[EventReport], tmp_path: Path, fresh: Fresh
) -> None:
    with connection.cursor() as cursor:
        original = facts.table_counts(cursor, connection.vendor)
    head = AuditChainHead.objects.get(pk=1)
    events = AuditEvent.objects.count()
    lake = {str(p.relative_to(lake_root())): sha256_of(p) for p in lake_root().rglob("*.parquet")}
    assert events > 0
    assert lake, "the drill needs lake files to restore"

    backup, keys, said = back_up(tmp_path)

    manifest = Manifest.read(backup)
    assert manifest.tables == original
    assert (manifest.audit.events, manifest.audit.head_seq, manifest.audit.head_hash) == (
        events,
        head.last_seq,
        head.last_hash,
    )
    assert {
        name.removeprefix("lake/"): digest for name, digest in manifest.files.items() if name.startswith("lake/")
    } == lake
    assert "store them apart from the data backup" in said
    restored = fresh.openpso("restore", str(backup), "--keys-from", str(keys))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restore verified" in restored.stdout

    # The live chain says a backup was made, after the head the backup holds; the restored
    # chain is the backup's, plus one event saying it was restored from it.
    made = AuditEvent.objects.get(action="backup.made")
    assert made.seq > head.last_seq
    assert made.detail == {"rows": sum(original.values()), "audit_head_seq": head.last_seq, "keys": True}
    audit_table = AuditEvent._meta.db_table
    assert counts_in(fresh) == {**original, audit_table: original[audit_table] + 1}
    verified = fresh.openpso("audit", "verify", "--head")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.splitlines()[0] == f"audit chain intact: {events + 1} events"
    assert verified.stdout.splitlines()[1].startswith(f"head: event {head.last_seq + 1}, sha256 ")
    restored_event = fresh.openpso(
        "shell",
        "--no-imports",
        "-c",
        "from openpso.audit.models import AuditEvent as A; e = A.objects.order_by('seq').last(); "
        "print(e.action, e.object_id, e.detail['audit_head_seq'])",
    )
    assert restored_event.stdout.split() == ["backup.restored", manifest.created_at, str(head.last_seq)]
    restored_lake = {
        str(p.relative_to(fresh.data_dir / "lake")): sha256_of(p) for p in (fresh.data_dir / "lake").rglob("*.parquet")
    }
    assert restored_lake == lake
    read = fresh.openpso(
        "shell",
        "--no-imports",
        "-c",
        f"from openpso.reporting.models import EventReport as R; print(R.objects.get(pk='{filed[1].pk}').narrative)",
    )
    assert read.stdout.strip().splitlines()[-1] == "Fell near the bed. DRILL-NARRATIVE-1", read.stderr


def test_the_keys_are_written_apart_owner_only_and_not_into_the_data_backup(
    filed: list[EventReport], tmp_path: Path
) -> None:
    backup, keys, _ = back_up(tmp_path)
    backed_up = {p.name for p in backup.rglob("*")}
    assert "keyring.json" not in backed_up
    assert "pseudonym.key" not in backed_up
    assert {p.name for p in keys.iterdir()} >= {"keyring.json", "pseudonym.key", KEYS_MANIFEST}
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert stat.S_IMODE((keys / "keyring.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert (backup / MANIFEST).is_file()


def test_keys_inside_the_backup_folder_are_refused(filed: list[EventReport], tmp_path: Path) -> None:
    with pytest.raises(Exception, match="must be apart from the backup folder"):
        call_command("backup", str(tmp_path / "b"), "--keys-to", str(tmp_path / "b" / "keys"))
