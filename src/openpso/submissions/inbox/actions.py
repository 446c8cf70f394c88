"""Reads of submitted events and the PSO's questions to providers, each audited.

A PSO analyst reading a member's submission is a use inside the PSO, in the audit log. A
health-system officer reading an affiliate's submission is a release of the affiliate's PSWP
outside it: a disclosure among affiliated providers for patient safety activities
(PSA_AFFILIATED, 42 CFR 3.206(b)(4)(iii)) permitted by the affiliate's member agreement
(`system_may_view`), so each access lands in the affiliate's disclosure log.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.pses.notify import notify
from openpso.pses.queries import safety_managers_of
from openpso.pswp.affiliated import disclose_to_system
from openpso.pswp.models import Disclosure
from openpso.reporting.models import EventReport
from openpso.submissions.events import SubmissionAction
from openpso.submissions.models import Question, QuestionAwaits, QuestionMessage, Submission

MAX_MESSAGE = 4000
NOTIFY_KIND = "pso_question"


class MessageInvalid(ValueError):
    """The message is empty or too long; nothing was saved."""


def record_inbox_view(*, user: Actor | None, submission: Submission) -> None:
    record(
        actor=user,
        action=SubmissionAction.VIEWED,
        object_type=object_type_of(submission),
        object_id=str(submission.pk),
        organization_id=submission.pso_id,
        purpose="pso.inbox",
        detail={"event_id": str(submission.event_id), "provider_id": submission.provider_id},
    )


def record_system_access(*, user: Actor, submissions: Sequence[Submission]) -> list[Disclosure]:
    """One PSA_AFFILIATED disclosure per affiliate whose submissions `user` was shown, to
    the affiliate's health system (the caller found them through `system_submissions_for`)."""
    by_provider: dict[int, list[Submission]] = {}
    for submission in submissions:
        by_provider.setdefault(submission.provider_id, []).append(submission)
    made = []
    with transaction.atomic():
        for provider_id, shown in by_provider.items():
            provider: Organization = shown[0].provider
            reports = list(EventReport.objects.filter(pk__in=[s.event_id for s in shown]).only("id", "provider_id"))
            made.append(
                disclose_to_system(
                    user=user,
                    provider=provider,
                    reports=reports,
                    purpose="Health-system patient safety oversight of events the affiliate submitted to its PSO",
                    via="submissions.system",
                    agreement_ids=list({s.agreement_id for s in shown if s.agreement_id}),
                )
            )
            record(
                actor=user,
                action=SubmissionAction.VIEWED,
                object_type=object_type_of(provider),
                object_id=provider_id,
                organization_id=provider_id,
                purpose="health_system.oversight",
                detail={"events": [str(s.event_id) for s in shown], "system_id": provider.parent_id},
            )
    return made


def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise MessageInvalid("message: write the question or answer")
    if len(body) > MAX_MESSAGE:
        raise MessageInvalid(f"message: at most {MAX_MESSAGE} characters")
    return body


def ask(*, user: Actor | None, submission: Submission, text: str) -> Question:
    """A PSO analyst asks the provider about a submitted event; its safety managers are told."""
    body = _body(text)
    now = timezone.now()
    with transaction.atomic():
        question = Question.objects.create(
            submission=submission,
            pso_id=submission.pso_id,
            provider_id=submission.provider_id,
            event_id=submission.event_id,
            asked_by=user_row(user),
            asked_at=now,
            awaits=QuestionAwaits.PROVIDER,
            last_message_at=now,
        )
        QuestionMessage(question=question, side="pso", author=user_row(user), body=body, at=now).save()
        _audit(user=user, question=question, action=SubmissionAction.QUESTION_ASKED, organization_id=submission.pso_id)
        url = reverse("submissions:question", kwargs={"question_id": question.pk})
        for manager in safety_managers_of(submission.provider_id):
            # Ids only: the notice (and its e-mail) carries a pointer, never the words.
            notify(user=manager, kind=NOTIFY_KIND, text=f"The PSO asked about event {submission.short_id}", url=url)
    return question


def reply(*, user: Actor, question: Question, side: str, text: str) -> QuestionMessage:
    """A message in the thread from `side` ("pso" or "provider"); the other side is told."""
    body = _body(text)
    now = timezone.now()
    with transaction.atomic():
        message = QuestionMessage(question=question, side=side, author=user_row(user), body=body, at=now)
        message.save()
        awaits = QuestionAwaits.PSO if side == "provider" else QuestionAwaits.PROVIDER
        Question.objects.filter(pk=question.pk).update(awaits=awaits, last_message_at=now)
        question.awaits, question.last_message_at = awaits, now
        organization_id = question.provider_id if side == "provider" else question.pso_id
        _audit(user=user, question=question, action=SubmissionAction.QUESTION_ANSWERED, organization_id=organization_id)
        url = reverse("submissions:question", kwargs={"question_id": question.pk})
        text = f"New message on question {question.short_id}"
        if side == "provider" and question.asked_by is not None:
            notify(user=question.asked_by, kind=NOTIFY_KIND, text=text, url=url)
        elif side == "pso":
            for manager in safety_managers_of(question.provider_id):
                notify(user=manager, kind=NOTIFY_KIND, text=text, url=url)
    return message


def record_question_view(*, user: Actor | None, question: Question, side: str) -> None:
    organization_id = question.provider_id if side == "provider" else question.pso_id
    _audit(user=user, question=question, action=SubmissionAction.QUESTION_VIEWED, organization_id=organization_id)


def _audit(*, user: Actor | None, question: Question, action: SubmissionAction, organization_id: int) -> None:
    record(
        actor=user,
        action=action,
        object_type=object_type_of(question),
        object_id=str(question.pk),
        organization_id=organization_id,
        purpose="pso.question",
        detail={"event_id": str(question.event_id)},
    )
