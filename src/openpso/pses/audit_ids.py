"""The ids of the PSES records kept about a report, for the audit-log search.

Ids only, never content: the audit trail's rows name their objects by id, and finding every
row about one report means knowing which safety event, RCA² investigation, action items and
deliberations belong to it. Deliberations stay behind `pses.deliberations` (nothing outside
pses reads them, DESIGN; 42 CFR 3.20), which hands out their ids and nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from openpso.pses.deliberations import actions as deliberations
from openpso.pses.models import EventReportLink
from openpso.pses.rca.models import ActionItem, Investigation


def pses_ids_about(report_ids: Iterable[uuid.UUID | str]) -> set[str]:
    """Ids of the safety events the reports belong to and of the investigations, action items
    and deliberations on those events."""
    event_ids = [
        str(pk)
        for pk in EventReportLink.objects.filter(report_id__in=list(report_ids)).values_list("event_id", flat=True)
    ]
    if not event_ids:
        return set()
    investigations = Investigation.objects.filter(event_id__in=event_ids)
    ids = set(event_ids)
    ids.update(str(pk) for pk in investigations.values_list("pk", flat=True))
    ids.update(
        str(pk) for pk in ActionItem.objects.filter(investigation__in=investigations).values_list("pk", flat=True)
    )
    ids.update(deliberations.ids_on_events(event_ids))
    return ids
