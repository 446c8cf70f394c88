"""The PSO's listing, relationship disclosures, security risk assessments, business associate
agreements, workforce training, written security policies and delisting runbook (3.102-3.108).

Member agreements themselves live in `organizations.MemberAgreement`; the register reads them.
"""

from __future__ import annotations

import datetime as dt

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


class BusinessAssociateAgreement(models.Model):
    """A HIPAA business associate agreement the PSO holds (45 CFR 164.504(e)).

    A PSO is typically the business associate of its covered-entity members and must hold
    agreements with its own subcontractors too (regulatory-notes §2.4, §4.1); 3.106 expects a
    PSO that is a business associate to align its security with HIPAA's.
    """

    pso = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="business_associate_agreements",
        limit_choices_to={"kind": OrgKind.PSO},
    )
    counterparty = models.CharField(max_length=200, help_text="The other party: a member provider or a contractor")
    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"kind": OrgKind.PROVIDER},
        help_text="When the counterparty is a provider of the network: matched to its member agreement.",
    )
    signed_on = models.DateField("Signed on")
    scope = models.TextField(max_length=2000, help_text="What PHI and which services the agreement covers")
    review_on = models.DateField("Expires or due for review on")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["counterparty", "-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"Business associate agreement with {self.counterparty}"


class TrainingRecord(models.Model):
    """One workforce member's or contractor's completed security training (3.106(b)(1): train
    the workforce on the Act, the Rule and the PSO's confidentiality and security policies)."""

    pso = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="training_records", limit_choices_to={"kind": OrgKind.PSO}
    )
    person = models.CharField(max_length=200, help_text="Name of the workforce member or contractor")
    role = models.CharField(max_length=200, blank=True)
    course = models.CharField(max_length=200)
    completed_on = models.DateField("Completed on")
    due_again = models.DateField("Due again on", help_text="Leave empty for one year after completion")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "course", "-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.course} completed by {self.person}"


class SecurityPolicy(models.Model):
    """A written security or confidentiality policy and its review cycle (3.106(b)(1): written
    policies and procedures, maintained and monitored for effectiveness)."""

    pso = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="security_policies", limit_choices_to={"kind": OrgKind.PSO}
    )
    title = models.CharField(max_length=200)
    version = models.CharField(max_length=30)
    adopted_on = models.DateField("Adopted on")
    next_review = models.DateField("Next review due", help_text="Leave empty for one year after adoption")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "-adopted_on", "-pk"]
        verbose_name_plural = "security policies"

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


DELISTING_DISPOSITION_DAYS = 90  # 3.108(b): transfer, return or destroy PSWP within 90 days


class DelistingRunbook(models.Model):
    """The PSO's delisting (revocation or voluntary relinquishment, 3.108): from the effective
    date the PSO has 90 days to transfer PSWP to another PSO with the provider's approval, return
    it to the provider, or destroy it when neither is practicable; the members are told first."""

    pso = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="delisting_runbooks",
        limit_choices_to={"kind": OrgKind.PSO},
    )
    triggered_on = models.DateField("Delisting effective on")
    reason = models.TextField(max_length=2000, help_text="Revocation or voluntary relinquishment, and the notice")
    closed_on = models.DateField("Closed on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-triggered_on", "-pk"]

    def __str__(self) -> str:
        return f"Delisting of {self.triggered_on}"

    @property
    def deadline(self) -> dt.date:
        return self.triggered_on + dt.timedelta(days=DELISTING_DISPOSITION_DAYS)


class Disposition(models.TextChoices):
    TRANSFERRED = "transferred", "Transferred to another PSO (with the provider's approval)"
    RETURNED = "returned", "Returned to the provider"
    DESTROYED = "destroyed", "Destroyed (transfer and return not practicable)"


class DelistingMember(models.Model):
    """One member provider in a delisting runbook: when it was told, and what became of its PSWP."""

    runbook = models.ForeignKey(DelistingRunbook, on_delete=models.PROTECT, related_name="members")
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": OrgKind.PROVIDER}
    )
    notified_on = models.DateField("Member notified on", null=True, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    disposed_on = models.DateField("PSWP disposed of on", null=True, blank=True)
    recipient = models.CharField(
        "Receiving PSO", max_length=200, blank=True, help_text="For a transfer: the PSO that received the PSWP"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["runbook", "provider"], name="one_row_per_member_per_delisting")]

    def __str__(self) -> str:
        return f"{self.provider} in {self.runbook}"

    @property
    def is_done(self) -> bool:
        return self.notified_on is not None and bool(self.disposition) and self.disposed_on is not None
