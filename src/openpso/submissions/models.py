"""What the PSO holds of its members' events, and how it came to hold it."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedJSONField, EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
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
    # The agreement in force that decided what the document shares.
    agreement = models.ForeignKey(
        "organizations.MemberAgreement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The functional-reporting grant under which the PSO took it (method=functional only).
    grant = models.ForeignKey(
        "submissions.FunctionalReportingGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # DE21 codes, comma-framed (",A48,A54,") so the inbox can filter without decrypting documents.
    category_codes = models.CharField(max_length=200, blank=True)

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
        return f"Submission of event {self.short_id} from {self.provider}"

    @property
    def short_id(self) -> str:
        return str(self.event_id)[:8].upper()

    @property
    def categories(self) -> list[str]:
        return [c for c in self.category_codes.split(",") if c]


class ProviderApiKey(models.Model):
    """A provider's key from before keys had roles: no longer written or read for sign-in.

    Migration 0003 moved every one to an `accounts.ApiKey` (same prefix and digest, so its token
    still works); the table stays as the history that `Submission.api_key` names on submissions
    made with such a key (docs/decisions/0020-api-keys.md).
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


class QuestionAwaits(models.TextChoices):
    PROVIDER = "provider", "Awaiting the provider"
    PSO = "pso", "Awaiting the PSO"


class Question(models.Model):
    """A PSO analyst's question to a provider about one submitted event, and its thread.

    Between the provider and its PSO, a patient safety activity (42 CFR 3.206(b)(4)(i)).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="questions")
    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pso_questions")
    event_id = models.UUIDField(db_index=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField()
    awaits = models.CharField(max_length=10, choices=QuestionAwaits.choices, default=QuestionAwaits.PROVIDER)
    last_message_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["provider", "awaits"]), models.Index(fields=["pso", "awaits"])]

    def __str__(self) -> str:
        return f"Question {str(self.id)[:8]} on event {str(self.event_id)[:8]}"

    @property
    def short_id(self) -> str:
        return "Q-" + str(self.id)[:8].upper()


class QuestionMessage(AppendOnlyModel):
    """One message of a question thread; never edited. The words may repeat PSWP: encrypted."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="messages")
    side = models.CharField(max_length=10, choices=[("pso", "PSO"), ("provider", "Provider")])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = EncryptedTextField()
    at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.question_id}"
