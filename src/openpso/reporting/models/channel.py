"""The follow-up channel between a provider's safety team and the person who reported.

An identified reporter follows their report under "My reports"; an anonymous one through
a receipt code and a passphrase only they hold (DESIGN invariant 2). Nothing here stores
who the anonymous reporter is or exactly when they acted: no user, no address, no
session, and times no finer than the hour. Primary keys are random UUIDs, because a
sequential id would order the reporter's answers among the staff's exactly-timed posts.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from openpso.encryption.fields import EncryptedTextField
from openpso.reporting.models.report import EventReport


class AnonymousReceipt(models.Model):
    """What lets an anonymous reporter come back to their report, and nothing else.

    `code_digest` is an HMAC-SHA256 of the receipt code (a lookup key: the code itself is
    never stored); `passphrase_hash` is an argon2 hash made by Django's password hashers.
    Failed passphrases are counted per receipt; `locked_until` is kept to the hour.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.OneToOneField(EventReport, on_delete=models.CASCADE, related_name="receipt")
    code_digest = models.CharField(max_length=64, unique=True)
    passphrase_hash = models.CharField(max_length=255, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Receipt for report {self.report_id}"


class FollowUpKind(models.TextChoices):
    QUESTION = "question", "Question from the safety team"
    ANSWER = "answer", "Answer from the reporter"
    WHAT_CHANGED = "what_changed", "What changed because you reported"


class FollowUpMessage(models.Model):
    """One post in a report's follow-up thread; the text is encrypted at rest (invariant 6).

    Staff posts name their author and carry the exact time. A reporter's answer names no
    one; on an anonymous report its time is kept to the hour, and `position` orders the
    answers to one question without revealing when each was sent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=16, choices=FollowUpKind.choices)
    body = EncryptedTextField()
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["posted_at", "position"]
        indexes = [models.Index(fields=["report", "posted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="answer", in_reply_to__isnull=False)
                | (~models.Q(kind="answer") & models.Q(in_reply_to__isnull=True)),
                name="only_answers_reply_to_a_question",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="answer") | models.Q(author__isnull=True),
                name="answers_name_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on report {self.report_id}"

    @property
    def answer_request_or_none(self) -> Any:
        """The structured request this question carries (`AnswerRequest`), if any."""
        try:
            return self.answer_request  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return None
