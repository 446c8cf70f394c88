"""Feedback products: safety alerts with each member's response, and generated reports.

A safety alert is the PSO's own writing about the pool (non-identified by rule: the form warns
and the evidence comes from pooled analytics). Each targeted member answers on its own
`AlertTarget` row: acknowledgement, applicability and action — the "alert lifecycle" of
user-needs §4.8 (MedSun / CALLBACK with a tracked response).

A `FeedbackReport` is one generated report for one organisation and month. Its PDF is kept
in the database (a BinaryField), not as a file: the row, its HTML and its PDF then travel
together through transactions, backups and PostgreSQL replicas, several web hosts need no
shared disk, access is decided once by the row's organisation, and a failed run leaves no
orphan file. The PDFs are small (charts are vector SVG), so the database cost is low.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.organizations.models import Organization, OrgKind


class Severity(models.TextChoices):
    HIGH = "high", "High: act now"
    MEDIUM = "medium", "Medium: act within 30 days"
    LOW = "low", "Low: for awareness"


class AlertStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SafetyAlert(models.Model):
    """An alert the PSO writes about a hazard seen across its pool, sent to chosen members."""

    pso = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="safety_alerts", limit_choices_to={"kind": OrgKind.PSO}
    )
    title = models.CharField(max_length=200)
    hazard = models.TextField(help_text="What can go wrong, and for whom.")
    # Typed by PSO staff: nothing checks it is non-identified (42 CFR 3.212), so the help text
    # asks for that instead of claiming it.
    evidence = models.TextField(
        help_text="What the pooled data show. Every targeted member reads it: name no provider, patient or reporter."
    )
    recommended_actions = models.TextField(help_text="What members should check or change.")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    categories = models.JSONField(default=list, blank=True, help_text="Common Formats categories (DE21 codes)")
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"SA-{self.pk:04d}"

    @property
    def category_names(self) -> list[str]:
        """Each category as its Common Formats label with the code, e.g. "Fall (A48)"."""
        labels = {code: option_words(str(text)) for code, text in herf_core()["DE21"].choices()}
        return [f"{labels.get(code, code)} ({code})" for code in self.categories]


class Applicability(models.TextChoices):
    UNDER_REVIEW = "under_review", "Under review"
    APPLIES = "applies", "Applies to us"
    DOES_NOT_APPLY = "does_not_apply", "Does not apply to us"


class ActionState(models.TextChoices):
    NONE = "none", "No action recorded"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class AlertTarget(models.Model):
    """One member's copy of a published alert and its response to it."""

    alert = models.ForeignKey(SafetyAlert, on_delete=models.CASCADE, related_name="targets")
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="alert_targets", limit_choices_to={"kind": "provider"}
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicability = models.CharField(max_length=16, choices=Applicability.choices, default=Applicability.UNDER_REVIEW)
    applicability_note = models.TextField(blank=True)
    action_status = models.CharField(max_length=12, choices=ActionState.choices, default=ActionState.NONE)
    action_note = models.TextField(blank=True)
    action_date = models.DateField(null=True, blank=True, help_text="Done on, or planned for")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider__name"]
        constraints = [models.UniqueConstraint(fields=["alert", "provider"], name="alert_target_once")]

    def __str__(self) -> str:
        return f"{self.alert} → {self.provider}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class ReportKind(models.TextChoices):
    PROVIDER_MONTHLY = "provider_monthly", "Monthly provider report"
    SYSTEM = "system", "Health-system report"
    PSO_LEARNING = "pso_learning", "PSO learning report"
    REPORTER_DIGEST = "reporter_digest", "What changed because you reported"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class FeedbackReport(models.Model):
    """One generated report: kind, organisation, month, progress, and its HTML and PDF."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="feedback_reports")
    period = models.DateField(help_text="First day of the month reported on")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "kind", "period"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period:%Y-%m} for {self.organization}"

    @property
    def month(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def finished(self) -> bool:
        return self.status in {ReportStatus.DONE, ReportStatus.FAILED}
