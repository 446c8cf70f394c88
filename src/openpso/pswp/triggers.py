"""Database triggers that make the PSWP ledger the only writer of `pswp_status`.

See docs/decisions/0009-pswp-ledger-and-pses.md.

On every table of a `LedgerGuardedModel` (PostgreSQL and SQLite alike):

- an UPDATE that changes `pswp_status` or `pswp_status_at` is refused unless the change is
  an allowed transition (`status.ALLOWED_TRANSITIONS`) and the artefact's newest
  `PswpTransition` row already says exactly that: from the old status, to the new one, at the
  new time. The ledger writes its row first and then the columns, in one transaction, so a
  raw SQL UPDATE, a `_base_manager` update or anything else without its ledger row fails;
- an INSERT may hold only a status an artefact can start in (`""` or one of
  `ALLOWED_TRANSITIONS[NO_STATUS]`): intake inserts a candidate and records its entry in the
  same transaction. The insert check reads no table, so intake pays no extra query.

On `pswp_pswptransition`, an UPDATE of what a row says (artefact, from, to, time) is refused,
so the newest row cannot be edited to match a forged status. `actor_id` (SET_NULL when a user
is deleted) and the encrypted `reason` (re-encrypted by key rotation) stay writable; rows are
still append-only through the ORM (`lib.appendonly`), and a deleted row is what
`openpso audit verify` finds (its audit event stays in the hash chain).

Installed after every `migrate` (post_migrate) and dropped before it (pre_migrate): schema
changes then never meet a trigger (SQLite rebuilds a table to alter it, which drops the
table's triggers; PostgreSQL refuses to change the type of a column a trigger names).
`openpso audit verify` reports a guarded table whose triggers are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

from openpso.pswp.guard import LedgerGuardedModel
from openpso.pswp.status import ALLOWED_TRANSITIONS, NO_STATUS

LEDGER_TABLE = "pswp_pswptransition"
# The ledger row's columns no UPDATE may change (actor_id and reason may: see the module doc).
LEDGER_FIXED = ("id", "content_type_id", "object_id", "provider_id", "from_status", "to_status", "actor_label", "at")
LEDGER_GUARD = "pswp_ledger_rows_fixed"
MESSAGE = "PSWP ledger: only openpso.pswp.ledger changes a PSWP status, after writing its ledger row"


@dataclass(frozen=True)
class Guarded:
    """One table whose PSWP status the triggers guard."""

    table: str
    app_label: str
    model_name: str
    pk_column: str
    uuid_pk: bool

    @property
    def name(self) -> str:
        return f"pswp_guard_{self.table}"


def guarded_tables() -> list[Guarded]:
    found = []
    for model in apps.get_models():
        if issubclass(model, LedgerGuardedModel):
            meta = model._meta
            found.append(
                Guarded(
                    table=meta.db_table,
                    app_label=meta.app_label,
                    model_name=meta.model_name or "",
                    pk_column=meta.pk.column if meta.pk is not None else "id",
                    uuid_pk=meta.pk is not None and meta.pk.get_internal_type() == "UUIDField",
                )
            )
    return sorted(found, key=lambda g: g.table)


def _quoted(values: Any) -> str:
    # Statuses are the fixed TextChoices values (no quotes in them); quoted as SQL literals.
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values))


def _pairs() -> str:
    return _quoted(f"{before}>{after}" for before, afters in ALLOWED_TRANSITIONS.items() for after in afters)


def _initial() -> str:
    return _quoted({NO_STATUS, *ALLOWED_TRANSITIONS[NO_STATUS]})


def _last_row_matches(g: Guarded, key: str, distinct: str) -> str:
    """SQL true when the artefact's newest ledger row records exactly this change.

    Trigger bodies take no parameters: the names come from model metadata, the rest is fixed."""
    return f"""EXISTS (
        SELECT 1 FROM (
            SELECT t.from_status, t.to_status, t.at FROM {LEDGER_TABLE} t
            WHERE t.content_type_id = (
                SELECT c.id FROM django_content_type c
                WHERE c.app_label = '{g.app_label}' AND c.model = '{g.model_name}'
            ) AND t.object_id = {key}
            ORDER BY t.id DESC LIMIT 1
        ) last
        WHERE last.to_status = NEW.pswp_status AND NOT (last.at {distinct} NEW.pswp_status_at)
          AND (NEW.pswp_status = OLD.pswp_status OR last.from_status = OLD.pswp_status)
    )"""  # noqa: S608


# PostgreSQL ---------------------------------------------------------------------------------


def _postgres(g: Guarded) -> Iterator[str]:
    pk = f'NEW."{g.pk_column}"::text'
    yield f"""CREATE OR REPLACE FUNCTION {g.name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION '{MESSAGE}: % cannot be created as %', TG_TABLE_NAME, NEW.pswp_status
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.pswp_status <> OLD.pswp_status AND (OLD.pswp_status || '>' || NEW.pswp_status) NOT IN ({_pairs()}) THEN
        RAISE EXCEPTION '{MESSAGE}: % % cannot go from % to %', TG_TABLE_NAME, {pk}, OLD.pswp_status, NEW.pswp_status
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT {_last_row_matches(g, pk, "IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{MESSAGE}: % % has no ledger row for this change', TG_TABLE_NAME, {pk}
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$"""
    yield f"""CREATE TRIGGER {g.name}_update BEFORE UPDATE OF pswp_status, pswp_status_at ON "{g.table}"
FOR EACH ROW WHEN (OLD.pswp_status IS DISTINCT FROM NEW.pswp_status
                   OR OLD.pswp_status_at IS DISTINCT FROM NEW.pswp_status_at)
EXECUTE FUNCTION {g.name}()"""
    # The WHEN clause reads only the new row: the function runs only to refuse.
    yield f"""CREATE TRIGGER {g.name}_insert BEFORE INSERT ON "{g.table}"
FOR EACH ROW WHEN (NEW.pswp_status NOT IN ({_initial()})) EXECUTE FUNCTION {g.name}()"""


def _postgres_ledger() -> Iterator[str]:
    yield f"""CREATE OR REPLACE FUNCTION {LEDGER_GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'PSWP ledger rows are append-only: row % cannot be changed', OLD.id
        USING ERRCODE = 'check_violation';
END $$"""
    yield f"""CREATE TRIGGER {LEDGER_GUARD} BEFORE UPDATE OF {", ".join(LEDGER_FIXED)} ON {LEDGER_TABLE}
FOR EACH ROW WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in LEDGER_FIXED)})
EXECUTE FUNCTION {LEDGER_GUARD}()"""


# SQLite -------------------------------------------------------------------------------------


def _sqlite_key(g: Guarded) -> str:
    column = f'NEW."{g.pk_column}"'
    if not g.uuid_pk:
        return f"CAST({column} AS TEXT)"
    # Django keeps a UUID as 32 hex digits on SQLite; the ledger's object_id is str(uuid).
    parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
    return "lower(" + " || '-' || ".join(f"substr({column}, {a}, {n})" for a, n in parts) + ")"


def _sqlite(g: Guarded) -> Iterator[str]:
    key = _sqlite_key(g)
    yield f"""CREATE TRIGGER {g.name}_update BEFORE UPDATE OF pswp_status, pswp_status_at ON "{g.table}"
FOR EACH ROW WHEN OLD.pswp_status IS NOT NEW.pswp_status OR OLD.pswp_status_at IS NOT NEW.pswp_status_at
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: not an allowed transition')
    WHERE NEW.pswp_status <> OLD.pswp_status AND (OLD.pswp_status || '>' || NEW.pswp_status) NOT IN ({_pairs()});
    SELECT RAISE(ABORT, '{MESSAGE}: no ledger row for this change')
    WHERE NOT {_last_row_matches(g, key, "IS NOT")};
END"""
    yield f"""CREATE TRIGGER {g.name}_insert BEFORE INSERT ON "{g.table}"
FOR EACH ROW WHEN NEW.pswp_status NOT IN ({_initial()})
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: a new row cannot start in this status');
END"""


def _sqlite_ledger() -> Iterator[str]:
    yield f"""CREATE TRIGGER {LEDGER_GUARD} BEFORE UPDATE OF {", ".join(LEDGER_FIXED)} ON {LEDGER_TABLE}
FOR EACH ROW WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in LEDGER_FIXED)}
BEGIN
    SELECT RAISE(ABORT, 'PSWP ledger rows are append-only');
END"""


# Install, drop, check -----------------------------------------------------------------------


def expected_triggers() -> set[str]:
    names = {LEDGER_GUARD}
    for g in guarded_tables():
        names |= {f"{g.name}_update", f"{g.name}_insert"}
    return names


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    if connection.vendor not in {"postgresql", "sqlite"}:
        return set()
    return expected_triggers() - installed_triggers(connection)


def drop(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    with connection.cursor() as cursor:
        for g in guarded_tables():
            if connection.vendor == "postgresql":
                # The triggers depend on the function and go with it.
                cursor.execute(f"DROP FUNCTION IF EXISTS {g.name}() CASCADE")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {g.name}_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {g.name}_insert")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {LEDGER_GUARD}() CASCADE")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {LEDGER_GUARD}")


def install(connection: BaseDatabaseWrapper) -> None:
    """(Re)create every trigger; a no-op on a database without the ledger's tables yet."""
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    tables = set(connection.introspection.table_names())
    guarded = [g for g in guarded_tables() if g.table in tables]
    if LEDGER_TABLE not in tables or "django_content_type" not in tables:
        return
    drop(connection)
    postgres = connection.vendor == "postgresql"
    statements = [*(_postgres_ledger() if postgres else _sqlite_ledger())]
    for g in guarded:
        statements += _postgres(g) if postgres else _sqlite(g)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def on_pre_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    connection = connections[using]
    if LEDGER_TABLE in connection.introspection.table_names():
        drop(connection)


def on_post_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install(connections[using])
