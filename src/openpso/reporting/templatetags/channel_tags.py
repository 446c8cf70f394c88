"""`{% follow_up_panel report %}`: the safety team's side of a report's follow-up thread."""

from __future__ import annotations

from typing import Any

from django import template

from openpso.reporting.channel import queries as channel_queries
from openpso.reporting.channel.forms import FollowUpPostForm
from openpso.reporting.models import EventReport

register = template.Library()


@register.inclusion_tag("reporting/channel/_staff_panel.html", takes_context=True)
def follow_up_panel(context: dict[str, Any], report: EventReport) -> dict[str, Any]:
    """The thread and the post form, for PSES roles of the report's provider only.

    Others who may read the report (its identified reporter, a health-system officer)
    get nothing here: the reporter follows up under "My reports".
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not channel_queries.reports_in_pses_of(user).filter(pk=report.pk).exists():
        return {"show": False}
    return {
        "show": True,
        "report": report,
        "thread": channel_queries.thread_of(report),
        "form": FollowUpPostForm(),
        "csrf_token": context.get("csrf_token"),
    }
