"""The audit actions the nonid app records (values are the stored strings: never change one).

The reviewer's work on a narrative and the engine's use of reviewed narratives are filed
under `deid.`; releases, determinations and re-identification under `nonid.`.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction


class NonidAction(AuditAction):
    REVIEW_MADE = "deid.review_made"
    SPAN_ADDED = "deid.span_added"
    SPAN_REMOVED = "deid.span_removed"
    REVIEW_APPROVED = "deid.review_approved"
    EXAMPLES_EXPORTED = "deid.examples_exported"
    REGRESSIONS_CHECKED = "deid.regressions_checked"
    # Approved scrubbed narratives with their codes, for the code suggester (issue 18 item 3).
    CONFIRMED_CODINGS_EXPORTED = "deid.confirmed_codings_exported"
    DETERMINATION_RECORDED = "nonid.determination_recorded"
    PROVIDER_REIDENTIFIED = "nonid.provider_reidentified"
    REIDENTIFICATION_FAILED = "nonid.reidentification_failed"
    RELEASED = "nonid.released"
