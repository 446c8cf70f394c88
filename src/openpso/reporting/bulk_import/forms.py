"""The upload form and reading the confirmation page's mapping back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms

from openpso.reporting.bulk_import.mapping import CODED, FIELDS, ImportMapping, MappingInvalid

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


class UploadForm(forms.Form):
    source_system = forms.SlugField(
        max_length=50,
        label="Source system",
        help_text="A short name for the system the export comes from, e.g. datix, verge, quantros; "
        "its confirmed mapping is saved under this name.",
    )
    file = forms.FileField(label="Export file (.csv or .xlsx)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("choose a .csv or .xlsx export")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("the file is larger than 512 MB; use `openpso import` for it")
        return upload


def mapping_from_post(post: Mapping[str, Any], *, source_system: str, earlier: ImportMapping) -> ImportMapping:
    """The mapping as the safety manager left it on the page; raises MappingInvalid."""
    columns = {f: str(post.get(f"col:{f}", "")).strip() for f in FIELDS}
    values: dict[str, dict[str, str]] = {k: dict(v) for k, v in earlier.values.items() if k not in CODED}
    for field in CODED:
        table: dict[str, str] = {}
        for index in range(int(post.get(f"count:{field}", 0) or 0)):
            word = str(post.get(f"word:{field}:{index}", ""))
            code = str(post.get(f"val:{field}:{index}", "")).strip()
            if word and code:
                table[word] = code
        if table:
            values[field] = table
    try:
        answers = json.loads(str(post.get("answers", "") or "{}"))
    except json.JSONDecodeError:
        raise MappingInvalid(["answers: not JSON (an object of linkId to column)"]) from None
    return ImportMapping.from_json(
        {
            "source_system": source_system,
            "columns": {k: v for k, v in columns.items() if v},
            "answers": answers,
            "values": values,
            "date_format": str(post.get("date_format", "")).strip(),
            "list_separator": str(post.get("list_separator", "") or ";"),
        }
    )
