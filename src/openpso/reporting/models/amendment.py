"""Corrections of a report's coded answers, kept beside the reporter's original (docs/decisions/0013).

The reporter's answers (`EventReport.answers`) are never changed after filing: they are what
was reported. The safety team completes or corrects them in the PSES with an
`AnswerAmendment`, an append-only row naming who, when, the linkIds changed and their old
and new values (encrypted, invariant 6). The effective answers are the original with every
amendment applied in `sequence` order (`reporting.queries.effective_answers`).

An `AnswerRequest` asks the reporter to answer chosen questions; their answers become an
amendment attributed to "the reporter": on an anonymous report it names no one and keeps
only the hour (invariant 2).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedJSONField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.reporting.models.channel import FollowUpMessage
from openpso.reporting.models.report import EventReport


class AnswerRequest(AppendOnlyModel):
    """The safety team asks the reporter to answer these questions (a structured follow-up).

    The request is a question in the report's follow-up thread (`message`) plus the linkIds
    asked; it counts as answered once an amendment names it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="answer_requests")
    message = models.OneToOneField(FollowUpMessage, on_delete=models.CASCADE, related_name="answer_request")
    link_ids = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"Answer request on report {self.report_id}"


class AnswerAmendment(AppendOnlyModel):
    """One completion or correction of a report's coded answers; never edited, never removed.

    `before`/`after` map each changed linkId to its value (None: not answered). `author` is
    the PSES member who made it; None with `by_reporter` when the reporter answered a request
    (on an anonymous report no one is named and `created_at` keeps the hour, invariant 2).
    `sequence` orders the amendments of one report; it is what "in order" means, since an
    anonymous reporter's time is kept to the hour only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="amendments")
    sequence = models.PositiveIntegerField()
    link_ids = models.JSONField(default=list)
    before = EncryptedJSONField(default=dict)
    after = EncryptedJSONField(default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_reporter = models.BooleanField(default=False)
    request = models.ForeignKey(
        AnswerRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    created_at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["report", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sequence"], name="one_amendment_per_sequence"),
            models.CheckConstraint(
                condition=~models.Q(by_reporter=True, author__isnull=False),
                name="reporter_amendments_name_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.sequence} of report {self.report_id}"
