"""The demo history's shortcut (see `demo.history`): an event closed long before the anchor
day written as the very rows the PSES actions would have written — the event, its links,
its typed timeline (same kinds and codes), the investigation with its root cause and
factors, and the clock outcomes — bulk-created in one go per batch."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.pses.models import (
    ClockResolution,
    EventReportLink,
    EventStatus,
    SafetyEvent,
    TimelineEntry,
    TimelineKind,
)
from openpso.pses.rca.models import Investigation, RootCause
from openpso.reporting.models import EventReport

if TYPE_CHECKING:
    from openpso.demo.history import Group, Step, Team

BATCH = 200


def title(report: EventReport) -> str:
    labels = report.category_labels
    what = str(labels[0]) if labels else "Safety event"
    return f"{what} on {report.unit.name}" if report.unit else what


class Rows:
    """What the actions would write for one closed event, collected and bulk-created:
    the event, its links, its typed timeline, the investigation with its root cause, and
    the clock outcomes (the audit gets one `demo.history_seeded` event for the run)."""

    def __init__(self) -> None:
        self.events: list[SafetyEvent] = []
        self.links: list[EventReportLink] = []
        self.investigations: list[Investigation] = []
        self.root_causes: list[tuple[RootCause, SafetyEvent, Any, dt.datetime]] = []
        self.outcomes: list[ClockResolution] = []
        self.timeline: list[TimelineEntry] = []

    def add(self, group: Group, team: Team, steps: list[Step]) -> None:
        (report, triaged), *_ = group
        manager, lead, status = team.manager, team.manager, EventStatus.NEW
        event = SafetyEvent(id=uuid.uuid4(), provider_id=report.provider_id, title=title(report), created_by=manager)
        event.created_at = event.status_at = triaged
        self.events.append(event)
        self._note(event, TimelineKind.CREATED, manager, triaged, {"report": str(report.pk)})
        self._link(event, report, manager, triaged)
        investigation = None
        for step in steps:
            if step.kind == "link":
                self._link(event, step.value, manager, step.at)
            elif step.kind == "assign":
                lead = step.value
                event.assignee = lead
                self._note(event, TimelineKind.ASSIGNED, lead, step.at, {"assignee": lead.pk, "previous": None})
            elif step.kind == "status":
                self._note(event, TimelineKind.STATUS_CHANGED, lead, step.at, {"from": status, "to": step.value})
                status, event.status, event.status_at = step.value, step.value, step.at
            elif step.kind == "clock":
                rule, outcome, reason = step.value
                self.outcomes.append(
                    ClockResolution(
                        event=event, rule=rule, outcome=outcome, at=step.at, reason=reason, recorded_by=manager
                    )
                )
                self.outcomes[-1].recorded_at = step.at
                data = {"rule": rule.pk, "code": rule.code, "outcome": outcome, "late": bool(reason)}
                self._note(event, TimelineKind.CLOCK_RESOLVED, manager, step.at, data)
            elif step.kind == "rca_start":
                investigation = Investigation(id=uuid.uuid4(), event=event, started_at=step.at, started_by=lead)
                self.investigations.append(investigation)
                data = {"investigation": str(investigation.pk)}
                self._note(event, TimelineKind.INVESTIGATION_STARTED, lead, step.at, data)
            elif step.kind == "root_cause" and investigation is not None:
                row = RootCause(investigation=investigation, text=step.value, added_by=lead, added_at=step.at)
                self.root_causes.append((row, event, lead, step.at))
            elif step.kind == "factors" and investigation is not None:
                investigation.contributing_factors = step.value
                data = {"investigation": str(investigation.pk), "what": "factors_set", "from": [], "to": step.value}
                self._note(event, TimelineKind.INVESTIGATION_CHANGED, lead, step.at, data)
            elif step.kind == "rca_finish" and investigation is not None:
                investigation.finished_at, investigation.finished_by = step.at, lead
                data = {"investigation": str(investigation.pk)}
                self._note(event, TimelineKind.INVESTIGATION_FINISHED, lead, step.at, data)

    def _link(self, event: SafetyEvent, report: EventReport, user: Any, at: dt.datetime) -> None:
        self.links.append(EventReportLink(event=event, report=report, linked_by=user, linked_at=at))
        self._note(event, TimelineKind.REPORT_LINKED, user, at, {"report": str(report.pk)})

    def _note(self, event: SafetyEvent, kind: str, actor: Actor | None, at: dt.datetime, data: dict[str, Any]) -> None:
        self.timeline.append(TimelineEntry(event=event, kind=kind, actor=user_row(actor), at=at, data=data))

    def save(self) -> None:
        SafetyEvent.objects.bulk_create(self.events, batch_size=BATCH)
        EventReportLink.objects.bulk_create(self.links, batch_size=BATCH)
        Investigation.objects.bulk_create(self.investigations, batch_size=BATCH)
        rows = RootCause.objects.bulk_create([r for r, *_ in self.root_causes], batch_size=BATCH)
        for row, (_, event, lead, at) in zip(rows, self.root_causes, strict=True):
            data = {"investigation": str(row.investigation_id), "what": "root_cause_added", "root_cause": row.pk}
            self._note(event, TimelineKind.INVESTIGATION_CHANGED, lead, at, data)
        ClockResolution.objects.bulk_create(self.outcomes, batch_size=BATCH)
        TimelineEntry.objects.bulk_create(self.timeline, batch_size=BATCH)
