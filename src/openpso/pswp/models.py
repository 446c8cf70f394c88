"""The PSWP ledger, the provider's PSES policy, external-obligation reports and disclosures.

Ledger rows, policy versions and disclosures are legal records: append-only, like
`audit.AuditEvent` (a change is a new row). 42 CFR 3.20 asks the provider to document the
date a record entered the PSES and the act and date of a drop-out; 3.206(b) disclosures must
each fit an exception, which only a log that cannot be edited can show afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from openpso.encryption.fields import EncryptedJSONField, EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.pswp.bases import BASIS_CODES, Basis
from openpso.pswp.guard import LedgerGuardedModel, LedgerGuardedQuerySet
from openpso.pswp.status import PswpStatus


class PswpTransition(AppendOnlyModel):
    """One change of an artefact's PSWP status: the artefact's timeline entry for it.

    The artefact is any model with `pswp_status`/`pswp_status_at` (reports use UUID keys,
    so `object_id` is text). No actor on the entry of an anonymous report (invariant 2).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, choices=PswpStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    at = models.DateTimeField()
    # Reasons may repeat facts of the event, so they are encrypted (invariant 6).
    reason = EncryptedTextField(blank=True)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["content_type", "object_id", "id"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # 42 CFR 3.20 (para (2)(ii)): a drop-out documents why; so does a not-PSWP finding.
            models.CheckConstraint(
                condition=~models.Q(to_status__in=[PswpStatus.DROPPED_OUT, PswpStatus.NOT_PSWP], reason=""),
                name="pswp_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_id}: {self.from_status or '—'} → {self.to_status}"


class PsesPolicy(AppendOnlyModel):
    """One version of a provider's written PSES policy (recommended by 81 FR 32655).

    A change is a new version; the current one is the newest in effect.
    """

    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    what_enters = models.TextField(help_text="What information enters the PSES, and when")
    who_may_see = models.TextField(help_text="Who may see PSES information (the PSES roles)")
    when_reported = models.TextField(help_text="When and how PSES information is reported to the PSO")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["provider", "version"], name="pses_policy_one_row_per_version"),
        ]

    def __str__(self) -> str:
        return f"PSES policy v{self.version}"


class Obligation(models.TextChoices):
    STATE = "state_adverse_event", "State adverse-event report"
    FDA_MEDWATCH = "fda_medwatch_3500a", "FDA MedWatch Form 3500A"
    ACCREDITOR = "accreditor", "Accreditor (e.g. sentinel event)"
    OTHER = "other", "Other external obligation"


class ExternalReport(LedgerGuardedModel):
    """A mandatory report to a state, the FDA or an accreditor, made from original facts.

    There is deliberately no narrative and no link to any deliberation: 81 FR 32655 says
    external obligations must be met from records kept outside the PSES, not from PSWP.
    The fields below are the original facts of the event (what, when, where, harm, who the
    patient is by age and sex), copied as recorded at intake — never the PSES narrative.
    """

    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    source_report = models.ForeignKey("reporting.EventReport", on_delete=models.PROTECT, related_name="+")
    obligation = models.CharField(max_length=24, choices=Obligation.choices)
    obligation_detail = models.CharField(max_length=200, blank=True, help_text="e.g. the state agency or form")
    due_on = models.DateField()
    event_type = models.CharField(max_length=4)
    categories = models.JSONField(default=list)
    discovered_at = models.DateTimeField()
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    harm = models.CharField(max_length=10, blank=True)
    patient_age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    patient_sex = models.CharField(max_length=3, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # Never PSWP (42 CFR 3.20 para (2)); the ledger records it as such at creation.
    pswp_status = models.CharField(max_length=24, choices=PswpStatus.choices, default=PswpStatus.NOT_PSWP)
    pswp_status_at = models.DateTimeField()

    objects: ClassVar[Any] = LedgerGuardedQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(pswp_status=PswpStatus.NOT_PSWP), name="external_report_not_pswp"
            ),
        ]

    def __str__(self) -> str:
        return f"External report {self.pk} ({self.obligation})"


class Disclosure(AppendOnlyModel):
    """One release of PSWP outside the provider under a 42 CFR 3.206(b) basis.

    Use inside the provider is not a disclosure (3.20): it is an access, audited on read.
    """

    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    # Ids of the event reports disclosed, as text (UUIDs); at least one.
    report_ids = models.JSONField()
    basis = models.CharField(max_length=32, choices=[(b.code, b.label) for b in Basis.all()])
    recipient_name = EncryptedTextField()
    recipient_organization = EncryptedTextField()
    purpose = EncryptedTextField()
    onward_use_limit = EncryptedTextField(blank=True)
    # The evidence the basis asks for (authorisations with signer and date, court orders …).
    conditions = EncryptedJSONField(default=dict, blank=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disclosed_at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-disclosed_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Invariant 5: every disclosure has a basis code — the database refuses one without.
            models.CheckConstraint(condition=models.Q(basis__in=sorted(BASIS_CODES)), name="disclosure_has_basis"),
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.pk} ({self.basis})"


class IdentifiedKind(models.TextChoices):
    ORGANIZATION = "organization", "Organisation"
    CLINICIAN = "clinician", "Individual clinician"


# 42 CFR 3.206(b)(3)(ii): kept six years from the last disclosure made in reliance on it.
RETENTION_YEARS = 6


def retention_end(relied_on: dt.date) -> dt.date:
    """`relied_on` plus six years; 29 February runs to 1 March (keeping a day longer, never shorter)."""
    try:
        return relied_on.replace(year=relied_on.year + RETENTION_YEARS)
    except ValueError:
        return dt.date(relied_on.year + RETENTION_YEARS, 3, 1)


class ProviderAuthorizationQuerySet(AppendOnlyQuerySet):
    def with_retention(self) -> ProviderAuthorizationQuerySet:
        """Each authorisation with `last_relied_on` and `retain_until` (six years after it)."""
        annotated: ProviderAuthorizationQuerySet = self.annotate(
            last_relied_on=models.Max("reliances__relied_on"), retain_until=models.Max("reliances__retain_until")
        )
        return annotated


class ProviderAuthorization(AppendOnlyModel):
    """A signed written authorisation from one identified provider (42 CFR 3.206(b)(3)).

    The identified provider is this provider, another organisation, or an individual clinician
    (a provider in Part 3) named in the PSWP; a clinician need not be a user, so name and role
    are text. Names, signer and scope identify people and are encrypted (invariant 6). The
    signed paper (or scan) stays where `document_location` says; OpenPSO keeps no files, only
    the scan's sha256 when one was given, so the document later produced to the Secretary can
    be shown to be the one relied on. Retention follows from the disclosures made in reliance
    on it (`AuthorizationReliance`), each of which extends it.
    """

    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    identified_kind = models.CharField(max_length=16, choices=IdentifiedKind.choices)
    identified_name = EncryptedTextField()
    identified_role = EncryptedTextField(blank=True)
    signed_by = EncryptedTextField()
    signed_on = models.DateField()
    scope = EncryptedTextField(help_text="The nature and scope of the disclosure, as the authorisation states it")
    document_location = EncryptedTextField(help_text="Where the signed authorisation is kept")
    document_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects: ClassVar[Any] = ProviderAuthorizationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Authorisation {self.pk} ({self.identified_kind}, signed {self.signed_on})"


class AuthorizationReliance(AppendOnlyModel):
    """A disclosure made in reliance on an authorisation; the authorisation is kept until six
    years after the last one (3.206(b)(3)(ii))."""

    authorization = models.ForeignKey(ProviderAuthorization, on_delete=models.PROTECT, related_name="reliances")
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="reliances")
    relied_on = models.DateField()
    retain_until = models.DateField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["authorization", "disclosure"], name="authorization_relied_on_once"),
        ]

    def __str__(self) -> str:
        return f"Authorisation {self.authorization_id} relied on by disclosure {self.disclosure_id}"
