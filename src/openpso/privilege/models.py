"""The PSO's own disclosure log with its HIPAA accounting, subpoenas answered with the
privilege, and the register of impermissible disclosures and breaches.

The disclosure log and the accounting are legal records: append-only (lib/appendonly.py).
Subpoenas and breaches change state; each change is a step row and an audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedJSONField, EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.privilege.bases import PSO_BASIS_CODES
from openpso.pswp.bases import BASES

USER = settings.AUTH_USER_MODEL


class RecipientKind(models.TextChoices):
    CONTRACTOR = "contractor", "Contractor of the PSO"
    RESEARCHER = "researcher", "Researcher"
    PSOPPC = "psoppc", "National database / PSO Privacy Protection Center"
    SECRETARY = "secretary", "The Secretary (HHS)"
    OTHER_PSO = "other_pso", "Another PSO"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    COURT = "court", "Court or tribunal"
    PROFESSIONAL = "professional", "Attorney, accountant or other professional"
    PROVIDER = "provider", "A provider"
    OTHER = "other", "Other"


class PsoDisclosure(AppendOnlyModel):
    """One release of PSWP by the PSO outside itself, under a 42 CFR 3.206 basis.

    `provider` is the member whose PSWP it is; blank for PSWP pooled from several members
    (non-identified, say). A release of several members' identified PSWP is logged once per
    member, so each member's accounting stays its own.
    """

    pso = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(max_length=32, choices=[(c, BASES[c].label) for c in sorted(PSO_BASIS_CODES)])
    recipient_kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    recipient_name = EncryptedTextField()
    recipient_organization = EncryptedTextField()
    recipient_address = EncryptedTextField(blank=True)
    purpose = EncryptedTextField()
    description = EncryptedTextField(help_text="What PSWP was disclosed")
    onward_use_limit = EncryptedTextField(blank=True)
    conditions = EncryptedJSONField(default=dict, blank=True)
    disclosed_on = models.DateField()
    disclosed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-disclosed_on", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(basis__in=sorted(PSO_BASIS_CODES)), name="pso_disclosure_has_pso_basis"
            ),
        ]

    def __str__(self) -> str:
        return f"PSO disclosure {self.pk} ({self.basis})"


class AccountingEntry(AppendOnlyModel):
    """One patient identified in a disclosure HIPAA asks to be accounted for (45 CFR 164.528).

    The patient is an opaque reference (the provider's MRN or an encounter key), encrypted;
    `patient_digest` is a keyed HMAC of it so an accounting can be found without decrypting
    every row (privilege/accounting.py).
    """

    disclosure = models.ForeignKey(PsoDisclosure, on_delete=models.PROTECT, related_name="accounting")
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    patient_ref = EncryptedTextField()
    patient_digest = models.CharField(max_length=64, db_index=True)
    disclosed_on = models.DateField()
    retain_until = models.DateField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-disclosed_on", "-id"]
        verbose_name_plural = "accounting entries"

    def __str__(self) -> str:
        return f"Accounting entry {self.pk} (disclosure {self.disclosure_id})"


class DemandKind(models.TextChoices):
    SUBPOENA = "subpoena", "Subpoena"
    DISCOVERY = "discovery", "Discovery request"
    COURT_ORDER = "court_order", "Court order"
    ADMINISTRATIVE = "administrative", "Administrative demand"


class SubpoenaStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PRIVILEGE_ASSERTED = "privilege_asserted", "Privilege asserted"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    QUASHED = "quashed", "Quashed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    PRIVILEGE_UPHELD = "privilege_upheld", "Privilege upheld (motion to compel denied)"
    COURT_ORDERED_DISCLOSURE = "court_ordered_disclosure", "Court-ordered disclosure under an exception"
    NOT_PSWP = "not_pswp", "Records reached were not PSWP; originals produced"


class Subpoena(models.Model):
    """A subpoena, discovery request or order reaching PSWP, answered with the 3.204 privilege."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=DemandKind.choices)
    requested_by = EncryptedTextField(help_text="The party and its counsel")
    forum = EncryptedTextField(help_text="Court, tribunal or agency, and case number")
    what_asked = EncryptedTextField()
    records_reached = EncryptedTextField(help_text="The records it reaches, and which of them are PSWP")
    served_on = models.DateField()
    respond_by = models.DateField()
    status = models.CharField(max_length=24, choices=SubpoenaStatus.choices, default=SubpoenaStatus.RECEIVED)
    privilege_text = EncryptedTextField(blank=True)
    privilege_cite = models.CharField(max_length=200, blank=True)
    asserted_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_detail = EncryptedTextField(blank=True)
    exception_basis = models.CharField(max_length=32, blank=True)
    continued_protection = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["respond_by", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    def days_left(self, today: dt.date) -> int | None:
        """Days until the response is due while nothing has been answered yet."""
        return (self.respond_by - today).days if self.status == SubpoenaStatus.RECEIVED else None

    def overdue(self, today: dt.date) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0


class SubpoenaStep(AppendOnlyModel):
    """One change of a subpoena's status: its history."""

    subpoena = models.ForeignKey(Subpoena, on_delete=models.PROTECT, related_name="steps")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"Subpoena {self.subpoena_id}: {self.from_status or '—'} → {self.to_status}"


class BreachKind(models.TextChoices):
    IMPERMISSIBLE_DISCLOSURE = "impermissible_disclosure", "Impermissible disclosure of PSWP"
    SECURITY_BREACH = "security_breach", "Security breach"


class RiskConclusion(models.TextChoices):
    PENDING = "pending", "Assessment pending"
    LOW_PROBABILITY = "low_probability", "Low probability that PHI was compromised (not a HIPAA breach)"
    BREACH = "breach", "Breach of unsecured PHI: notification required"
    NO_PHI = "no_phi", "No PHI involved (PSWP only)"


class Breach(models.Model):
    """An impermissible disclosure or security breach, with its risk assessment (45 CFR 164.402(2))."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=BreachKind.choices)
    what = EncryptedTextField()
    occurred_on = models.DateField(null=True, blank=True)
    discovered_on = models.DateField()
    who_affected = EncryptedTextField(help_text="Patients, providers or reporters affected")
    patients_affected = models.PositiveIntegerField(default=0)
    risk_nature = EncryptedTextField(blank=True)
    risk_recipient = EncryptedTextField(blank=True)
    risk_acquired = EncryptedTextField(blank=True)
    risk_mitigated = EncryptedTextField(blank=True)
    conclusion = models.CharField(max_length=16, choices=RiskConclusion.choices, default=RiskConclusion.PENDING)
    assessed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-discovered_on", "-id"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"Breach {self.pk} ({self.kind}, discovered {self.discovered_on})"


class NoticeTo(models.TextChoices):
    PROVIDER = "provider", "The provider (covered entity)"
    INDIVIDUALS = "individuals", "Affected individuals"
    SECRETARY = "secretary", "The Secretary (HHS)"
    MEDIA = "media", "Prominent media outlets"


class BreachNotification(models.Model):
    """A notification a breach calls for, with its clock; `sent_on` closes it."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notifications")
    notice_to = models.CharField(max_length=16, choices=NoticeTo.choices)
    recipient = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cite = models.CharField(max_length=120)
    due_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=200, blank=True)
    sent_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["breach", "notice_to", "recipient"], name="one_notice_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"Notice of breach {self.breach_id} to {self.notice_to}"

    def overdue(self, today: dt.date) -> bool:
        return self.sent_on is None and today > self.due_on
