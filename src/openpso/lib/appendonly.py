"""Rows written once and never changed through the ORM: ledgers, logs, timelines, addenda.

The legal record of what happened (PSWP transitions, disclosures, timeline entries,
deliberations) must stay as it was written; a correction is a new row. Raw SQL can still
change a table, which is what the audit chain's verification is for.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an append-only row."""


def refuse(model: type[models.Model] | models.Model, what: str) -> NoReturn:
    name = model._meta.verbose_name
    raise AppendOnlyError(f"{what} is refused: {name} rows are append-only")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        refuse(self.model, "update")

    def delete(self) -> tuple[int, dict[str, int]]:
        refuse(self.model, "delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        refuse(self.model, "bulk update")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            refuse(self, f"changing {self._meta.verbose_name} {self.pk}")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
        self._state.adding = False

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        refuse(self, f"deleting {self._meta.verbose_name} {self.pk}")
