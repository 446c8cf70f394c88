"""State changes that only imported FHIR AdverseEvents need."""

from __future__ import annotations

from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.reporting.adverse_event import ADVERSE_EVENT_FORMAT, mapping
from openpso.reporting.events import ReportAction
from openpso.reporting.models import EventReport


def flag_unmapped_codes(*, actor: Actor | None, report: EventReport, codes: list[str]) -> None:
    """An imported report whose codes the mapping table lacks is flagged for the provider's
    safety manager, who reads it in the audit trail beside the report's Other category (its
    text keeps the original coding). Codes only in the detail: no narrative, no patient."""
    if not codes:
        return
    record(
        actor=actor,
        action=ReportAction.IMPORT_UNMAPPED_CODES,
        object_type=object_type_of(report),
        object_id=str(report.pk),
        organization_id=report.provider_id,
        purpose="reporting",
        detail={"format": ADVERSE_EVENT_FORMAT, "mapping_version": mapping()["version"], "codes": codes[:20]},
    )
