"""The forms of the inbox and the question threads: a message, a question to a provider, the inbox's filter."""

from __future__ import annotations

from typing import Any

from django import forms

from openpso.commonformats.definitions import herf_core
from openpso.organizations.models import Organization
from openpso.submissions.display import category_label
from openpso.submissions.inbox.actions import MAX_MESSAGE
from openpso.submissions.models import SubmissionMethod


class MessageForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_MESSAGE, label="Your message")


class AskForm(MessageForm):
    pass


class InboxFilter(forms.Form):
    member = forms.ModelChoiceField(queryset=Organization.objects.none(), required=False, to_field_name="slug")
    category = forms.ChoiceField(required=False)
    month = forms.DateField(required=False, input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}))
    method = forms.ChoiceField(required=False, choices=[("", "Any"), *SubmissionMethod.choices])

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = members
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "Any"), *((code, category_label(code)) for code, _ in herf_core()["DE21"].choices())]

    def apply(self, submissions: Any) -> Any:
        if not self.is_valid():
            return submissions
        data = self.cleaned_data
        if data.get("member"):
            submissions = submissions.filter(provider=data["member"])
        if data.get("category"):
            submissions = submissions.filter(category_codes__contains=f",{data['category']},")
        if data.get("month"):
            submissions = submissions.filter(event_month=data["month"].replace(day=1))
        if data.get("method"):
            submissions = submissions.filter(method=data["method"])
        return submissions
