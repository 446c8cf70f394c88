"""The event report: what a frontline reporter tells the provider's PSES (AHRQ HERF core)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.encryption.fields import EncryptedJSONField, EncryptedTextField
from openpso.organizations.models import Organization, Unit
from openpso.pswp.guard import LedgerGuardedModel, LedgerGuardedQuerySet
from openpso.pswp.status import PswpStatus

_HERF = herf_core()


class EventReport(LedgerGuardedModel):
    """One report of an incident, near miss or unsafe condition.

    Field names follow the AHRQ data elements they carry (DE3, DE9, DE15, DE21 …).
    Narrative and identifying fields are encrypted at rest (invariant 6).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # DE2 Event ID
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="event_reports")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="event_reports")
    event_type = models.CharField(max_length=4, choices=_HERF["DE3"].choices())  # DE3
    categories = models.JSONField(default=list)  # DE21, answer codes
    category_other = EncryptedTextField(blank=True)  # DE21 "Other: please specify"
    discovered_at = models.DateTimeField()  # DE9
    narrative = EncryptedTextField()  # DE15
    location_detail = EncryptedTextField(blank=True)  # DE18
    patient_age_years = models.PositiveSmallIntegerField(null=True, blank=True)  # PIF 74500-0
    patient_sex = models.CharField(max_length=3, blank=True, choices=_HERF["DE42"].choices())
    harm = models.CharField(max_length=10, blank=True, choices=_HERF["PIF/harm"].choices())
    anonymous = models.BooleanField(default=False)  # DE33
    # 42 CFR 3.212 / invariant 2: an anonymous report keeps no link to a person.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_reports"
    )
    reporter_role = EncryptedTextField(blank=True)  # DE36 job or position
    reported_at = models.DateTimeField()  # DE30, to the hour when anonymous
    # Answers to the Common Formats module questions (and the HERF items without a column
    # of their own), keyed by linkId, e.g. {"Medication/DE270": "A1197"}; `modules` names the
    # definition files they answer (openpso.commonformats), e.g. ["cfer-h-1.2/medication"].
    answers = EncryptedJSONField(default=dict, blank=True)
    modules = models.JSONField(default=list, blank=True)
    pswp_status = models.CharField(max_length=24, choices=PswpStatus.choices, default=PswpStatus.CANDIDATE)
    pswp_status_at = models.DateTimeField()

    # Random history ids: a sequential id would place an anonymous filing between
    # neighbouring rows whose exact times are known (invariant 2).
    history = HistoricalRecords(excluded_fields=["reporter"], history_id_field=models.UUIDField(default=uuid.uuid4))

    # Only the PSWP ledger writes pswp_status/pswp_status_at (pswp.guard; see
    # docs/decisions/0009-pswp-ledger-and-pses.md).
    objects = LedgerGuardedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["provider", "-reported_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(anonymous=True, reporter__isnull=False),
                name="anonymous_report_has_no_reporter",
            ),
            models.CheckConstraint(
                condition=models.Q(event_type="A3") | models.Q(harm=""),
                name="harm_only_for_incidents",
            ),
        ]

    def __str__(self) -> str:
        return f"Event report {self.short_id}"

    @property
    def short_id(self) -> str:
        return str(self.id)[:8].upper()

    @property
    def category_labels(self) -> list[str]:
        # "Other", not AHRQ's form instruction "Other: PLEASE SPECIFY" (the text follows it).
        de21 = _HERF["DE21"]
        return [option_words(de21.answer(code).display) for code in self.categories]


class IdempotencyKey(models.Model):
    """Remembers an API request's Idempotency-Key so a retry returns the first result.

    `key` is a digest of the user id and the client's key; no user column is kept, so an
    anonymous report cannot be traced to its author through this table.
    """

    key = models.CharField(max_length=64, unique=True)
    request_hash = models.CharField(max_length=64)
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    # API keys expire (24 hours); the key of an imported document never does, so importing
    # the same document again years later still changes nothing.
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
