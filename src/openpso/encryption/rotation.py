"""Key rotation: re-encrypt every stored ciphertext under the active key (invariant 6).

Every value not already `enc2` under the active key is rewritten: values under older keys,
and `enc1` (Fernet) values under any key, the active one included — those carry the second
they were written in clear (docs/decisions/0015-aead-field-encryption.md).

Works on raw column values, never on model instances: loading an instance decrypts
every field and saving it re-encrypts all of them and writes a history row, while
rotation must touch only the values under an old key and leave the history untouched.
Each batch commits on its own, so a crash part-way leaves every value readable
(under the old key or the new one, both in the keyring) and a re-run finishes the job.

Ciphertext kept where no EncryptedTextField is (allauth's second-factor secrets, inside a
JSON column) reaches rotation through a `SecretStore` its app registers (register_store).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.db import models, router, transaction
from django.db.models import Count, Q, Value
from django.db.models.functions import Cast, Left

from openpso.encryption.fields import FORMATS, PREFIX, DecryptionError, EncryptedTextField, decrypt, encrypt, parse
from openpso.encryption.keyring import KeyMissingError, Keyring, load_keyring
from openpso.lib.test_pause import pause_seconds

# Usage bucket for non-empty values that are not `enc1:`/`enc2:` ciphertext at all (e.g.
# written by raw SQL): they need a person to look at them, and they block nothing but retirement.
NOT_CIPHERTEXT = "(not ciphertext)"
# Test-only: seconds to hold each batch's transaction open after its writes, so a crash test
# can kill `openpso keys rotate` mid-way (encryption/tests/test_rotation_crash.py). Ignored in
# production and when unset.
PAUSE_ENV = "OPENPSO_TEST_ROTATION_BATCH_PAUSE_S"
_RAW = "_enc_raw_"
_HEAD = "_enc_head_"

Model = type[models.Model]
Usage = Mapping[tuple[str, str], int]  # (key id, format) -> stored values


@dataclass
class TableCount:
    table: str
    rows: int = 0  # rows rewritten
    values: int = 0  # encrypted values rewritten (a row holds several)


@dataclass(frozen=True)
class Failure:
    """A value that could not be re-encrypted; the reason names keys, never text."""

    table: str
    pk: str
    field: str
    reason: str


@dataclass
class RotationResult:
    active_key: str
    tables: list[TableCount] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def values(self) -> int:
        return sum(t.values for t in self.tables)


class SecretStore(Protocol):
    """Ciphertext held outside an EncryptedTextField column, which the model walk cannot find."""

    table: str

    def reencrypt(self, ring: Keyring, *, batch_size: int) -> tuple[TableCount, list[Failure]]:
        """Re-encrypt every value not `enc2` under the active key; idempotent like the columns."""
        ...

    def usage(self, ring: Keyring) -> Counter[tuple[str, str]]:
        """Stored values per (key id, format), NOT_CIPHERTEXT for a value that is not ciphertext."""
        ...


_stores: dict[str, SecretStore] = {}


def register_store(store: SecretStore) -> None:
    """Include `store` in rotation, status and retirement (once per table; AppConfig.ready)."""
    _stores[store.table] = store


def secret_stores() -> list[SecretStore]:
    return list(_stores.values())


def encrypted_fields() -> list[tuple[Model, list[str]]]:
    """Every table column that is an EncryptedTextField, found by walking the app registry,
    so history models and any future model are rotated without being listed here."""
    found: list[tuple[Model, list[str]]] = []
    seen_tables: set[str] = set()
    for model in apps.get_models():
        # Proxies share their concrete model's table; inherited fields live in the parent's.
        if model._meta.proxy or model._meta.db_table in seen_tables:
            continue
        names = [f.name for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            seen_tables.add(model._meta.db_table)
            found.append((model, names))
    return found


def _prefix(key_id: str, version: str = PREFIX) -> str:
    return f"{version}:{key_id}:"


def _raw_columns(model: Model, names: Iterable[str], using: str, heads: Iterable[int] = ()) -> Any:
    """A queryset exposing each column's stored text as `_enc_raw_<name>`.

    Cast to a plain TextField keeps EncryptedTextField.from_db_value (which decrypts) out
    of the way; `_enc_head_<name>_<n>` is its first n characters, for exact prefix tests
    (LIKE is case-insensitive on SQLite).
    """
    exprs: dict[str, Any] = {}
    for name in names:
        exprs[_RAW + name] = Cast(name, output_field=models.TextField())
        for n in heads:
            exprs[f"{_HEAD}{name}_{n}"] = Left(Cast(name, output_field=models.TextField()), n)
    return model._base_manager.using(using).annotate(**exprs)


def _not_under(name: str, prefix: str) -> Q:
    return Q(**{f"{_RAW}{name}__gt": ""}) & ~Q(**{f"{_HEAD}{name}_{len(prefix)}": prefix})


def _reencrypt_batch(
    model: Model, names: list[str], *, ring: Keyring, after: Any, batch_size: int, pause: float = 0.0
) -> tuple[list[Any], TableCount, list[Failure]]:
    """Re-encrypt up to `batch_size` rows with a stale value and primary key above `after`,
    in one transaction. Returns the primary keys seen (in order), counts and failures."""
    table = model._meta.db_table
    using = router.db_for_write(model)
    active = _prefix(ring.active)
    count, failures = TableCount(table), []
    stale = Q()
    for name in names:
        stale |= _not_under(name, active)
    with transaction.atomic(using=using):
        qs = _raw_columns(model, names, using, heads=[len(active)]).filter(stale)
        if after is not None:
            qs = qs.filter(pk__gt=after)
        # FOR UPDATE (PostgreSQL): an edit committed between our read and our write must
        # not be overwritten by the re-encrypted old text. SQLite serialises writers anyway.
        rows = list(qs.select_for_update().order_by("pk").values_list("pk", *(_RAW + n for n in names))[:batch_size])
        for pk, *stored_values in rows:
            changes: dict[str, Value] = {}
            for name, stored in zip(names, stored_values, strict=True):
                if not stored or stored.startswith(active):
                    continue
                try:
                    fresh = encrypt(decrypt(stored, ring=ring), ring=ring)
                except (DecryptionError, KeyMissingError) as exc:
                    failures.append(Failure(table, str(pk), name, str(exc)))
                    continue
                # A plain-TextField Value is written as is: the field would encrypt it again.
                changes[name] = Value(fresh, output_field=models.TextField())
            if changes:
                model._base_manager.using(using).filter(pk=pk).update(**changes)
                count.rows += 1
                count.values += len(changes)
        if pause and count.rows:
            time.sleep(pause)  # test hook (PAUSE_ENV): written, not yet committed
    return [row[0] for row in rows], count, failures


def reencrypt_all(*, batch_size: int = 500, progress: Callable[[TableCount], None] | None = None) -> RotationResult:
    """Rewrite every non-empty stored value not under the active key, table by table.

    Idempotent: values already under the active key are skipped, so re-running after a
    crash only does what is left. Undecryptable values are reported, not fatal.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ring = load_keyring()
    result = RotationResult(active_key=ring.active)
    pause = pause_seconds(PAUSE_ENV)
    for model, names in encrypted_fields():
        total = TableCount(model._meta.db_table)
        result.tables.append(total)
        after: Any = None
        while True:
            pks, count, failures = _reencrypt_batch(
                model, names, ring=ring, after=after, batch_size=batch_size, pause=pause
            )
            total.rows += count.rows
            total.values += count.values
            result.failures.extend(failures)
            if progress is not None:
                progress(total)
            if len(pks) < batch_size:
                break
            after = pks[-1]  # keyset paging: failed rows stay stale but are not re-read
    for store in secret_stores():
        count, failures = store.reencrypt(ring, batch_size=batch_size)
        result.tables.append(count)
        result.failures.extend(failures)
        if progress is not None:
            progress(count)
    return result


def _column_usage(model: Model, name: str, ring: Keyring) -> Counter[tuple[str, str]]:
    using = router.db_for_read(model)
    prefixes = {(key_id, version): _prefix(key_id, version) for key_id in ring.keys for version in FORMATS}
    qs = _raw_columns(model, [name], using, heads=sorted({len(p) for p in prefixes.values()}))
    raw, head = _RAW + name, f"{_HEAD}{name}_"
    # Counted in the database, one query per column: ciphertexts are not shipped to Python.
    aggregates = {f"key_{i}": Count("pk", filter=Q(**{f"{head}{len(p)}": p})) for i, p in enumerate(prefixes.values())}
    totals = qs.aggregate(total=Count("pk", filter=Q(**{f"{raw}__gt": ""})), **aggregates)
    usage: Counter[tuple[str, str]] = Counter()
    for i, key_and_format in enumerate(prefixes):
        usage[key_and_format] += totals[f"key_{i}"]
    if totals["total"] > sum(usage.values()):
        # Values under keys this keyring lacks, or not ciphertext: name them one by one.
        unknown = qs.filter(**{f"{raw}__gt": ""})
        for p in prefixes.values():
            unknown = unknown.exclude(**{f"{head}{len(p)}": p})
        for stored in unknown.values_list(raw, flat=True).iterator(chunk_size=2000):
            try:
                value = parse(stored)
                usage[(value.key_id, value.version)] += 1
            except DecryptionError:
                usage[(NOT_CIPHERTEXT, "")] += 1
    return usage


def key_usage() -> dict[tuple[str, str], int]:
    """How many stored values each (key id, format) pair holds, across every encrypted column.

    Pairs with no values are left out; ids missing from the keyring appear too, since
    those values cannot be decrypted until the key is restored.
    """
    ring = load_keyring()
    usage: Counter[tuple[str, str]] = Counter()
    for model, names in encrypted_fields():
        for name in names:
            usage.update(_column_usage(model, name, ring))
    for store in secret_stores():
        usage.update(store.usage(ring))
    return {pair: n for pair, n in sorted(usage.items()) if n}


def by_key(usage: Usage) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for (key_id, _version), n in usage.items():
        totals[key_id] += n
    return {key_id: n for key_id, n in sorted(totals.items()) if n}


def needing_rotation(usage: Usage, *, active: str) -> int:
    """Values `openpso keys rotate` would rewrite: all but `enc2` under the active key, so
    `enc1` values count even under an active (pre-0015 Fernet) key."""
    return sum(n for pair, n in usage.items() if pair != (active, PREFIX) and pair[0] != NOT_CIPHERTEXT)


def stale_key_usage() -> dict[str, int]:
    """How many stored values each key id encrypts (both formats), across every column."""
    return by_key(key_usage())
