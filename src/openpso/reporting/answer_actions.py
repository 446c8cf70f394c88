"""Completing and correcting a report's coded answers, and asking the reporter for them.

Each change is an `AnswerAmendment` (append-only, values encrypted) with its audit event
(invariant 3); the reporter's original answers stay as filed. The PSWP status does not move:
completing the coded facts of a PSWP candidate is work inside the PSES (42 CFR 3.20).

Amendments stay allowed after the report was sent to the PSO. Reporting is per version of
the document (`submissions.push.actions.receive`): sending the event again after a correction
stores a new current version at the PSO and keeps the earlier one as the record, so a
correction reaches the PSO on re-submission; the submit page flags reports changed since.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.lib.anonymity import anonymous_time
from openpso.reporting import queries
from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.completeness import (
    module_link_ids,
    modules_of,
    problems_in_words,
    prune_inapplicable,
    question_text,
)
from openpso.reporting.errors import ReportInvalid
from openpso.reporting.events import ReportAction
from openpso.reporting.models import AnswerAmendment, AnswerRequest, EventReport, FollowUpKind
from openpso.reporting.schemas import FieldError

ANONYMOUS_LABEL = channel_actions.ANONYMOUS_LABEL


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(repr, old)) == sorted(map(repr, new))
    return bool(old == new)


def amend_answers(
    *,
    report: EventReport,
    changes: Mapping[str, Any],
    user: Actor | None = None,
    by_reporter: bool = False,
    request: AnswerRequest | None = None,
) -> AnswerAmendment | None:
    """Apply `changes` (linkId → new value, None to remove) over the effective answers.

    Returns the amendment, or None when nothing changed. Raises ReportInvalid naming each
    question and the reason when the result would not be valid answers (required questions
    left open are allowed: completeness is checked at submission). `by_reporter`: the
    reporter answered a request; on an anonymous report nothing names them and the time is
    kept to the hour (invariant 2).
    """
    allowed = module_link_ids(report)
    foreign = sorted(k for k in changes if k not in allowed)
    if foreign:
        message = "not a question of this report's modules"
        raise ReportInvalid([FieldError(field=f"answers.{k}", code="not_applicable", message=message) for k in foreign])
    anonymous_reporter = by_reporter and report.anonymous
    now = timezone.now()
    at = anonymous_time(now) if anonymous_reporter else now
    with transaction.atomic():
        # Lock the report so that two amendments are applied one after the other.
        EventReport.objects.select_for_update().filter(pk=report.pk).first()
        current = queries.effective_answers(report)
        before = {k: current.get(k) for k in changes if not _same(current.get(k), changes[k])}
        if not before:
            return None
        after = {k: changes[k] for k in before}
        proposed = queries.apply_amendments(current, [AnswerAmendment(after=after)])  # type: ignore[misc]
        problems = problems_in_words(report, proposed)
        touched = set(after) | {k.removesuffix(":other") for k in after}
        problems = [p for p in problems if p.field.removeprefix("answers.").removesuffix(":other") in touched]
        if problems:
            raise ReportInvalid(problems)
        last = report.amendments.aggregate(last=Max("sequence"))["last"] or 0
        amendment = AnswerAmendment.objects.create(
            report=report,
            sequence=last + 1,
            link_ids=sorted(after),
            before=before,  # type: ignore[misc]  # EncryptedJSONField holds JSON, not text
            after=after,  # type: ignore[misc]
            author=None if by_reporter else user,
            by_reporter=by_reporter,
            request=request,
            created_at=at,
        )
        record(
            actor=None if anonymous_reporter else user,
            actor_label=ANONYMOUS_LABEL if anonymous_reporter else None,
            action=ReportAction.ANSWERS_AMENDED,
            object_type=object_type_of(report),
            object_id=str(report.pk),
            organization_id=report.provider_id,
            purpose="reporter.follow_up" if by_reporter else "pses.review",
            # linkIds are codes of the definitions; the values (possibly identifying) stay encrypted.
            detail={"amendment": str(amendment.pk), "link_ids": sorted(after), "by_reporter": by_reporter},
            at=at if anonymous_reporter else None,
        )
    return amendment


def request_answers(*, user: Actor, report: EventReport, link_ids: Sequence[str], note: str = "") -> AnswerRequest:
    """Ask the reporter to answer these questions: a question in the follow-up thread that
    their "My reports" page or anonymous status page shows as form fields."""
    allowed = module_link_ids(report)
    asked = [k for k in dict.fromkeys(link_ids) if k in allowed and not k.endswith(":other")]
    if not asked:
        raise channel_actions.ChannelInvalid("choose at least one question for the reporter")
    titles = {k: _question(report, k) for k in asked}
    body = note.strip() or "Please answer these questions about your report."
    body += "\n" + "\n".join(f"• {titles[k]}" for k in asked)
    with transaction.atomic():
        message = channel_actions.post_follow_up(user=user, report=report, kind=FollowUpKind.QUESTION, body=body)
        answer_request = AnswerRequest.objects.create(
            report=report, message=message, link_ids=asked, requested_by=user_row(user), requested_at=message.posted_at
        )
        record(
            actor=user,
            action=ReportAction.ANSWERS_REQUESTED,
            object_type=object_type_of(report),
            object_id=str(report.pk),
            organization_id=report.provider_id,
            purpose="pses.review",
            detail={"request": str(answer_request.pk), "link_ids": asked},
        )
    return answer_request


def _question(report: EventReport, link_id: str) -> str:
    for definition in modules_of(report):
        if definition.has_item(link_id):
            return question_text(definition, link_id)
    return link_id


def answer_request(
    *, report: EventReport, answer_request: AnswerRequest, answers: Mapping[str, Any], user: Actor | None = None
) -> AnswerAmendment | None:
    """The reporter answers a structured request: an amendment attributed to the reporter."""
    if answer_request.report_id != report.pk:
        raise channel_actions.ChannelInvalid("that request is not on this report")
    if answer_request.amendments.exists():
        raise channel_actions.ChannelInvalid("this request was answered already")
    asked = set(answer_request.link_ids) | {f"{k}:other" for k in answer_request.link_ids}
    changes = {k: v for k, v in answers.items() if k in asked and v not in (None, "", [])}
    if not changes:
        raise channel_actions.ChannelInvalid("answer at least one of the questions")
    # An answer that the reporter's other answers make inapplicable (e.g. 'prescribed?' for an
    # unsafe condition) is dropped, as the report form's script hides that question, rather
    # than refusing every answer: the request's page cannot show the cross-question logic.
    applicable = prune_inapplicable(report, {**queries.effective_answers(report), **changes})
    changes = {k: v for k, v in changes.items() if k in applicable}
    return amend_answers(report=report, changes=changes, user=user, by_reporter=True, request=answer_request)


def is_answered(answer_request: AnswerRequest) -> bool:
    return answer_request.amendments.exists()
