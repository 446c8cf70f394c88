"""RCA² investigations and their action plans.

Everything here is analysis inside the PSES: PSWP of the deliberation pathway from the
moment it is written (42 CFR 3.20, "deliberations or analysis"). Facts, causal statements,
root causes, action texts and measures are encrypted at rest (invariant 6); timeline
entries and audit events about them carry ids and codes only (invariant 4).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpso.commonformats.rca2 import (
    ACTION_STATUS_CHOICES,
    ACTION_STRENGTH,
    ACTION_TYPE_CHOICES,
    STRENGTH_LABELS,
    ActionStatus,
)
from openpso.encryption.fields import EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.organizations.models import Unit
from openpso.pses.models import SafetyEvent


class Investigation(models.Model):
    """The RCA² of one safety event: its team, facts, causal statements and root causes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.OneToOneField(SafetyEvent, on_delete=models.PROTECT, related_name="investigation")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Codes of OpenPSO's contributing-factor list (openpso-ext/contributing-factors-1.0
    # "CF/factors": an OpenPSO extension, not AHRQ Common Formats codes, and provisional);
    # codes, not narrative, so they stay unencrypted.
    contributing_factors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Investigation of {self.event_id}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class TeamMember(models.Model):
    """A PSES member of the provider on the RCA² team, with the role they play there."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=80, blank=True, help_text="e.g. subject-matter expert, patient representative")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["investigation", "user"], name="rca_team_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.investigation_id}"


class Fact(models.Model):
    """One line of the fact timeline: when, and what happened (encrypted)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="facts")
    occurred_at = models.DateTimeField()
    fact = EncryptedTextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"Fact {self.pk}"


class CausalStatement(models.Model):
    """RCA² causal statement: this cause leads to this effect, which increases the
    likelihood of this event. The three parts are encrypted."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="causal_statements")
    cause = EncryptedTextField()
    effect = EncryptedTextField()
    outcome = EncryptedTextField(help_text="The event whose likelihood the effect increases")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"Causal statement {self.pk}"

    @property
    def sentence(self) -> str:
        return f"{self.cause} leads to {self.effect}, which increases the likelihood of {self.outcome}."


class RootCause(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="root_causes")
    text = EncryptedTextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"Root cause {self.pk}"


class ActionItem(models.Model):
    """One action of the RCA² action plan, with its owner, due date and measures.

    `category` (a DE21 answer code) and `unit` name the event rate the action is meant to
    reduce; the effectiveness review compares that rate before and after `implemented_on`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="actions")
    action = EncryptedTextField()
    action_type = models.CharField(max_length=40, choices=ACTION_TYPE_CHOICES)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rca_actions")
    due_on = models.DateField()
    process_measure = EncryptedTextField(blank=True)
    outcome_measure = EncryptedTextField(blank=True)
    status = models.CharField(max_length=16, choices=ACTION_STATUS_CHOICES, default=ActionStatus.PLANNED)
    category = models.CharField(max_length=30, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    implemented_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return f"Action {self.short_id}"

    @property
    def short_id(self) -> str:
        return "A-" + str(self.id)[:8].upper()

    @property
    def strength(self) -> str:
        """stronger / intermediate / weaker: derived from the action type (RCA² hierarchy)."""
        return ACTION_STRENGTH[self.action_type]

    @property
    def strength_label(self) -> str:
        return STRENGTH_LABELS[self.strength]


class ReviewConclusion(models.TextChoices):
    EFFECTIVE = "effective", "Effective"
    NOT_EFFECTIVE = "not_effective", "Not effective"
    TOO_EARLY = "too_early", "Too early to tell"


class EffectivenessReview(AppendOnlyModel):
    """The reviewer's conclusion at the 90- or 180-day review, with the figures they saw
    (counts and denominators only). Append-only: a later review adds a row."""

    action = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="reviews")
    milestone_days = models.PositiveSmallIntegerField(choices=[(90, "90 days"), (180, "180 days")])
    conclusion = models.CharField(max_length=16, choices=ReviewConclusion.choices)
    figures = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.milestone_days}-day review of {self.action_id}"
