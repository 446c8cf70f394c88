"""The PSWP ledger is the only writer of `pswp_status` and `pswp_status_at`.

See docs/decisions/0009-pswp-ledger-and-pses.md.

A model that carries them inherits `LedgerGuardedModel` and uses a `LedgerGuardedQuerySet`:
`save()` refuses a changed status the ledger did not set, and `update()`/`bulk_update()`
refuse to touch either column. `openpso.pswp.ledger` writes them through `ledger_write`
and `adopt`, the one sanctioned path. Python cannot stop code that goes around these on
purpose, so the database has the last word: triggers (`openpso.pswp.triggers`) refuse a
status change that is not the artefact's last ledger row and an allowed transition, from
raw SQL too. This module imports only Django, so the apps that own such models can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router

LEDGER_FIELDS = frozenset({"pswp_status", "pswp_status_at"})


class LedgerBypassRefused(Exception):
    """Code outside the PSWP ledger tried to write an artefact's PSWP status."""


def _refuse(model: type[models.Model] | models.Model, what: str, fields: Iterable[str]) -> Any:
    name = model._meta.verbose_name
    raise LedgerBypassRefused(
        f"{what} of {', '.join(sorted(fields))} on {name} is refused: only the PSWP ledger "
        "(openpso.pswp.ledger) changes a PSWP status, with its ledger row and audit event"
    )


class LedgerGuardedQuerySet(models.QuerySet[Any]):
    """Updates and bulk updates that leave the ledger's columns alone."""

    def update(self, **kwargs: Any) -> int:
        if touched := LEDGER_FIELDS & set(kwargs):
            _refuse(self.model, "update", touched)
        return super().update(**kwargs)

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> int:
        fields = list(fields)
        if touched := LEDGER_FIELDS & set(fields):
            _refuse(self.model, "bulk update", touched)
        return super().bulk_update(objs, fields, batch_size=batch_size)


class LedgerGuardedModel(models.Model):
    """An artefact whose PSWP status only the ledger changes once the row exists.

    A new row may be inserted holding its first status (intake files a report as a
    candidate and records the ledger entry in the same transaction); the insert trigger
    allows only the statuses an artefact can start in. After that, `save()` compares the
    ledger's columns with the values read from the database (or last set by the ledger),
    at no cost in queries, and refuses a change.
    """

    # The ledger's columns as read from the database or last written by the ledger.
    _ledger_seen: dict[str, Any]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._ledger_seen = {f: getattr(instance, f) for f in LEDGER_FIELDS if f in instance.__dict__}
        return instance

    def refresh_from_db(self, using: str | None = None, fields: Any = None, from_queryset: Any = None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        seen = self.__dict__.setdefault("_ledger_seen", {})
        for f in LEDGER_FIELDS:
            if (fields is None or f in fields) and f in self.__dict__:
                seen[f] = self.__dict__[f]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            written = LEDGER_FIELDS if update_fields is None else LEDGER_FIELDS & set(update_fields)
            seen = self.__dict__.get("_ledger_seen", {})
            # A column loaded or set by the ledger must hold that value; one deferred at load
            # and assigned since is a change nobody can vouch for.
            changed = {f for f in written if f in self.__dict__ and (f not in seen or self.__dict__[f] != seen[f])}
            if changed:
                _refuse(self, "saving a change", changed)
            written_now = written
        else:
            written_now = LEDGER_FIELDS  # the insert writes every column
        super().save(*args, **kwargs)
        seen = self.__dict__.setdefault("_ledger_seen", {})
        seen.update({f: self.__dict__[f] for f in written_now if f in self.__dict__})


def ledger_write(model: type[models.Model], pk: Any, *, status: str, at: Any) -> int:
    """The ledger's own write of an artefact's columns (the ledger row must already exist:
    the database trigger checks the change against it)."""
    return models.QuerySet.update(model._default_manager.filter(pk=pk), pswp_status=status, pswp_status_at=at)


def ledger_write_many(model: type[models.Model], rows: Sequence[tuple[Any, str, Any]]) -> None:
    """`ledger_write` for many artefacts, each `(pk, status, at)`: one parameterised UPDATE run
    for all of them (a CASE over a thousand ids, as `bulk_update` writes it, is slower)."""
    if not rows:
        return
    meta = model._meta
    status, at, pk = (meta.get_field(name) for name in ("pswp_status", "pswp_status_at", meta.pk.name))
    assert isinstance(status, models.Field)
    assert isinstance(at, models.Field)
    assert isinstance(pk, models.Field)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    table, columns = quote(meta.db_table), (quote(status.column), quote(at.column), quote(pk.column))
    sql = "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(table, *columns)  # noqa: S608
    params = [
        (
            status.get_db_prep_value(value, connection),
            at.get_db_prep_value(moment, connection),
            pk.get_db_prep_value(key, connection),
        )
        for key, value, moment in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def adopt(artefact: Any, *, status: str, at: Any) -> None:
    """Set the ledger's columns on an in-memory artefact after `ledger_write`, so that a later
    `save()` of its other fields is not taken for a bypass."""
    artefact.pswp_status, artefact.pswp_status_at = status, at
    if isinstance(artefact, LedgerGuardedModel):
        artefact.__dict__.setdefault("_ledger_seen", {}).update(pswp_status=status, pswp_status_at=at)
