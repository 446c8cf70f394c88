"""Forms of the PSES pages. Choices come from the tenancy helpers, so a form never offers
anything outside the user's providers; rules live in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.organizations.models import Organization, Unit
from openpso.organizations.queries import pses_providers_for
from openpso.organizations.roles import PSES_ROLES
from openpso.pses import queries
from openpso.pses.models import ClockRule, EventStatus, SafetyEvent
from openpso.pses.safety_events.actions import ADDENDUM_MAX, TITLE_MAX
from openpso.pses.safety_events.clocks import HARM_LABELS, HARM_ORDER
from openpso.pses.safety_events.triage import CLOSED_ONLY, EVERYTHING, UNLINKED, QueueFilters
from openpso.reporting.models import EventReport

_HERF = herf_core()
MESSAGE_MAX = 4000
DAY = forms.DateInput(attrs={"type": "date"})
# Categories in words: "Other", not AHRQ's form instruction "Other: PLEASE SPECIFY".
CATEGORY_CHOICES = [(code, option_words(display)) for code, display in _HERF["DE21"].choices()]
CHOOSE_WHO = "— choose who —"


def _report_label(report: EventReport) -> str:
    # The day in the page's zone (organizations/timezones.py), as every other date on it.
    return f"{report.short_id} · {report.get_event_type_display()} · {timezone.localdate(report.reported_at)}"


class QueueFilterForm(forms.Form):
    search = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        help_text="A report or event id (R-3F2A…, E-…, or its first digits), or words of the narrative or title.",
    )
    provider = forms.ModelChoiceField(queryset=Organization.objects.none(), required=False, empty_label="All")
    category = forms.ChoiceField(required=False, label="Category")
    event_type = forms.ChoiceField(required=False, label="Event type")
    harm = forms.ChoiceField(required=False, label="Harm")
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, empty_label="All units")
    status = forms.ChoiceField(required=False)
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Anyone", label="Investigator"
    )
    reported_from = forms.DateField(required=False, label="Reported from", widget=DAY)
    reported_to = forms.DateField(required=False, label="Reported until", widget=DAY)
    min_age = forms.IntegerField(required=False, min_value=0, label="Reported at least … days ago")
    max_age = forms.IntegerField(required=False, min_value=0, label="Reported at most … days ago")

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = pses_providers_for(user)
        provider_field: Any = self.fields["provider"]
        provider_field.queryset = providers
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = Unit.objects.filter(provider__in=providers)
        category_field: Any = self.fields["category"]
        category_field.choices = [("", "All categories"), *CATEGORY_CHOICES]
        status_field: Any = self.fields["status"]
        open_statuses = [(v, label) for v, label in EventStatus.choices if v != EventStatus.CLOSED]
        status_field.choices = [
            ("", "Open work (any open status)"),
            (UNLINKED, "Not in an event yet"),
            *open_statuses,
            (CLOSED_ONLY, "Closed events"),
            (EVERYTHING, "Everything, closed included"),
        ]
        fields: Any = self.fields
        fields["event_type"].choices = [("", "Any event type"), *_HERF["DE3"].choices()]
        fields["harm"].choices = [("", "Any harm"), *((code, HARM_LABELS[code]) for code in HARM_ORDER)]
        fields["assignee"].queryset = (
            get_user_model().objects.filter(assigned_events__provider__in=providers).distinct().order_by("email")
        )
        fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email
        if providers.count() < 2:
            del self.fields["provider"]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        provider = data.get("provider")
        unit = data.get("unit")
        assignee = data.get("assignee")
        return QueueFilters(
            provider_id=provider.pk if provider else None,
            category=data.get("category") or "",
            unit_id=unit.pk if unit else None,
            status=data.get("status") or "",
            min_age=data.get("min_age"),
            max_age=data.get("max_age"),
            search=data.get("search") or "",
            event_type=data.get("event_type") or "",
            harm=data.get("harm") or "",
            assignee_id=assignee.pk if assignee else None,
            reported_from=data.get("reported_from"),
            reported_to=data.get("reported_to"),
        )


class SavedFilterForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name of this filter", help_text="e.g. Falls on 4 West this month")
    query = forms.CharField(max_length=4000, widget=forms.HiddenInput, required=False)


class SavedFilterIdForm(forms.Form):
    saved = forms.IntegerField(widget=forms.HiddenInput)


BULK_ASSIGN, BULK_CLOSE = "assign", "close"


class BulkForm(forms.Form):
    """The queue's action bar: ticked events, one action, and the investigator to assign.

    The events are looked up through the tenancy helper; an id outside the user's events is
    reported back as not found, exactly as a missing one."""

    events = forms.TypedMultipleChoiceField(coerce=str, label="Events")
    action = forms.ChoiceField(
        choices=[("", "Choose an action"), (BULK_ASSIGN, "Assign to…"), (BULK_CLOSE, "Close")], label="Action"
    )
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label="Investigator", empty_label=CHOOSE_WHO
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["events"].choices = []
        fields["events"].valid_value = lambda value: True  # checked against the user's events in `bulk`
        providers = pses_providers_for(user)
        members = get_user_model().objects.filter(
            memberships__organization__in=providers, memberships__role__in=list(PSES_ROLES), is_service_account=False
        )
        fields["assignee"].queryset = members.distinct().order_by("email")
        fields["assignee"].label_from_instance = lambda person: person.get_full_name() or person.email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == BULK_ASSIGN and not data.get("assignee"):
            self.add_error("assignee", "Investigator: choose who the events go to.")
        return data


class LinkSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Find a report to link",
        help_text="Its id (R-3F2A…), a category, a unit, or a date like 2026-03-14.",
    )


class EventNewForm(forms.Form):
    report = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(required=False, max_length=TITLE_MAX, help_text="Optional; no patient names.")


class ReportChoiceForm(forms.Form):
    report = forms.ChoiceField(label="Report")

    def __init__(self, *args: Any, reports: QuerySet[EventReport], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["report"]
        field.choices = [(str(r.pk), _report_label(r)) for r in reports[:200]]


class ReportIdForm(forms.Form):
    """What a link, unlink or correction POST carries; the report is then looked up through
    the tenancy helper, so a report of another provider answers 404."""

    report = forms.UUIDField()


class CorrectionPostForm(ReportIdForm):
    body = forms.CharField(max_length=MESSAGE_MAX)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=queries.pses_members_of(0), label="Investigator", empty_label=CHOOSE_WHO)

    def __init__(self, *args: Any, event: SafetyEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        field.queryset = queries.pses_members_of(event.provider_id)
        field.label_from_instance = lambda user: user.get_full_name() or user.email
        if event.assignee_id:
            self.initial.setdefault("assignee", event.assignee_id)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=EventStatus.choices, label="New status")


class AddendumForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=ADDENDUM_MAX, label="Addendum")


class CorrectionForm(ReportChoiceForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        label="What should the reporter correct or add?",
        help_text="Sent through the report's follow-up channel; works for anonymous reporters too.",
    )


class WhatChangedForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        label="What changed because they reported",
        help_text="Every reporter of this event sees it on their status page. Name no one.",
    )


class ClockRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    event_types = forms.MultipleChoiceField(
        choices=_HERF["DE3"].choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any event type.",
    )
    categories = forms.MultipleChoiceField(
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any category.",
    )
    min_harm = forms.ChoiceField(
        choices=[("", "Any harm"), *((c, f"{HARM_LABELS[c]} or worse") for c in HARM_ORDER)],
        required=False,
        label="Minimum harm",
    )

    class Meta:
        model = ClockRule
        fields = [
            "name",
            "event_types",
            "categories",
            "min_harm",
            "device_related",
            "due_amount",
            "due_unit",
            "starts_at",
            "basis",
            "active",
        ]
        labels = {
            "device_related": "Only device-related events",
            "due_amount": "Due in",
            "due_unit": "Unit",
            "starts_at": "Counted from",
        }


class RuleProviderForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label="— choose the provider —")

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["provider"]
        field.queryset = queries.managed_providers_for(user)


class ClockOutcomeForm(forms.Form):
    """Record how one of the event's running clocks ended."""

    rule = forms.ChoiceField(label="Clock")
    outcome = forms.ChoiceField(
        choices=[("met", "Met: the duty was done"), ("missed", "Missed: it was not done in time")],
        widget=forms.RadioSelect,
        label="Outcome",
    )
    on = forms.DateTimeField(
        label="When it was done (or given up)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for now.",
        required=False,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Reason",
        help_text="Needed when the clock was missed or met late: what held it up. No patient names.",
    )

    def __init__(self, *args: Any, clocks: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["rule"]
        field.choices = [(str(c.rule.pk), f"{c.rule.name} (due {c.due:%Y-%m-%d %H:%M})") for c in clocks]
