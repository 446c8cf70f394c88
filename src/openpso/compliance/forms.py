"""Forms for the register; each error names its field and the reason (invariant 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from openpso.compliance.models import Listing, RelationshipDisclosure, SecurityAssessment
from openpso.compliance.queries import network_providers
from openpso.compliance.register import LISTING_YEARS, add_years
from openpso.organizations.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(form: forms.BaseForm, name: str) -> None:
    day: dt.date | None = form.cleaned_data.get(name)
    if day is not None and day > timezone.localdate():
        form.add_error(name, "This date is in the future; record it once it has happened.")


class ListingForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Listing
        fields = ["ahrq_number", "initial_listing_date", "expires_on"]
        widgets = {"initial_listing_date": DATE, "expires_on": DATE}
        help_texts = {
            "initial_listing_date": "The Secretary's first listing; the 24-month contract periods start here.",
            "expires_on": f"From the latest listing letter; empty: {LISTING_YEARS} years after the initial listing.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        listed, expires = data.get("initial_listing_date"), data.get("expires_on")
        if listed and not expires and "expires_on" not in self.errors:
            data["expires_on"] = add_years(listed, LISTING_YEARS)
        elif listed and expires and expires <= listed:
            self.add_error("expires_on", "The expiry must come after the initial listing date.")
        return data


class DisclosureForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RelationshipDisclosure
        fields = ["provider", "kind", "description", "began_on", "disclosed_on", "submitted_on"]
        widgets = {"began_on": DATE, "disclosed_on": DATE, "submitted_on": DATE}
        labels = {"kind": "Kind of relationship"}
        help_texts = {
            "description": "What the relationship is, beyond the member agreement (no patient information).",
            "submitted_on": "Leave empty until the disclosure statement has gone to AHRQ.",
        }

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = network_providers(pso)  # a provider of another network is "not one of the choices"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("began_on", "disclosed_on", "submitted_on"):
            _not_future(self, name)
        began = data.get("began_on")
        for name in ("disclosed_on", "submitted_on"):
            day = data.get(name)
            if began and day and day < began and name not in self.errors:
                self.add_error(name, "This is before the relationship began.")
        return data


class AssessmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SecurityAssessment
        fields = ["performed_on", "scope", "assessor", "result", "next_due"]
        widgets = {"performed_on": DATE, "next_due": DATE}

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        self.fields["next_due"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_future(self, "performed_on")
        performed, due = data.get("performed_on"), data.get("next_due")
        if performed and not due and "next_due" not in self.errors:
            data["next_due"] = add_years(performed, 1)  # 3.106(b)(4) "periodic": yearly by our policy
        elif performed and due and due <= performed:
            self.add_error("next_due", "The next assessment must be due after this one.")
        return data
