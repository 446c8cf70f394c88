"""The form that opens part of the PSES to the PSO (functional reporting)."""

from __future__ import annotations

from typing import Any

from django import forms

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import herf_core
from openpso.organizations.models import Unit


class GrantForm(forms.Form):
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    categories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None chosen: every category."
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every unit.",
    )

    def __init__(self, *args: Any, provider: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = [(code, option_words(display)) for code, display in herf_core()["DE21"].choices()]
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = Unit.objects.filter(provider=provider)
