"""The provider's PSES: safety events that gather reports, their timeline, addenda, clocks
and the notifications they raise.

An event is the unit of investigation; its reports stay as filed ("kept reports, one
investigation"). Titles and addenda are encrypted at rest (invariant 6); the timeline and
notifications hold ids and codes only, never narrative (invariant 4).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpso.encryption.fields import EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.organizations.models import Organization
from openpso.reporting.models import EventReport


class EventStatus(models.TextChoices):
    NEW = "new", "New"
    IN_TRIAGE = "in_triage", "In triage"
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    ACTION_PLANNING = "action_planning", "Action planning"
    CLOSED = "closed", "Closed"


class SafetyEvent(models.Model):
    """One thing that happened, investigated once, however many reports describe it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="safety_events")
    title = EncryptedTextField()
    status = models.CharField(max_length=24, choices=EventStatus.choices, default=EventStatus.NEW)
    status_at = models.DateTimeField(default=timezone.now)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"Safety event {self.short_id}"

    @property
    def short_id(self) -> str:
        return "E-" + str(self.id)[:8].upper()

    @property
    def is_closed(self) -> bool:
        return self.status == EventStatus.CLOSED


class EventReportLink(models.Model):
    """A report belongs to at most one event (the one-to-one on `report`)."""

    event = models.ForeignKey(SafetyEvent, on_delete=models.CASCADE, related_name="links")
    report = models.OneToOneField(EventReport, on_delete=models.CASCADE, related_name="pses_link")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["linked_at"]

    def __str__(self) -> str:
        return f"{self.report} in {self.event}"


class Addendum(AppendOnlyModel):
    """A note added to an event after the fact; never edited, never removed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(SafetyEvent, on_delete=models.PROTECT, related_name="addenda")
    body = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Addendum to {self.event_id}"


class TimelineKind(models.TextChoices):
    CREATED = "created", "Event created"
    REPORT_LINKED = "report_linked", "Report linked"
    REPORT_UNLINKED = "report_unlinked", "Report unlinked"
    ASSIGNED = "assigned", "Assigned"
    STATUS_CHANGED = "status_changed", "Status changed"
    ADDENDUM = "addendum", "Addendum added"
    CORRECTION_REQUESTED = "correction_requested", "Correction requested from the reporter"
    WHAT_CHANGED = "what_changed", "'What changed' sent to the reporters"
    CLOCK_DUE = "clock_due", "Clock due within a day"
    CLOCK_OVERDUE = "clock_overdue", "Clock overdue"
    INVESTIGATION_STARTED = "investigation_started", "Investigation (RCA²) started"
    INVESTIGATION_FINISHED = "investigation_finished", "Investigation (RCA²) finished"
    INVESTIGATION_CHANGED = "investigation_changed", "Investigation changed"
    ACTION_ADDED = "action_added", "Action plan item added"
    ACTION_CHANGED = "action_changed", "Action plan item changed"
    EFFECTIVENESS_REVIEWED = "effectiveness_reviewed", "Action effectiveness reviewed"
    # Deliberations: the entry names the deliberation and its kind, never its words.
    DELIBERATION = "deliberation", "Deliberation recorded"
    JUST_CULTURE = "just_culture", "Just Culture decision recorded"
    # A deadline recorded as met or missed (with the reason); the entry names the rule only.
    CLOCK_RESOLVED = "clock_resolved", "Clock recorded as met or missed"


class TimelineEntry(AppendOnlyModel):
    """One typed thing that happened to an event: who, what, when.

    `data` holds ids and codes only (report ids, status codes, rule ids) — never the words
    of a report, an addendum or a message (invariant 4).
    """

    event = models.ForeignKey(SafetyEvent, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(max_length=24, choices=TimelineKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.kind} on {self.event_id}"


class ClockUnit(models.TextChoices):
    HOURS = "hours", "hours"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    WORK_DAYS = "work_days", "work days (Mon–Fri)"


class ClockStart(models.TextChoices):
    DISCOVERED_AT = "discovered_at", "when the event was discovered"
    REPORTED_AT = "reported_at", "when the report was received"


class ClockRule(models.Model):
    """A deadline the provider must meet for some events (rules and defaults in `clocks`).

    Empty `event_types` / `categories` mean any; `min_harm` (a LOINC harm code) means that
    harm or worse; `device_related` limits the rule to device events (DE21 A44 or the
    device module).
    """

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="clock_rules")
    code = models.SlugField(max_length=40, blank=True, help_text="Set on the seeded defaults")
    name = models.CharField(max_length=120)
    event_types = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    min_harm = models.CharField(max_length=10, blank=True)
    device_related = models.BooleanField(default=False)
    due_amount = models.PositiveIntegerField()
    due_unit = models.CharField(max_length=16, choices=ClockUnit.choices, default=ClockUnit.CALENDAR_DAYS)
    starts_at = models.CharField(max_length=16, choices=ClockStart.choices, default=ClockStart.DISCOVERED_AT)
    basis = models.CharField(max_length=200, blank=True, help_text="The rule or policy behind the deadline")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["provider_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "code"], condition=~models.Q(code=""), name="clock_rule_code_unique_in_provider"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to you"
    CLOCK_DUE = "clock_due", "Clock due within a day"
    CLOCK_OVERDUE = "clock_overdue", "Clock overdue"


class Notification(models.Model):
    """An in-app notice for one person; `text` is built from ids and codes, never narrative.

    `dedupe_key` names the cause (e.g. a clock and its threshold) so the same cause never
    notifies the same person twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    event = models.ForeignKey(SafetyEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_once_per_cause"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class ClockOutcome(models.TextChoices):
    MET = "met", "Met"
    MISSED = "missed", "Missed"


class ClockResolution(AppendOnlyModel):
    """How one of an event's clocks ended: met on a day, or missed, with the reason.

    A clock rule names a duty (a state report, an FDA form, an RCA² step) that is done
    outside OpenPSO; without this record a clock could only ever run or be overdue, so a
    duty met on time would look "overdue by 600 days" for ever. A missed clock, or one met
    after its due time, must say why (the Joint Commission and state rules ask the
    provider to account for late reports). The reason may name people: encrypted
    (invariant 6); the timeline and audit carry the rule and the outcome only.
    """

    event = models.ForeignKey(SafetyEvent, on_delete=models.PROTECT, related_name="clock_resolutions")
    rule = models.ForeignKey(ClockRule, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=8, choices=ClockOutcome.choices)
    at = models.DateTimeField(help_text="When the duty was met, or when it was recorded as missed")
    reason = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "rule"], name="clock_resolved_once_per_event")]

    def __str__(self) -> str:
        return f"{self.outcome} {self.rule_id} on {self.event_id}"


class SavedFilter(models.Model):
    """A safety team member's named queue search, theirs alone (looked up by owner only).

    `query` is the filter form's query string; it may hold search words taken from
    narratives, and the name may repeat them, so both are encrypted (invariant 6). A name
    is unique per person by the save action (encrypted values cannot be compared in SQL).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_filters")
    name = EncryptedTextField()
    query = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Saved filter {self.pk}"  # the name may carry search words: kept out of logs


import openpso.pses.deliberations.models  # noqa: E402  deliberations: register the models
import openpso.pses.rca.models  # noqa: E402, F401  RCA² investigations: register the models
