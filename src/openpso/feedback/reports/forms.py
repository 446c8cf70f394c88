"""The form that asks for a report: which product for which organisation, and the month it covers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from openpso.feedback.models import ReportKind
from openpso.lib.months import last_full_month, parse_month


class RequestForm(forms.Form):
    product = forms.ChoiceField(label="Report")
    month = forms.CharField(
        label="Month", widget=forms.DateInput(attrs={"type": "month"}), help_text="The month the report covers."
    )

    def __init__(self, *args: Any, pairs: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = {f"{kind}:{org.slug}": (kind, org) for kind, org in pairs}
        product = self.fields["product"]
        assert isinstance(product, forms.ChoiceField)
        product.choices = [(key, f"{ReportKind(kind).label}: {org.name}") for key, (kind, org) in self.pairs.items()]
        self.fields["month"].initial = last_full_month(timezone.localdate())

    def clean_month(self) -> str:
        value = str(self.cleaned_data["month"]).strip()
        try:
            first = parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if first > timezone.localdate().replace(day=1):
            raise forms.ValidationError("This month has not begun yet.")
        return value
