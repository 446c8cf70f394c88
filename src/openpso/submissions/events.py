"""The audit actions the submissions app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction


class SubmissionAction(AuditAction):
    RECEIVED = "submission.received"
    VIEWED = "submission.viewed"
    QUESTION_ASKED = "question.asked"
    QUESTION_ANSWERED = "question.answered"
    QUESTION_VIEWED = "question.viewed"
    API_KEY_ISSUED = "api_key.issued"
    API_KEY_REVOKED = "api_key.revoked"
    FUNCTIONAL_GRANT_GRANTED = "functional_grant.granted"
    FUNCTIONAL_GRANT_REVOKED = "functional_grant.revoked"
