"""The audit actions the pses app records (values are the stored strings: never change one).

A safety event's changes and reads are `event.*` (a clock crossing a threshold is
`event.<timeline kind>`: `clock_due`, `clock_overdue`); an RCA² investigation's changes are
`investigation.<what changed>` and an action item's `rca_action.<verb>`. The queue is not a
row: its searches are filed under `QUEUE`.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction

# The object type of a search of the safety queue (the queue is no row).
QUEUE = "pses.queue"


class PsesAction(AuditAction):
    EVENT_CREATED = "event.created"
    EVENT_VIEWED = "event.viewed"
    EVENT_REPORT_LINKED = "event.report_linked"
    EVENT_REPORT_UNLINKED = "event.report_unlinked"
    EVENT_ASSIGNED = "event.assigned"
    EVENT_STATUS_CHANGED = "event.status_changed"
    EVENT_ADDENDUM_ADDED = "event.addendum_added"
    EVENT_CORRECTION_REQUESTED = "event.correction_requested"
    EVENT_WHAT_CHANGED_SENT = "event.what_changed_sent"
    EVENT_CLOCK_DUE = "event.clock_due"
    EVENT_CLOCK_OVERDUE = "event.clock_overdue"
    EVENT_CLOCK_RESOLVED = "event.clock_resolved"
    CLOCK_RULE_SAVED = "clock_rule.saved"
    QUEUE_TEXT_SEARCHED = "queue.text_searched"
    SAVED_FILTER_SAVED = "saved_filter.saved"
    SAVED_FILTER_DELETED = "saved_filter.deleted"
    DELIBERATION_RECORDED = "deliberation.recorded"
    DELIBERATION_VIEWED = "deliberation.viewed"
    DISCLOSURE_LOG_VIEWED = "pswp.disclosure_log_viewed"
    DISCLOSURE_REPORT_DOWNLOADED = "pswp.disclosure_report_downloaded"
    INVESTIGATION_STARTED = "investigation.started"
    INVESTIGATION_FINISHED = "investigation.finished"
    INVESTIGATION_VIEWED = "investigation.viewed"
    # investigation.<what changed>: the timeline entry's `what` is the part after the dot.
    TEAM_MEMBER_ADDED = "investigation.team_member_added"
    TEAM_MEMBER_REMOVED = "investigation.team_member_removed"
    FACT_ADDED = "investigation.fact_added"
    FACT_REMOVED = "investigation.fact_removed"
    CAUSAL_STATEMENT_ADDED = "investigation.causal_statement_added"
    CAUSAL_STATEMENT_REMOVED = "investigation.statement_removed"
    ROOT_CAUSE_ADDED = "investigation.root_cause_added"
    ROOT_CAUSE_REMOVED = "investigation.root_cause_removed"
    FACTORS_SET = "investigation.factors_set"
    ACTION_ADDED = "rca_action.added"
    ACTION_CHANGED = "rca_action.changed"
    ACTION_REVIEWED = "rca_action.reviewed"
    ACTION_VIEWED = "actionitem.viewed"
