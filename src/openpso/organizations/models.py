"""The PSO, health systems, providers and their units, member agreements and memberships."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from openpso.organizations.roles import ROLE_KINDS, Role
from openpso.organizations.timezones import default_time_zone, validate_time_zone


class OrgKind(models.TextChoices):
    PSO = "pso", "Patient Safety Organization"
    HEALTH_SYSTEM = "health_system", "Health system"
    PROVIDER = "provider", "Provider"


class ProviderType(models.TextChoices):
    HOSPITAL = "hospital", "Hospital"
    EMS_AGENCY = "ems_agency", "EMS agency"
    NURSING_HOME = "nursing_home", "Nursing home"
    COMMUNITY_PHARMACY = "community_pharmacy", "Community pharmacy"
    AMBULATORY = "ambulatory", "Ambulatory / physician practice"
    OTHER = "other", "Other"


class BedSizeBand(models.TextChoices):
    # AHA-style bed-size bands, the usual peer grouping for hospitals.
    UNDER_50 = "lt50", "Fewer than 50 beds"
    B50_99 = "50-99", "50–99 beds"
    B100_199 = "100-199", "100–199 beds"
    B200_299 = "200-299", "200–299 beds"
    B300_499 = "300-499", "300–499 beds"
    B500_PLUS = "500+", "500 beds or more"


class EmsVolumeBand(models.TextChoices):
    UNDER_5K = "lt5k", "Fewer than 5,000 responses a year"
    R5K_20K = "5k-20k", "5,000–20,000 responses a year"
    R20K_50K = "20k-50k", "20,000–50,000 responses a year"
    R50K_PLUS = "50k+", "50,000 responses a year or more"


class Urbanicity(models.TextChoices):
    URBAN = "urban", "Urban"
    RURAL = "rural", "Rural"


US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "PR",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]


class Organization(models.Model):
    """A legal entity: the PSO, a health system (corporate parent) or a provider.

    `network` is the PSO whose installation manages this organisation; the PSO's own
    administrators manage only organisations in their network.
    """

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    network = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="network_members",
        limit_choices_to={"kind": OrgKind.PSO},
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliates",
        limit_choices_to={"kind": OrgKind.HEALTH_SYSTEM},
        help_text="The health system a provider belongs to; empty for independent providers.",
    )
    provider_type = models.CharField(max_length=30, choices=ProviderType.choices, blank=True)
    bed_size_band = models.CharField(max_length=10, choices=BedSizeBand.choices, blank=True)
    ems_volume_band = models.CharField(max_length=10, choices=EmsVolumeBand.choices, blank=True)
    state = models.CharField(max_length=2, choices=[(s, s) for s in US_STATES], blank=True)
    urbanicity = models.CharField(max_length=10, choices=Urbanicity.choices, blank=True)
    # Every date and time about this organisation is shown and read in this zone; stored
    # times stay UTC (organizations/timezones.py). Choices are offered by the form, not
    # here, so a tzdata update needs no migration.
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="Dates and times of this organisation's reports are shown in this zone.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="provider") | models.Q(provider_type=""),
                name="org_provider_type_only_for_providers",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pso(self) -> Organization | None:
        return self if self.kind == OrgKind.PSO else self.network

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == OrgKind.PROVIDER and not self.provider_type:
            errors["provider_type"] = "A provider needs a provider type."
        if self.kind != OrgKind.PROVIDER and self.parent_id:
            errors["parent"] = "Only providers belong to a health system."
        if self.kind == OrgKind.PSO and self.network_id:
            errors["network"] = "A PSO is the root of its own network."
        if self.kind != OrgKind.PSO and not self.network_id:
            errors["network"] = "Choose the PSO network this organisation belongs to."
        if self.provider_type != ProviderType.HOSPITAL and self.bed_size_band:
            errors["bed_size_band"] = "Bed-size band applies to hospitals only."
        if self.provider_type != ProviderType.EMS_AGENCY and self.ems_volume_band:
            errors["ems_volume_band"] = "EMS response volume applies to EMS agencies only."
        if errors:
            raise ValidationError(errors)


class Unit(models.Model):
    """A unit or location inside a provider (ward, department, ambulance station)."""

    provider = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="units",
        limit_choices_to={"kind": OrgKind.PROVIDER},
    )
    name = models.CharField(max_length=120)
    unit_type = models.CharField(max_length=60, blank=True, help_text="e.g. medical-surgical, ICU, ED, station")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="unit_name_unique_in_provider")]

    def __str__(self) -> str:
        return self.name


class FeedbackProduct(models.TextChoices):
    MONTHLY_PROVIDER_REPORT = "monthly_provider_report", "Monthly provider report"
    SYSTEM_REPORT = "system_report", "Health-system report"
    SAFETY_ALERTS = "safety_alerts", "Safety alerts"
    REPORTER_DIGEST = "reporter_digest", "Reporter digest (what changed)"
    LEARNING_REPORT = "learning_report", "PSO learning report"


class SharedField(models.TextChoices):
    """Optional parts of an event a member agreement may share with the PSO (docs/submissions.md).

    Everything else in the submission document is always sent; identifying answers and the
    reporter's identity never are, whatever the agreement says.
    """

    NARRATIVE = "narrative", "Narrative (DE15)"
    LOCATION_DETAIL = "location_detail", "Location detail (DE18)"
    REPORTER_ROLE = "reporter_role", "Reporter's job or position (DE36)"
    ANALYSIS = "analysis", "Analysis: RCA² contributing factors and action plan"


def default_shared_fields() -> list[str]:
    return [SharedField.NARRATIVE.value, SharedField.ANALYSIS.value]


class MemberAgreement(models.Model):
    """The contract between the PSO and a provider (42 CFR 3.102(b)(1)(i)(C) 'bona fide contract').

    It decides what the provider reports, which feedback it receives, and whether its
    health system may see its identified data (a PSA_AFFILIATED disclosure, 3.206(b)(4)(iii)).
    """

    pso = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements_as_pso", limit_choices_to={"kind": OrgKind.PSO}
    )
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements", limit_choices_to={"kind": OrgKind.PROVIDER}
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    categories = models.JSONField(default=list, blank=True, help_text="Common Formats category codes (DE21) covered")
    feedback_products = models.JSONField(default=list, blank=True)
    system_may_view = models.BooleanField(
        default=False, help_text="The provider's health system may see its identified reports."
    )
    shared_fields = models.JSONField(
        default=default_shared_fields,
        blank=True,
        help_text="Optional parts of each event sent to the PSO (SharedField codes)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.provider} ↔ {self.pso} from {self.effective_from}"

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def clean(self) -> None:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "The end date is before the start date."})
        unknown = sorted(set(self.shared_fields or []) - set(SharedField.values))
        if unknown:
            raise ValidationError({"shared_fields": f"Not a shared field: {', '.join(unknown)}."})

    def shares(self, group: str) -> bool:
        return group in (self.shared_fields or [])

    def covers(self, categories: list[str]) -> bool:
        """Every category of the event is one the agreement covers (DE21 codes)."""
        return bool(categories) and set(categories) <= set(self.categories or [])


class Membership(models.Model):
    """One role one person holds in one organisation; a person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Home unit, used as the default location when reporting.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    def clean(self) -> None:
        if self.organization_id and self.organization.kind not in ROLE_KINDS.get(self.role, set()):
            raise ValidationError({"role": "This role cannot be held in this kind of organisation."})
        if self.unit is not None and self.unit.provider_id != self.organization_id:
            raise ValidationError({"unit": "The unit belongs to another organisation."})


class DenominatorMeasure(models.TextChoices):
    PATIENT_DAYS = "patient_days", "Patient-days"
    ADMISSIONS = "admissions", "Admissions"
    EMS_RESPONSES = "ems_responses", "EMS responses"
    ENCOUNTERS = "encounters", "Encounters / visits"


class Denominator(models.Model):
    """A provider's monthly volume, the denominator that turns counts into rates."""

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="denominators")
    month = models.DateField(help_text="First day of the month")
    measure = models.CharField(max_length=20, choices=DenominatorMeasure.choices)
    value = models.PositiveIntegerField()

    class Meta:
        ordering = ["provider", "month", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month", "measure"], name="denominator_unique_month")
        ]
