"""The follow-up channel: the safety team asks and tells, the reporter answers (issue 3, item 5).

Identified reporters reach their reports under "My reports"; anonymous ones through a
receipt code and a passphrase only they hold (DESIGN invariant 2). Everything written for
an anonymous reporter — report, receipt, answers, audit events — names no one and keeps
times to the hour. Tenancy for the channel lives here too: `get_report_for_pses`,
`get_my_report`, `get_anonymous_provider` raise 404 for anything out of reach.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.lib.anonymity import anonymous_time
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import PSES_ROLES
from openpso.pswp.status import PswpStatus
from openpso.reporting import actions
from openpso.reporting.events import ReportAction
from openpso.reporting.models import AnonymousReceipt, EventReport, FollowUpKind, FollowUpMessage
from openpso.reporting.schemas import ReportIn

# Receipt codes: 4 groups of 4 from digits and capitals without 0/O, 1/I/L — easy to read
# aloud and type on a phone. 31**16 ≈ 2**79, so guessing one is hopeless even unthrottled.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_GROUPS, RECEIPT_GROUP_LENGTH = 4, 4
PASSPHRASE_MIN_LENGTH = 10
# Wrong passphrases for one receipt before it locks, and for how long.
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(hours=24)
# How long the signed token in the status page's forms stays valid: the only thing that
# carries an anonymous reporter from one page to the next (no session, no cookie).
STATUS_TOKEN_AGE = dt.timedelta(minutes=30)
PASSPHRASE_TOKEN_AGE = dt.timedelta(hours=1)
ANONYMOUS_LABEL = "anonymous reporter"

# The receipt code's lookup digest is an HMAC-SHA256 keyed from SECRET_KEY (Django's
# salted_hmac with a purpose salt). We chose SECRET_KEY over a new dedicated key so no new
# secret must be provisioned and backed up, and because the codes carry ~79 random bits:
# the key is defence in depth, not what keeps the codes unguessable. Rotation: put the old
# key in SECRET_KEY_FALLBACKS; lookups try every fallback and re-key the digest on the next
# successful open. A receipt not opened before its key leaves the fallbacks can no longer
# be found; a dedicated, never-rotated setting would avoid that (see the report to the lead).
_RECEIPT_SALT = "openpso.reporting.channel.receipt-code"
_STATUS_SALT = "openpso.reporting.channel.status"
_PASSPHRASE_SALT = "openpso.reporting.channel.passphrase"  # noqa: S105 - a signing purpose, not a secret
_CLIENT_SALT = "openpso.reporting.channel.client"
# Checked against when no receipt matches, so a wrong code costs what a wrong passphrase does.
_DUMMY_PASSPHRASE_HASH = make_password(None)

PLAIN_STATUS = {
    PswpStatus.CANDIDATE: "Received: the safety team reviews every report.",
    PswpStatus.DELIBERATION: "Being looked into by the safety team.",
    # Not "reviewed": a team may send a report before its review ends (the review's own
    # status is shown beside this one).
    PswpStatus.REPORTED: "Shared, without names, with the Patient Safety Organization "
    "so that other hospitals can learn from it too.",
    PswpStatus.FUNCTIONALLY_REPORTED: "Shared, without names, with the Patient Safety "
    "Organization so that other hospitals can learn from it too.",
    PswpStatus.DROPPED_OUT: "Reviewed; it is handled outside the safety learning system.",
    PswpStatus.NOT_PSWP: "Handled as part of the provider's own records.",
}


class ChannelInvalid(ValueError):
    """A post that cannot be accepted; the message names the reason for the person."""


def plain_status(report: EventReport) -> str:
    return PLAIN_STATUS.get(PswpStatus(report.pswp_status), report.get_pswp_status_display())


# --- tenancy -------------------------------------------------------------------------


def anonymous_providers() -> QuerySet[Organization]:
    """Providers that take anonymous reports: for now every provider of the installation."""
    return Organization.objects.filter(kind=OrgKind.PROVIDER).order_by("name")


def get_anonymous_provider(slug: str) -> Organization:
    try:
        return anonymous_providers().get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def reports_in_pses_of(user: Any) -> QuerySet[EventReport]:
    """Reports whose follow-up thread `user` runs: PSES roles of the report's provider only."""
    providers = orgs_where(user, PSES_ROLES).filter(kind=OrgKind.PROVIDER)
    return EventReport.objects.filter(provider__in=providers)


def get_report_for_pses(user: Any, report_id: uuid.UUID | str) -> EventReport:
    try:
        return reports_in_pses_of(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


def my_reports(user: Any) -> QuerySet[EventReport]:
    """Reports `user` filed under their own name (never their anonymous ones)."""
    if not getattr(user, "is_authenticated", False):
        return EventReport.objects.none()
    return EventReport.objects.filter(reporter=user, anonymous=False).select_related("provider")


def get_my_report(user: Any, report_id: uuid.UUID | str) -> EventReport:
    try:
        return my_reports(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


def thread_of(report: EventReport) -> list[FollowUpMessage]:
    """Questions and notes in order, each question with its answers (`question.answers.all`)."""
    answers = FollowUpMessage.objects.order_by("position")
    posts = FollowUpMessage.objects.filter(report=report, in_reply_to__isnull=True)
    posts = posts.prefetch_related(Prefetch("answers", answers))
    return list(posts.order_by("posted_at"))


# --- receipt codes and passphrases ---------------------------------------------------


def new_receipt_code() -> str:
    chars = [secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH)]
    groups = ["".join(chars[i : i + RECEIPT_GROUP_LENGTH]) for i in range(0, len(chars), RECEIPT_GROUP_LENGTH)]
    return "-".join(groups)


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_digests(code: str) -> list[str]:
    """The digest under the current key first, then under each fallback key."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    value = _normalised(code)
    return [salted_hmac(_RECEIPT_SALT, value, secret=key, algorithm="sha256").hexdigest() for key in keys]


@dataclass(frozen=True)
class NewReceipt:
    report: EventReport
    receipt: AnonymousReceipt
    code: str  # shown once to the reporter, never stored


def file_anonymous(*, provider: Organization, data: ReportIn) -> NewReceipt:
    """File a no-login report and open its receipt, both or neither."""
    code = new_receipt_code()
    with transaction.atomic():
        report = actions.file_anonymous_report(provider=provider, data=data)
        receipt = AnonymousReceipt.objects.create(report=report, code_digest=_code_digests(code)[0])
    return NewReceipt(report=report, receipt=receipt, code=code)


def code_matches(receipt: AnonymousReceipt, code: str) -> bool:
    return any(hmac.compare_digest(receipt.code_digest, digest) for digest in _code_digests(code))


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
    digests = _code_digests(code)
    found = AnonymousReceipt.objects.filter(code_digest__in=digests).values_list("pk", flat=True).first()
    if found is None:
        check_password(passphrase, _DUMMY_PASSPHRASE_HASH)
        return None
    now = timezone.now()
    with transaction.atomic():
        receipt = AnonymousReceipt.objects.select_for_update().select_related("report__provider").get(pk=found)
        stored = receipt.passphrase_hash or _DUMMY_PASSPHRASE_HASH
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


# --- signed tokens: the only link between two pages of an anonymous reporter ----------


def passphrase_token(receipt: AnonymousReceipt) -> str:
    return signing.dumps(str(receipt.pk), salt=_PASSPHRASE_SALT)


def receipt_for_passphrase(token: str) -> str | None:
    try:
        return str(signing.loads(token, salt=_PASSPHRASE_SALT, max_age=PASSPHRASE_TOKEN_AGE))
    except signing.BadSignature:
        return None


def status_token(receipt: AnonymousReceipt) -> str:
    return signing.dumps(str(receipt.pk), salt=_STATUS_SALT)


def receipt_from_status_token(token: str) -> AnonymousReceipt | None:
    """The receipt a status page's form was issued for, while the token is fresh."""
    try:
        receipt_id = signing.loads(token, salt=_STATUS_SALT, max_age=STATUS_TOKEN_AGE)
    except signing.BadSignature:
        return None
    receipt = AnonymousReceipt.objects.select_related("report__provider").filter(pk=receipt_id).first()
    if receipt is None or (receipt.locked_until is not None and receipt.locked_until > timezone.now()):
        return None
    return receipt


def client_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client address under a secret, daily-changing salt.

    The address itself never reaches the cache, and yesterday's keys cannot be linked to
    today's. Counters live one rate window (an hour at most).
    """
    day = timezone.now().strftime("%Y-%m-%d")
    address = request.META.get("REMOTE_ADDR", "")
    return salted_hmac(f"{_CLIENT_SALT}:{day}", address, algorithm="sha256").hexdigest()


# --- posting -------------------------------------------------------------------------


def post_follow_up(*, user: Any, report: EventReport, kind: str, body: str) -> FollowUpMessage:
    """The safety team asks the reporter a question or tells them what changed."""
    if kind not in {FollowUpKind.QUESTION, FollowUpKind.WHAT_CHANGED}:
        raise ChannelInvalid("choose a question or a 'what changed' note")
    body = body.strip()
    if not body:
        raise ChannelInvalid("write the message first")
    with transaction.atomic():
        message = FollowUpMessage.objects.create(
            report=report, kind=kind, body=body, author=user, posted_at=timezone.now()
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


def answer_question(*, report: EventReport, question_id: str, body: str, user: Any = None) -> FollowUpMessage:
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


def record_follow_up_view(*, report: EventReport, user: Any = None) -> None:
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
