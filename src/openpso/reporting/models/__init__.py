"""Reporting models, one module per sub-domain; import them from here."""

from openpso.reporting.models.amendment import AnswerAmendment, AnswerRequest
from openpso.reporting.models.bulk_import import ImportJob, ImportMappingRecord, ImportStatus
from openpso.reporting.models.channel import AnonymousReceipt, FollowUpKind, FollowUpMessage
from openpso.reporting.models.draft import ReportDraft
from openpso.reporting.models.report import EventReport, IdempotencyKey
from openpso.reporting.models.suggestion import SuggestedField, SuggestionOutcome

__all__ = [
    "AnonymousReceipt",
    "AnswerAmendment",
    "AnswerRequest",
    "EventReport",
    "FollowUpKind",
    "FollowUpMessage",
    "IdempotencyKey",
    "ImportJob",
    "ImportMappingRecord",
    "ImportStatus",
    "ReportDraft",
    "SuggestedField",
    "SuggestionOutcome",
]
