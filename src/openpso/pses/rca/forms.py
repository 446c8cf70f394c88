"""Forms of the RCA² pages. Choices come from the event's provider only; rules live in `rca`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.commonformats.rca2 import ACTION_HIERARCHY, ACTION_STATUS_CHOICES, STRENGTH_LABELS, ActionStatus
from openpso.organizations.models import Unit
from openpso.pses import queries
from openpso.pses.models import SafetyEvent
from openpso.pses.rca import actions as rca
from openpso.pses.rca import queries as rca_queries
from openpso.pses.rca.models import ReviewConclusion

_HERF = herf_core()
TEXT = forms.Textarea(attrs={"rows": 3})


class TeamMemberForm(forms.Form):
    member = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Team member", empty_label="— choose who —"
    )
    role = forms.CharField(
        max_length=80, required=False, help_text="e.g. subject-matter expert, patient representative"
    )

    def __init__(self, *args: Any, event: SafetyEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["member"]
        field.queryset = queries.pses_members_of(event.provider_id)
        field.label_from_instance = lambda u: u.get_full_name() or u.email


class RemoveMemberForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)


class FactForm(forms.Form):
    occurred_at = forms.DateTimeField(label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    fact = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, help_text="What happened, as established.")


class CausalStatementForm(forms.Form):
    cause = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, label="Cause", help_text="Something …")
    effect = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, label="Effect", help_text="… leads to something …")
    outcome = forms.CharField(
        widget=TEXT, max_length=rca.TEXT_MAX, label="Event", help_text="… which increases the likelihood of the event."
    )


class RootCauseForm(forms.Form):
    text = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, label="Root cause")


class RemoveEntryForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in rca.REMOVABLE], widget=forms.HiddenInput)
    entry = forms.IntegerField(widget=forms.HiddenInput)


class FactorsForm(forms.Form):
    factors = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Contributing factors",
        help_text=(
            "OpenPSO's provisional contributing-factor list: OpenPSO extension codes, "
            "not AHRQ Common Formats codes (AHRQ's SIR list was not available)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("event", None)
        super().__init__(*args, **kwargs)
        field: Any = self.fields["factors"]
        field.choices = rca_queries.factor_choices()


def _action_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped by strength, so the person sees the hierarchy while choosing."""
    return [
        (f"{label} actions", [(code, name) for code, name, s in ACTION_HIERARCHY if s == strength])
        for strength, label in STRENGTH_LABELS.items()
    ]


class ActionForm(forms.Form):
    action = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, label="Action")
    action_type = forms.ChoiceField(
        label="Type (RCA² action hierarchy)", help_text="The strength follows from the type."
    )
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), empty_label="— choose who —")
    due_on = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    process_measure = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, required=False)
    outcome_measure = forms.CharField(widget=TEXT, max_length=rca.TEXT_MAX, required=False)
    status = forms.ChoiceField(choices=ACTION_STATUS_CHOICES, initial=ActionStatus.PLANNED)
    category = forms.ChoiceField(label="Category whose rate it should reduce", required=False)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Unit whose rate it should reduce",
        empty_label="The event's unit",
    )
    implemented_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, event: SafetyEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["action_type"].choices = [("", "—"), *_action_type_choices()]
        fields["owner"].queryset = rca_queries.provider_users(event.provider_id)
        fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.email
        fields["category"].choices = [
            ("", "The event's category"),
            *((code, option_words(display)) for code, display in _HERF["DE21"].choices()),
        ]
        fields["unit"].queryset = Unit.objects.filter(provider_id=event.provider_id)


class ReviewForm(forms.Form):
    days = forms.TypedChoiceField(choices=[(90, "90 days"), (180, "180 days")], coerce=int)
    conclusion = forms.ChoiceField(choices=ReviewConclusion.choices)
