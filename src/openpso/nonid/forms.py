"""Forms of the narrative review page. Each carries the review it was made for, so a form
filled in before the narrative changed cannot land on the new review's offsets."""

from __future__ import annotations

from typing import Any

from django import forms

from openpso.nonid.deid import SPAN_TYPES

# Plain words for each engine type (the code itself is what the scrubbed text shows).
TYPE_LABELS = {
    "PATIENT": "Patient's name",
    "STAFF": "Staff member's name",
    "PERSON": "Other person's name",
    "DATE": "Date",
    "TIME": "Time of day",
    "AGE": "Age over 89",
    "MRN": "Record or account number",
    "ID": "Other identifying number",
    "PHONE": "Phone, fax or pager",
    "EMAIL": "E-mail address",
    "URL": "Web or IP address",
    "ADDRESS": "Address, city, county or ZIP",
    "ROOM": "Room or bed",
    "FACILITY": "Facility name",
}
TYPE_CHOICES = [(code, f"{TYPE_LABELS.get(code, code)} ({code})") for code in SPAN_TYPES]
TEXT_MAX = 500


class ReviewForm(forms.Form):
    """Names the review a POST is about; the view checks it is still the current one."""

    review = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RemoveSpanForm(ReviewForm):
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AddSpanForm(ReviewForm):
    """Without JavaScript: the exact text and which occurrence. With it, selecting text in
    the narrative fills `start`/`end` (and the text, for the person to see)."""

    text = forms.CharField(
        label="Text to redact",
        max_length=TEXT_MAX,
        help_text="Exactly as it appears in the narrative, capitals included — or select it in the narrative above.",
    )
    occurrence = forms.IntegerField(
        label="Which occurrence",
        min_value=1,
        initial=1,
        required=False,
        help_text="1 for the first time the text appears, 2 for the second …",
    )
    every = forms.BooleanField(label="Every occurrence of this text", required=False)
    span_type = forms.ChoiceField(label="Type", choices=TYPE_CHOICES)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_start, has_end = data.get("start") is not None, data.get("end") is not None
        if has_start != has_end:
            self.add_error("text", "select the text again: the selection lost one of its ends")
        if not has_start and not data.get("every") and data.get("occurrence") is None:
            self.add_error("occurrence", "give a number, or tick every occurrence")
        return data
