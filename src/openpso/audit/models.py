"""The tamper-evident audit log (DESIGN invariant 3).

Every read and change of PSWP lands here as an `AuditEvent`. Rows are append-only and
hash-chained: each row's hash covers its own contents and the previous row's hash, so an
edit or deletion made behind the ORM's back (raw SQL, a restored backup) shows up in
`openpso audit verify`. 42 CFR 3.106(b) asks a PSO for security measures over PSWP,
including audit controls; 3.206/3.208 make uses and disclosures something we must be able
to account for. Only `openpso.audit.trail.record` should write these rows.

This app is a leaf: actors and organisations are stored as plain integers, never foreign
keys, so deleting a user or an organisation never cascades into (or rewrites) the log.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove audit history through the ORM."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(
        f"audit events are append-only: {what} is refused (invariant 3); "
        "write new events with openpso.audit.trail.record"
    )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads are free; bulk writes would bypass the chain, so they are refused."""

    def update(self, **kwargs: Any) -> int:
        _refuse("QuerySet.update()")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("QuerySet.delete()")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        _refuse("QuerySet.bulk_create()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        _refuse("QuerySet.bulk_update()")


class AuditEvent(models.Model):
    """One thing that happened to an object: who, when, what, why — codes and ids only.

    `detail` holds codes and ids, never narrative or PHI (invariant 4): the log outlives
    every other record and is shown to compliance staff.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254)
    organization_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organization_id", "seq"], name="audit_org_seq_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A loaded row is history; only a brand-new instance may be written, and only once.
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse(f"changing audit event {self.seq}")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
        # After the insert the instance stands for a stored row; a second save() is an update.
        self._state.adding = False

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"deleting audit event {self.seq}")


class AuditChainHead(models.Model):
    """The one row (pk=1) naming the newest event and its hash.

    Appends lock it (`select_for_update`) so two writers can never both extend the same
    row and fork the chain; verify compares it with the newest row, which is how deleting
    the newest events (which no later row links to) is detected.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_seq}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleting the audit chain head")
