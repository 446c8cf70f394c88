"""The follow-up channel: the safety team asks and tells, the reporter answers.

Identified reporters reach their reports under "My reports"; anonymous ones through a
receipt code and a passphrase only they hold (DESIGN invariant 2). Everything written for
an anonymous reporter — report, receipt, answers, audit events — names no one and keeps
times to the hour. The state changes of the channel, each with its audit event; the reads
are `queries`, the receipt codes and tokens `receipts`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.lib.anonymity import anonymous_time
from openpso.organizations.models import Organization
from openpso.reporting import actions as report_actions
from openpso.reporting.channel.receipts import DUMMY_PASSPHRASE_HASH, code_digests, new_receipt_code
from openpso.reporting.events import ReportAction
from openpso.reporting.models import AnonymousReceipt, EventReport, FollowUpKind, FollowUpMessage
from openpso.reporting.schemas import ReportIn

PASSPHRASE_MIN_LENGTH = 10
# Wrong passphrases for one receipt before it locks, and for how long.
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(hours=24)
ANONYMOUS_LABEL = "anonymous reporter"


class ChannelInvalid(ValueError):
    """A post that cannot be accepted; the message names the reason for the person."""


@dataclass(frozen=True)
class NewReceipt:
    report: EventReport
    receipt: AnonymousReceipt
    code: str  # shown once to the reporter, never stored


def file_anonymous(*, provider: Organization, data: ReportIn) -> NewReceipt:
    """File a no-login report and open its receipt, both or neither."""
    code = new_receipt_code()
    with transaction.atomic():
        report = report_actions.file_anonymous_report(provider=provider, data=data)
        receipt = AnonymousReceipt.objects.create(report=report, code_digest=code_digests(code)[0])
    return NewReceipt(report=report, receipt=receipt, code=code)


def set_passphrase(*, receipt_id: uuid.UUID | str, passphrase: str) -> bool:
    """Set the receipt's passphrase once; False if it already has one (or does not exist)."""
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise ChannelInvalid(f"the passphrase needs at least {PASSPHRASE_MIN_LENGTH} characters")
    # One conditional UPDATE, not check-then-act: a replayed form cannot change it later.
    updated = AnonymousReceipt.objects.filter(pk=receipt_id, passphrase_hash="").update(
        passphrase_hash=make_password(passphrase)
    )
    return updated == 1


def open_receipt(*, code: str, passphrase: str) -> AnonymousReceipt | None:
    """The receipt when both code and passphrase are right and it is not locked, else None.

    Every "no" costs the same argon2 check and looks the same to the caller, so a wrong
    code, a wrong passphrase and a locked receipt cannot be told apart.
    """
    digests = code_digests(code)
    found = AnonymousReceipt.objects.filter(code_digest__in=digests).values_list("pk", flat=True).first()
    if found is None:
        check_password(passphrase, DUMMY_PASSPHRASE_HASH)
        return None
    now = timezone.now()
    with transaction.atomic():
        receipt = AnonymousReceipt.objects.select_for_update().select_related("report__provider").get(pk=found)
        stored = receipt.passphrase_hash or DUMMY_PASSPHRASE_HASH
        right = check_password(passphrase, stored) and bool(receipt.passphrase_hash)
        locked = receipt.locked_until is not None and receipt.locked_until > now
        if right and not locked:
            receipt.failed_attempts, receipt.locked_until = 0, None
            receipt.code_digest = digests[0]  # re-keyed under the current SECRET_KEY
            receipt.save(update_fields=["failed_attempts", "locked_until", "code_digest"])
            return receipt
        if not locked:
            _count_failure(receipt, now)
    return None


def _count_failure(receipt: AnonymousReceipt, now: dt.datetime) -> None:
    AnonymousReceipt.objects.filter(pk=receipt.pk).update(failed_attempts=F("failed_attempts") + 1)
    receipt.refresh_from_db(fields=["failed_attempts"])
    if receipt.failed_attempts < MAX_FAILED_ATTEMPTS:
        return
    # Kept to the hour like every other time about an anonymous reporter (invariant 2).
    receipt.failed_attempts, receipt.locked_until = 0, anonymous_time(now) + LOCKOUT
    receipt.save(update_fields=["failed_attempts", "locked_until"])
    record(
        actor=None,
        actor_label=ANONYMOUS_LABEL,
        action=ReportAction.RECEIPT_LOCKED,
        object_type=object_type_of(EventReport),
        object_id=str(receipt.report_id),
        organization_id=receipt.report.provider_id,
        purpose="security",
        detail={"failed_attempts": MAX_FAILED_ATTEMPTS},
        at=anonymous_time(now),
    )


def post_follow_up(*, user: Actor | None, report: EventReport, kind: str, body: str) -> FollowUpMessage:
    """The safety team asks the reporter a question or tells them what changed."""
    if kind not in {FollowUpKind.QUESTION, FollowUpKind.WHAT_CHANGED}:
        raise ChannelInvalid("choose a question or a 'what changed' note")
    body = body.strip()
    if not body:
        raise ChannelInvalid("write the message first")
    with transaction.atomic():
        message = FollowUpMessage.objects.create(
            report=report, kind=kind, body=body, author=user_row(user), posted_at=timezone.now()
        )
        record(
            actor=user,
            action=ReportAction.FOLLOW_UP_POSTED,
            object_type=object_type_of(report),
            object_id=str(report.pk),
            organization_id=report.provider_id,
            purpose="pses.review",
            detail={"message": str(message.pk), "kind": kind},
        )
    return message


def answer_question(*, report: EventReport, question_id: str, body: str, user: Actor | None = None) -> FollowUpMessage:
    """The reporter answers one of the safety team's questions on their report.

    `user` is the identified reporter, or None through an anonymous receipt: then the
    answer and its audit event name no one and keep only the hour (invariant 2).
    """
    body = body.strip()
    if not body:
        raise ChannelInvalid("write your answer first")
    anonymous = report.anonymous
    now = timezone.now()
    posted_at = anonymous_time(now) if anonymous else now
    try:
        question_pk = uuid.UUID(str(question_id))
    except ValueError:
        raise ChannelInvalid("that question is not on this report") from None
    with transaction.atomic():
        questions = FollowUpMessage.objects.select_for_update().filter(report=report, kind=FollowUpKind.QUESTION)
        question = questions.filter(pk=question_pk).first()
        if question is None:
            raise ChannelInvalid("that question is not on this report")
        answer = FollowUpMessage.objects.create(
            report=report,
            kind=FollowUpKind.ANSWER,
            body=body,
            in_reply_to=question,
            position=question.answers.count() + 1,
            posted_at=posted_at,
        )
        record(
            actor=None if anonymous else user,
            actor_label=ANONYMOUS_LABEL if anonymous else None,
            action=ReportAction.FOLLOW_UP_ANSWERED,
            object_type=object_type_of(report),
            object_id=str(report.pk),
            organization_id=report.provider_id,
            purpose="reporter.follow_up",
            detail={"message": str(answer.pk), "question": str(question.pk)},
            at=posted_at if anonymous else None,
        )
    return answer


def record_follow_up_view(*, report: EventReport, user: Actor | None = None) -> None:
    """The reporter read their report's status and thread: a use of PSWP (invariant 3)."""
    anonymous = report.anonymous
    record(
        actor=None if anonymous else user,
        actor_label=ANONYMOUS_LABEL if anonymous else None,
        action=ReportAction.FOLLOW_UP_VIEWED,
        object_type=object_type_of(report),
        object_id=str(report.pk),
        organization_id=report.provider_id,
        purpose="reporter.follow_up",
        at=anonymous_time(timezone.now()) if anonymous else None,
    )
