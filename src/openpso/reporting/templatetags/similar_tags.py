"""`{% similar_reports_panel report %}`: "Similar reports on your unit in the last 90 days" on the report page."""

from __future__ import annotations

from typing import Any

from django import template

from openpso.reporting import queries
from openpso.reporting.models import EventReport
from openpso.reporting.similar import similar_reports

register = template.Library()


@register.inclusion_tag("reporting/_similar_reports.html", takes_context=True)
def similar_reports_panel(context: dict[str, Any], report: EventReport) -> dict[str, Any]:
    """Reports of the same provider and unit like this one: listed where the reader may open them, counted otherwise.

    A reporter reads only what they filed under their name (queries.reports_for), so of the others
    they learn how many there are, never which, by whom or what they say; a PSES role reads them all.
    Nothing here names a reporter.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or report.unit is None:
        return {"show": False}
    found = similar_reports(report.provider, report.unit, report.narrative, exclude=report.pk)
    readable = set(queries.reports_for(user).filter(pk__in=[s.report.pk for s in found]).values_list("pk", flat=True))
    return {
        "show": True,
        "unit": report.unit,
        "listed": [s for s in found if s.report.pk in readable],
        "others": sum(1 for s in found if s.report.pk not in readable),
    }
