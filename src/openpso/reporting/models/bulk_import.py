"""Bulk imports from a provider's incident system (reporting.bulk_import).

`ImportMappingRecord` is the confirmed column and value mapping of one provider's source
system; `ImportJob` is one uploaded export on its way: uploaded, mapped, checked by a dry run,
then imported in the background with a checkpoint (`rows_done`) that a restart resumes from.
The export itself is kept encrypted in the data directory (`bulk_import.storage`) and removed
once imported; the job keeps counts and row numbers, and problem reasons encrypted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedJSONField
from openpso.organizations.models import Organization


class ImportMappingRecord(models.Model):
    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="import_mappings")
    source_system = models.SlugField(max_length=50)
    # Column names, words and codes of the export (no event data): docs/interchange.md.
    mapping = models.JSONField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "source_system"], name="one_mapping_per_system")]

    def __str__(self) -> str:
        return f"Import mapping {self.source_system}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded: mapping to confirm"
    CHECKED = "checked", "Dry run done"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Stopped with an error"


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_system = models.SlugField(max_length=50)
    file_format = models.CharField(max_length=4)
    stored_name = models.CharField(max_length=80)
    file_bytes = models.BigIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    rows_total = models.IntegerField(null=True, blank=True)
    failing_rows = models.IntegerField(default=0)
    # The checkpoint: rows (counted from the first event row) whose outcome is committed.
    rows_done = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    amended = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    # [{"row": n, "column": "...", "reason": "..."}]: the dry run's, then the import's own.
    problems = EncryptedJSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {str(self.id)[:8]}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == ImportStatus.FINISHED else 0
        return min(100, round(100 * self.rows_done / self.rows_total))
