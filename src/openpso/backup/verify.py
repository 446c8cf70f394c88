"""After a restore: the database holds what the manifest says, the audit chain is whole and the
same, and every encrypted value decrypts with the restored keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from openpso.audit.trail import verify_chain
from openpso.backup import facts
from openpso.backup.files import Say
from openpso.backup.manifest import Manifest
from openpso.encryption.fields import DecryptionError
from openpso.encryption.keyring import KeyMissingError
from openpso.encryption.rotation import encrypted_fields


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_restored(manifest: Manifest, *, say: Say) -> Verdict:
    verdict = Verdict()
    with connection.cursor() as cursor:
        tables = facts.table_counts(cursor, connection.vendor)
        audit = facts.audit_head(cursor)
    _compare_tables(manifest.tables, tables, verdict)
    if not verdict.problems:
        say(f"tables: {len(tables)} tables, {sum(tables.values())} rows, each count as in the backup")
    chain = verify_chain()
    if not chain.ok:
        verdict.problems.append(f"audit chain broken after {chain.checked} intact events: {chain.reason}")
    elif (chain.checked, audit.head_hash) != (manifest.audit.head_seq, manifest.audit.head_hash):
        verdict.problems.append(
            f"audit chain: {chain.checked} events ending in {audit.head_hash[:12]}…, the backup had "
            f"{manifest.audit.head_seq} ending in {manifest.audit.head_hash[:12]}…"
        )
    else:
        head = f"head {audit.head_hash}" if chain.checked else "empty"
        say(f"audit chain intact: {chain.checked} events, {head}, as in the backup")
    decrypted = _decrypt_all(verdict)
    if decrypted is not None:
        say(f"encryption: {decrypted} encrypted values decrypt with the restored keys")
    _note_migrations(verdict)
    return verdict


def _compare_tables(expected: dict[str, int], found: dict[str, int], verdict: Verdict) -> None:
    for name in sorted(expected.keys() | found.keys()):
        want, got = expected.get(name), found.get(name)
        if want != got:
            verdict.problems.append(
                f"table {name}: {'missing' if got is None else f'{got} rows'}, "
                f"the backup had {'no such table' if want is None else f'{want} rows'}"
            )


def _decrypt_all(verdict: Verdict) -> int | None:
    """Read every encrypted column through its field, which decrypts; messages name keys, never text."""
    count, failed = 0, False
    for model, names in encrypted_fields():
        rows = model._base_manager.order_by().values_list(*names)
        try:
            for row in rows.iterator(chunk_size=1000):
                count += sum(1 for value in row if value not in (None, "", {}, []))
        except (KeyMissingError, DecryptionError) as exc:
            verdict.problems.append(f"{model._meta.db_table}: {exc}")
            failed = True
    return None if failed else count


def _note_migrations(verdict: Verdict) -> None:
    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    applied = set(executor.loader.applied_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in applied - known)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unknown:
        names = ", ".join(unknown[:5])
        verdict.notes.append(f"made by a newer OpenPSO: migrations this version does not know: {names}")
    if pending:
        verdict.notes.append(f"{len(pending)} migrations of this version are not applied yet: run `openpso migrate`")
