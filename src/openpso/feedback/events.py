"""The audit actions the feedback app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction


class FeedbackAction(AuditAction):
    ALERT_CREATED = "feedback.alert_created"
    ALERT_CHANGED = "feedback.alert_changed"
    ALERT_PUBLISHED = "feedback.alert_published"
    ALERT_WITHDRAWN = "feedback.alert_withdrawn"
    ALERT_ACKNOWLEDGED = "feedback.alert_acknowledged"
    ALERT_RESPONSE_RECORDED = "feedback.alert_response_recorded"
    ALERT_STATUS_DOWNLOADED = "feedback.alert_status_downloaded"
    REPORT_REQUESTED = "feedback.report_requested"
    REPORT_GENERATED = "feedback.report_generated"
    REPORT_VIEWED = "feedback.report_viewed"
    REPORT_DOWNLOADED = "feedback.report_downloaded"
