"""`{% pswp_panel report %}`: the report's PSWP history and drop-out, for its PSES roles."""

from __future__ import annotations

from typing import Any

from django import template

from openpso.pswp import ledger, queries
from openpso.pswp.forms import DropOutForm
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
