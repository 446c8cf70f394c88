"""Forms of the deliberation pages. The rules (lengths, corrections, the Just Culture tree)
live in `deliberations` and `justculture`; these only collect the words and answers."""

from __future__ import annotations

from typing import Any

from django import forms

from openpso.pses import justculture
from openpso.pses.deliberations.actions import BODY_MAX, TITLE_MAX
from openpso.pses.deliberations.models import DeliberationKind


class DeliberationForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (DeliberationKind.COMMITTEE_NOTE.value, DeliberationKind.COMMITTEE_NOTE.label),
            (DeliberationKind.ANALYSIS.value, DeliberationKind.ANALYSIS.label),
        ],
        widget=forms.RadioSelect,
        initial=DeliberationKind.COMMITTEE_NOTE.value,
    )
    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        label="Deliberation",
        help_text="Permanent once saved: a correction is a new entry that names this one.",
    )
    corrects = forms.UUIDField(required=False, widget=forms.HiddenInput)


class JustCultureForm(forms.Form):
    """All questions on one form; only those on the path decide (see `justculture.path`)."""

    title = forms.CharField(max_length=TITLE_MAX, required=False, initial="Just Culture decision")
    notes = forms.CharField(
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional. What the team considered; no need to name the person.",
    )
    corrects = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in justculture.QUESTIONS:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=list(question.choices),
                widget=forms.RadioSelect,
                required=False,
            )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{question.code}"] for question in justculture.QUESTIONS]

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {q.code: data[f"q_{q.code}"] for q in justculture.QUESTIONS if data.get(f"q_{q.code}")}
