"""`{% pswp_status_words report %}`: a report's PSWP status in words its reader understands.

The safety team reads the legal label ("PSWP candidate (in the PSES)", 42 CFR 3.20); the
person who filed the report reads what it means for them, in plain words that stay true to
that status: a legal label alone tells a frontline reporter nothing.
"""

from __future__ import annotations

from typing import Any

from django import template

from openpso.pswp.status import PswpStatus
from openpso.reporting.channel import queries as channel_queries
from openpso.reporting.models import EventReport

register = template.Library()

# Each status as the reporter reads it. A report is PSWP from the moment it enters the
# provider's PSES for reporting to a PSO (42 CFR 3.20, PSWP para (1)(i)(A)) until it is
# reported or, before that, dropped out with the act and date documented (para (2)(ii)).
PLAIN_WORDS = {
    PswpStatus.CANDIDATE: "Protected as patient safety work product while your safety team reviews it",
    PswpStatus.REPORTED: "Sent to the patient safety organization (PSO), and still protected",
    PswpStatus.FUNCTIONALLY_REPORTED: "Made available to the patient safety organization (PSO), and still protected",
    PswpStatus.DELIBERATION: "Protected as part of your safety team's analysis",
    PswpStatus.DROPPED_OUT: "Taken out of the safety team's protected records by your organisation",
    PswpStatus.NOT_PSWP: "Kept as an ordinary record, not as patient safety work product",
}


@register.simple_tag(takes_context=True)
def pswp_status_words(context: dict[str, Any], report: EventReport) -> str:
    status = PswpStatus(report.pswp_status)
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return PLAIN_WORDS.get(status, status.label)
    if report.reporter_id == user.pk and not channel_queries.reports_in_pses_of(user).filter(pk=report.pk).exists():
        return PLAIN_WORDS.get(status, status.label)
    return str(status.label)
