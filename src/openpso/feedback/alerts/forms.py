"""Forms for alerts and member responses; each error names its field and the reason (invariant 7)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.feedback.models import ActionState, Applicability, SafetyAlert
from openpso.organizations.models import Organization, OrgKind, ProviderType

TEXT_FIELDS = ("title", "hazard", "evidence", "recommended_actions")
NON_IDENTIFIED = (
    "Write about the pool, never about one member: no provider, unit, staff or patient names, no dates "
    "finer than the month. Take the evidence from the pooled analytics, written so that no provider, "
    "patient or reporter can be identified."
)


def category_choices() -> list[tuple[str, str]]:
    # "Other", not AHRQ's form instruction "Other: PLEASE SPECIFY".
    return [(code, option_words(str(text))) for code, text in herf_core()["DE21"].choices()]


class AlertForm(forms.ModelForm):  # type: ignore[type-arg]
    categories = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Categories (Common Formats DE21)"
    )
    signal = forms.ChoiceField(
        choices=(),
        required=False,
        label="Attach a pooled signal as evidence",
        # What a release under the PSO's profile holds; whether that meets 42 CFR 3.212 is the
        # profile's label to give (nonid.release), not this form's.
        help_text="Its description (pooled counts by category and provider type, as released) joins the evidence.",
    )

    class Meta:
        model = SafetyAlert
        fields = ["title", "severity", "categories", "hazard", "evidence", "recommended_actions"]
        labels = {"evidence": "Evidence from the pool", "recommended_actions": "Recommended actions"}
        widgets = {"severity": forms.RadioSelect}
        help_texts = {"evidence": NON_IDENTIFIED}

    def __init__(self, *args: Any, pso: Organization, signals: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        self.signals = signals or {}
        categories = self.fields["categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = category_choices()
        signal = self.fields["signal"]
        assert isinstance(signal, forms.ChoiceField)
        signal.choices = [("", "None"), *((key, text) for key, text in self.signals.items())]
        if not self.signals:
            del self.fields["signal"]
        self.fields["evidence"].required = False
        self._names = _identifying_names(pso)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in TEXT_FIELDS:
            found = _named(str(data.get(name) or ""), self._names)
            if found:
                self.add_error(name, f"This names a member or health system ({found}); alerts must not identify one.")
        chosen = data.get("signal")
        if chosen:
            evidence = str(data.get("evidence") or "").strip()
            data["evidence"] = f"{evidence}\n\n{self.signals[chosen]}".strip()
        if not str(data.get("evidence") or "").strip() and "evidence" not in self.errors:
            self.add_error("evidence", "Give the evidence, or attach a pooled signal.")
        return data

    def save(self, commit: bool = True) -> SafetyAlert:
        alert: SafetyAlert = super().save(commit=False)
        alert.evidence = self.cleaned_data["evidence"]
        alert.categories = list(self.cleaned_data.get("categories") or [])
        if commit:
            alert.save()
        return alert


def _identifying_names(pso: Organization) -> list[str]:
    orgs = Organization.objects.filter(network=pso, kind__in=[OrgKind.PROVIDER, OrgKind.HEALTH_SYSTEM])
    return sorted({name for name in orgs.values_list("name", flat=True) if len(name) >= 4}, key=len, reverse=True)


def _named(text: str, names: list[str]) -> str:
    for name in names:
        if re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE):
            return name
    return ""


TARGET_MODES = [
    ("all", "Every member that receives safety alerts"),
    ("types", "Members of some provider types"),
    ("picked", "Members I pick"),
]


class TargetForm(forms.Form):
    mode = forms.ChoiceField(choices=TARGET_MODES, widget=forms.RadioSelect, initial="all", label="Send to")
    provider_types = forms.MultipleChoiceField(
        choices=ProviderType.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Provider types"
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Members"
    )

    def __init__(self, *args: Any, receiving: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = Organization.objects.filter(pk__in=[p.pk for p in receiving]).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "types" and not data.get("provider_types"):
            self.add_error("provider_types", "Choose at least one provider type.")
        if data.get("mode") == "picked" and not data.get("members"):
            self.add_error("members", "Choose at least one member.")
        return data


class ResponseForm(forms.Form):
    applicability = forms.ChoiceField(
        choices=Applicability.choices, widget=forms.RadioSelect, label="Does the hazard apply to you?"
    )
    applicability_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Why (your assessment)"
    )
    action_status = forms.ChoiceField(choices=ActionState.choices, widget=forms.RadioSelect, label="Your action")
    action_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What you do")
    action_date = forms.DateField(
        required=False,
        label="Done on, or planned for",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applicability") == Applicability.DOES_NOT_APPLY and not data.get("applicability_note"):
            self.add_error("applicability_note", "Say why the hazard does not apply to you.")
        status = data.get("action_status")
        if status in {ActionState.PLANNED, ActionState.IN_PROGRESS, ActionState.DONE} and not data.get("action_note"):
            self.add_error("action_note", "Say what you do.")
        if status == ActionState.DONE and not data.get("action_date"):
            self.add_error("action_date", "Give the date the action was done.")
        return data


class StatusFilter(forms.Form):
    acknowledged = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("no", "Not acknowledged"), ("yes", "Acknowledged")]
    )
    applicability = forms.ChoiceField(required=False, choices=[("", "Any"), *Applicability.choices])
    action_status = forms.ChoiceField(required=False, choices=[("", "Any"), *ActionState.choices], label="Action")

    def apply(self, targets: Any) -> Any:
        if not self.is_valid():
            return targets
        data = self.cleaned_data
        if data["acknowledged"]:
            targets = targets.filter(acknowledged_at__isnull=data["acknowledged"] == "no")
        if data["applicability"]:
            targets = targets.filter(applicability=data["applicability"])
        if data["action_status"]:
            targets = targets.filter(action_status=data["action_status"])
        return targets
