"""What the PSO holds of its members' events, and how it came to hold it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedJSONField
from openpso.organizations.models import Organization

# The submission document's schema; bump it when its shape changes (docs/submissions.md).
DOCUMENT_SCHEMA = "openpso-submission/1"


class SubmissionMethod(models.TextChoices):
    PUSH = "push", "Pushed by the provider"
    FUNCTIONAL = "functional", "Functional reporting (PSO access to the PSES)"


class Submission(models.Model):
    """One version of one event as the PSO received it.

    `event_id` is the provider's report id (Common Formats DE2); `version` is a digest of the
    document, so re-sending the same content changes nothing and a changed event becomes a new
    row. Only the newest row of an event is `current`; the older ones stay as the record.
    `document` follows DOCUMENT_SCHEMA and holds only what the member agreement shares.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="received_submissions")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="submissions")
    event_id = models.UUIDField(db_index=True)
    version = models.CharField(max_length=64)
    current = models.BooleanField(default=True)
    method = models.CharField(max_length=12, choices=SubmissionMethod.choices)
    document = EncryptedJSONField()
    event_month = models.DateField(help_text="First day of the month the event was discovered (DE9)")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        "submissions.ProviderApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id", "version"], name="submission_version_once"),
            models.UniqueConstraint(
                fields=["provider", "event_id"], condition=models.Q(current=True), name="submission_one_current"
            ),
        ]
        indexes = [models.Index(fields=["pso", "provider", "-submitted_at"]), models.Index(fields=["event_month"])]

    def __str__(self) -> str:
        return f"Submission of event {str(self.event_id)[:8]} from {self.provider}"


class ProviderApiKey(models.Model):
    """A key a provider's own system uses to submit; scoped to that one provider.

    Only a digest of the secret is kept; the secret is shown once when the key is made.
    """

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.provider}"


class FunctionalReportingGrant(models.Model):
    """The provider lets the PSO reach a defined part of its PSES from a date (functional reporting).

    From `effective_from`, reports in scope count as reported to the PSO at the moment they
    come into scope (2008 final-rule preamble; regulatory-notes §1.4).
    """

    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="functional_grants")
    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="functional_grants_received")
    effective_from = models.DateTimeField()
    categories = models.JSONField(default=list, blank=True, help_text="DE21 codes in scope; empty means all")
    unit_ids = models.JSONField(default=list, blank=True, help_text="Unit ids in scope; empty means all")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"Functional reporting from {self.provider} to {self.pso} from {self.effective_from:%Y-%m-%d}"
