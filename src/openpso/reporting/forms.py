"""The web form for a new report. It only renders and parses widgets; the rules live in
`schemas.ReportIn`, so the page and the API can never disagree about what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from openpso.commonformats.definitions import herf_core
from openpso.organizations.models import Organization, Unit

_HERF = herf_core()


class ReportForm(forms.Form):
    event_type = forms.ChoiceField(
        label=_HERF["DE3"].text,
        choices=_HERF["DE3"].choices(),
        widget=forms.RadioSelect,
        required=False,
        help_text="Incident: reached the patient. Near miss: caught before it reached the patient. "
        "Unsafe condition: something that could cause an event.",
    )
    categories = forms.MultipleChoiceField(
        label="What kind of event?",
        choices=_HERF["DE21"].choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose every category that applies.",
    )
    category_other = forms.CharField(label="If other, what kind?", required=False, max_length=200)
    discovered_at = forms.DateTimeField(
        label="When was it discovered?",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    unit = forms.ModelChoiceField(
        label="Where did it happen?", queryset=Unit.objects.none(), required=False, empty_label="— choose the unit —"
    )
    location_detail = forms.CharField(
        label="Location details", required=False, max_length=500, help_text="Room, bay or vehicle, if it matters."
    )
    narrative = forms.CharField(
        label="What happened?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
        help_text="Describe the facts: what happened, what was done. No blame needed.",
    )
    harm = forms.ChoiceField(
        label="Harm to the patient (incidents only)",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "Not applicable"), *_HERF["PIF/harm"].choices()],
    )
    patient_age_years = forms.IntegerField(
        label="Patient's age in years (optional)", required=False, min_value=0, max_value=130
    )
    patient_sex = forms.ChoiceField(
        label="Patient's sex (optional)", required=False, choices=[("", "—"), *_HERF["DE42"].choices()]
    )
    anonymous = forms.BooleanField(
        label="Report anonymously", required=False, help_text="Your name is not stored with the report."
    )
    reporter_role = forms.CharField(label="Your job or position (optional)", required=False, max_length=100)

    def __init__(self, *args: Any, provider: Organization, home_unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["unit"]
        assert isinstance(units, forms.ModelChoiceField)
        units.queryset = Unit.objects.filter(provider=provider, active=True)
        if not self.is_bound:
            self.initial.setdefault("discovered_at", timezone.localtime().replace(second=0, microsecond=0))
            if home_unit is not None:
                self.initial.setdefault("unit", home_unit.pk)

    def report_data(self, provider: Organization) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["provider"] = provider.slug
        data["unit"] = data["unit"].pk if data.get("unit") else None
        data["discovered_at"] = data.get("discovered_at") or None
        if data["discovered_at"] is None:
            del data["discovered_at"]
        return data
