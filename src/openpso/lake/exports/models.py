"""The national database documents sent so far (succession) and the API's Bulk Data export jobs.

Both sit on the PSO's side: a document row holds the pool's event key (a keyed hash, never an
event id), the PSO-assigned document ids and a digest of what was released, nothing else.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from openpso.organizations.models import Organization


class NationalDocument(models.Model):
    """One CDA document version written for the national database (the PSOPPC).

    Succession (a resubmission supersedes the earlier document): the versions of one event share
    `set_id`; `version_number` counts them from 1; a new version replaces the one before it
    (`relatedDocument typeCode="RPLC"` with that version's `document_id`). A version is made only
    when what is released about the event changed (`digest`); an export that finds the same content
    writes the same document again, with its id, version and time.
    """

    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    event_key = models.CharField(max_length=24)
    set_id = models.UUIDField()
    document_id = models.UUIDField(unique=True, default=uuid.uuid4)
    version_number = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, help_text="sha256 of the released content (canonical JSON)")
    created_at = models.DateTimeField(help_text="The document's effectiveTime")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pso", "event_key", "version_number"], name="national_document_version")
        ]
        indexes = [models.Index(fields=["pso", "event_key"])]

    def __str__(self) -> str:
        return f"National document {self.event_key} v{self.version_number}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class BulkExport(models.Model):
    """A FHIR Bulk Data export of the PSO's release data, asked for over the API and run in the
    background (`lake.exports.tasks`); its files lie under OPENPSO_DATA_DIR/exports/<id>/."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    since = models.DateField()
    status = models.CharField(max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done")
    files = models.JSONField(default=list, blank=True, help_text="[{type, name, count}] once done")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Bulk export {self.id} ({self.status})"
