"""Tenancy for the narrative review: the only way its pages look a report up.

Reviewing a narrative means reading it identified, so only the PSES roles of the report's
provider (safety manager, committee; 42 CFR 3.20) reach it, through the PSES's own helper.
Reporters, health-system officers and PSO users get Http404, exactly as for a missing
report (invariant 1).
"""

from __future__ import annotations

import uuid

from openpso.audit.actor import Actor
from openpso.pses.queries import get_pses_report_for_user
from openpso.reporting.models import EventReport


def get_report_for_review(user: Actor, report_id: uuid.UUID | str) -> EventReport:
    return get_pses_report_for_user(user, report_id)
