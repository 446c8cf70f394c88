"""What the lake holds, kept beside it in the database so each refresh does only what changed.

These rows are on the PSO's identified side (they name providers and event ids) and never
leave it; the Parquet files they describe hold only keys and pseudonyms.
"""

from __future__ import annotations

from django.db import models

from openpso.organizations.models import Organization
from openpso.submissions.models import Submission


class LakeState(models.Model):
    """One PSO's lake: the rules it was made with and what its last refresh did.

    When the file layout, the profile, the narrative engine or the pseudonyms (`key_fingerprint` holds
    `pseudonyms.pool_keys_fingerprint()`: the provider-code scheme and the event-key key) are no longer
    the ones the lake was made with, the next refresh rebuilds every partition (docs/lake.md).
    """

    pso = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="+")
    layout = models.CharField(max_length=20, blank=True, help_text="Version of the files' schema (lake.schema.LAYOUT)")
    profile = models.CharField(max_length=40, blank=True)
    engine_version = models.CharField(max_length=40, blank=True)
    key_fingerprint = models.CharField(max_length=16, blank=True)
    # sha256 of the content of the small unpartitioned tables (providers, denominators), so an
    # unchanged table is not rewritten.
    table_digests = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Lake of {self.pso}"


class LakeEntry(models.Model):
    """One event in the lake: the submission version it was made from, and its month partition.

    `event_key` is the event's key in the files (a keyed hash, never the event id);
    `removal_record` says what non-identification removed or generalised (field → action,
    narrative spans per type, engine, profile): codes and counts only, never text.
    """

    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    event_id = models.UUIDField()
    submission = models.ForeignKey(Submission, null=True, on_delete=models.SET_NULL, related_name="+")
    event_key = models.CharField(max_length=24, unique=True)
    month = models.DateField(help_text="First day of the month partition the event is in")
    removal_record = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="lake_entry_one_per_event")]
        indexes = [models.Index(fields=["pso", "month"]), models.Index(fields=["submission"])]

    def __str__(self) -> str:
        return f"Lake entry {self.event_key}"


import openpso.lake.exports.models  # noqa: E402, F401  national database documents and Bulk Data jobs
