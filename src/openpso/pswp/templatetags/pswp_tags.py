"""`{% pswp_panel report %}`: the report's PSWP history and drop-out, for its PSES roles.
`{% pswp_label obj %}` and `{{ obj|pswp_label_text }}`: the record's PSWP label (pswp.labels)."""

from __future__ import annotations

from typing import Any

from django import template

from openpso.pswp import ledger, queries
from openpso.pswp.forms import DropOutForm
from openpso.pswp.labels import label_for
from openpso.pswp.status import PswpStatus

register = template.Library()


@register.inclusion_tag("pswp/_panel.html", takes_context=True)
def pswp_panel(context: dict[str, Any], report: Any) -> dict[str, Any]:
    """Shown only to the PSES roles of the report's provider; others see nothing here."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not queries.pses_reports_for(user).filter(pk=report.pk).exists():
        return {"show": False}
    return {
        "show": True,
        "report": report,
        "history": ledger.history(report),
        "may_drop_out": report.pswp_status == PswpStatus.CANDIDATE,
        "form": DropOutForm(),
        "csrf_token": context.get("csrf_token"),
    }


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
