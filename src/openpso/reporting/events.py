"""The audit actions the reporting app records (values are the stored strings: never change one).

Everything that happens to an event report, from its filing or import to its reads and the
follow-up thread with the reporter, is filed under `report.`.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction


class ReportAction(AuditAction):
    FILED = "report.filed"
    IMPORTED = "report.imported"
    IMPORT_UNMAPPED_CODES = "report.import_unmapped_codes"
    RECORDED_OUTSIDE_PSES = "report.recorded_outside_pses"
    VIEWED = "report.viewed"
    RECEIPT_LOCKED = "report.receipt_locked"
    FOLLOW_UP_POSTED = "report.follow_up_posted"
    FOLLOW_UP_ANSWERED = "report.follow_up_answered"
    FOLLOW_UP_VIEWED = "report.follow_up_viewed"
    ANSWERS_REQUESTED = "report.answers_requested"
    ANSWERS_AMENDED = "report.answers_amended"
    # Bulk import from a provider's incident system: the job's steps.
    BULK_IMPORT_UPLOADED = "report.bulk_import_uploaded"
    BULK_IMPORT_MAPPING_CONFIRMED = "report.bulk_import_mapping_confirmed"
    BULK_IMPORT_CHECKED = "report.bulk_import_checked"
    BULK_IMPORT_STARTED = "report.bulk_import_started"
    BULK_IMPORT_FINISHED = "report.bulk_import_finished"
