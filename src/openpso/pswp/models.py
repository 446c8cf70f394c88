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
    # 81 FR 32655: information collected for another purpose is not PSWP. One purpose a line
    # (e.g. "Quality department incident log"); intake may record such information as not
    # PSWP from the start, citing this version (reporting.actions.file_report).
    non_pses_purposes = models.TextField(
        blank=True,
        help_text="Purposes for which the provider collects information outside the PSES, one per line",
    )
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

    def purposes_outside_pses(self) -> list[str]:
        return [line.strip() for line in self.non_pses_purposes.splitlines() if line.strip()]

    def names_purpose(self, purpose: str) -> str | None:
        """The purpose as this version words it, matched ignoring case and spacing; else None."""
        wanted = " ".join(purpose.split()).casefold()
        return next((p for p in self.purposes_outside_pses() if " ".join(p.split()).casefold() == wanted), None)


class Obligation(models.TextChoices):
    STATE = "state_adverse_event", "State adverse-event report"
    FDA_MEDWATCH = "fda_medwatch_3500a", "FDA MedWatch Form 3500A"
    ACCREDITOR = "accreditor", "Accreditor (e.g. sentinel event)"
    OTHER = "other", "Other external obligation"


class PatientSex(models.TextChoices):
    # As the medical record has it (the same three values intake uses, but typed from the record).
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "UNK", "Unknown"


# The original facts each obligation needs (ExternalReport field names). A report missing one
# is refused; the form lists them. Kept small and generic: an agency's own form decides the rest.
REQUIRED_FACTS: dict[str, tuple[str, ...]] = {
    Obligation.STATE: ("agency_category", "discovered_at", "event_description", "outcome"),
    Obligation.FDA_MEDWATCH: ("discovered_at", "event_description", "outcome", "patient_age_years", "patient_sex"),
    Obligation.ACCREDITOR: ("agency_category", "discovered_at", "event_description"),
    Obligation.OTHER: ("event_description",),
}
# Every fact a user may enter, in form order (all are ExternalReport fields).
ORIGINAL_FACTS: tuple[str, ...] = (
    "agency_category",
    "event_description",
    "discovered_at",
    "unit",
    "outcome",
    "patient_age_years",
    "patient_sex",
)


class ExternalReport(LedgerGuardedModel):
    """A mandatory report to a state, the FDA or an accreditor, made from original records.

    81 FR 32655: external obligations must be met from records kept outside the PSES, not
    from PSWP. So every fact here is one the provider's staff enter from the medical record
    or another non-PSES record, named in `source`; nothing is copied from an event report (a
    PSES record: its harm score and Common Formats classification are PSES assessments) and
    there is no link to one. Which facts an obligation needs: `REQUIRED_FACTS`.
    """

    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    obligation = models.CharField(max_length=24, choices=Obligation.choices)
    obligation_detail = models.CharField(max_length=200, blank=True, help_text="e.g. the state agency or form")
    due_on = models.DateField()
    # Where the facts come from, e.g. "medical record MRN …, chart note 2026-11-03". Required
    # (check constraint): an external report must be traceable to original records.
    source = EncryptedTextField(verbose_name="original records the facts come from")
    agency_category = models.CharField(
        "event category in the agency's own list", max_length=200, blank=True, help_text="e.g. NQF SRE 4F"
    )
    event_description = EncryptedTextField("what happened, as the original record states it", blank=True)
    discovered_at = models.DateTimeField(
        "when it happened or was found, per the original record", null=True, blank=True
    )
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = EncryptedTextField("patient outcome as the medical record documents it", blank=True)
    patient_age_years = models.PositiveSmallIntegerField("patient's age in years", null=True, blank=True)
    patient_sex = models.CharField("patient's sex", max_length=3, blank=True, choices=PatientSex.choices)
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
            models.CheckConstraint(condition=~models.Q(source=""), name="external_report_names_its_source"),
        ]

    def __str__(self) -> str:
        return f"External report {self.pk} ({self.obligation})"

    def required_facts(self) -> tuple[str, ...]:
        return REQUIRED_FACTS.get(self.obligation, ())


def fact_label(name: str) -> str:
    """An original fact's name in words (its ExternalReport field's verbose name)."""
    return str(getattr(ExternalReport._meta.get_field(name), "verbose_name", name))


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
