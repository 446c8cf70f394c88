"""`{% pswp_label obj %}` and `{{ obj|pswp_label_text }}`: the record's PSWP label (pswp.labels),
for any app's page. (A report's PSWP panel, with its drop-out, is the PSES's: `pses_tags`.)"""

from __future__ import annotations

from typing import Any

from django import template

from openpso.pswp.labels import label_for

register = template.Library()


@register.inclusion_tag("pswp/_label.html")
def pswp_label(obj: Any) -> dict[str, Any]:
    """The one PSWP label of a record (or model class), as a line of its own on the page."""
    return {"label": label_for(obj)}


@register.filter
def pswp_label_text(obj: Any) -> str:
    """The same label as plain text, for a table cell."""
    return str(label_for(obj))


@register.filter
def pswp_label_code(obj: Any) -> str:
    """The label's stable code, for a `data-pswp-label` attribute."""
    return label_for(obj).code
