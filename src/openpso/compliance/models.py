"""The PSO's listing, its relationship disclosures and its security risk assessments.

Member agreements themselves live in `organizations.MemberAgreement`; the register reads them.
"""

from __future__ import annotations

from django.db import models

from openpso.organizations.models import Organization, OrgKind


class Listing(models.Model):
    """The PSO's listing by the Secretary (42 CFR 3.102, 3.104): when it began and when it ends.

    The initial listing date starts the 24-month periods in which the PSO needs bona fide
    contracts with at least two providers (3.102(b)(1)(i)(C)); a listing lasts three years and
    must be renewed before it expires (3.104(d), regulatory-notes §4.2).
    """

    pso = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="listing", limit_choices_to={"kind": OrgKind.PSO}
    )
    ahrq_number = models.CharField("AHRQ PSO number", max_length=30, blank=True)
    initial_listing_date = models.DateField("Initial listing date")
    expires_on = models.DateField("Current listing expires on")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Listing of {self.pso} until {self.expires_on}"


class RelationshipKind(models.TextChoices):
    # 3.102(d)(2): relationships other than the bona fide contract, and control by the provider.
    CONTRACTUAL = "contractual", "Contractual"
    FINANCIAL = "financial", "Financial"
    REPORTING = "reporting", "Reporting"
    CONTROL = "control", "Management or control (the PSO is not independent of the provider)"
    OTHER = "other", "Other"


class RelationshipDisclosure(models.Model):
    """A relationship between the PSO and a contracting provider that must be disclosed to the
    Secretary (3.102(d)(2)): what it is, when it began, and when the statement went to AHRQ."""

    pso = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="relationship_disclosures",
        limit_choices_to={"kind": OrgKind.PSO},
    )
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": OrgKind.PROVIDER}
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    description = models.TextField(max_length=2000)
    began_on = models.DateField("Relationship began on")
    disclosed_on = models.DateField("Disclosure statement written on", null=True, blank=True)
    submitted_on = models.DateField("Submitted to AHRQ on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-began_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} relationship with {self.provider}"


class SecurityAssessment(models.Model):
    """A periodic assessment of security risks and controls (3.106(b)(4)); yearly by our policy."""

    pso = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="security_assessments",
        limit_choices_to={"kind": OrgKind.PSO},
    )
    performed_on = models.DateField("Assessment date")
    scope = models.TextField(max_length=2000, help_text="Systems, sites, processes and contractors covered")
    assessor = models.CharField(max_length=200, help_text="Who assessed: a person, team or firm")
    result = models.TextField("Result", max_length=4000, help_text="Summary of findings and corrections planned")
    next_due = models.DateField("Next assessment due", help_text="Leave empty for one year after the assessment")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-performed_on", "-pk"]

    def __str__(self) -> str:
        return f"Security risk assessment of {self.performed_on}"
