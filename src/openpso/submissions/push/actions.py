"""Submitting events to the PSO: one transaction per event, idempotent by document version.

`submit_events` is what the API and the safety manager's page call. Each event is decided
on its own (42 CFR 3.20 reporting is per record): a refused or failed event leaves nothing
behind and does not undo the events before it, so a client that lost its connection simply
sends the whole batch again — what is already in answers "unchanged" and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpso.audit import trail
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.lib.anonymity import anonymous_time
from openpso.organizations.models import MemberAgreement
from openpso.organizations.queries import agreement_in_force
from openpso.organizations.timezones import local_date
from openpso.pswp.ledger import mark_reported
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport
from openpso.submissions.document import Refusal, build_document, refusal_of, version_of
from openpso.submissions.events import SubmissionAction
from openpso.submissions.models import FunctionalReportingGrant, ProviderApiKey, Submission, SubmissionMethod

ACCEPTED, UNCHANGED, REFUSED = "accepted", "unchanged", "refused"
MAX_BATCH = 500


@dataclass(frozen=True)
class EventResult:
    event_id: str
    status: str  # ACCEPTED, UNCHANGED or REFUSED
    version: str | None = None
    reason: str = ""
    field: str = ""


@dataclass(frozen=True)
class Channel:
    """Who sends: a signed-in safety manager (`actor`) or a provider system (`api_key`)."""

    method: str = SubmissionMethod.PUSH
    actor: Actor | None = None
    api_key: ProviderApiKey | None = None
    grant: FunctionalReportingGrant | None = None


def _refused(event_id: str, refusal: Refusal) -> EventResult:
    return EventResult(event_id, REFUSED, None, refusal.reason, refusal.field)


def submit_events(
    *,
    event_ids: Sequence[str],
    provider_ids: Iterable[int],
    channel: Channel,
    at: dt.datetime | None = None,
) -> list[EventResult]:
    """Submit each event of the batch in its own transaction; one result per id, in order.

    `at` dates the submission (default now): the demo replays a provider's past submissions
    through this same action, dated when they happened. What follows an accepted event (the pool
    refresh) is the caller's to start, through `openpso.flows.events_received`.
    """
    if len(event_ids) > MAX_BATCH:
        raise ValueError(f"events: at most {MAX_BATCH} per batch")
    scope = list(provider_ids)
    return [_submit_one(str(raw), provider_ids=scope, channel=channel, at=at) for raw in event_ids]


def _submit_one(raw: str, *, provider_ids: list[int], channel: Channel, at: dt.datetime | None) -> EventResult:
    try:
        event_id = uuid.UUID(raw)
    except ValueError:
        return _refused(raw[:64], Refusal("event_id", "not an event id (a report UUID, DE2)"))
    try:
        with transaction.atomic():
            return _submit_locked(event_id, provider_ids=provider_ids, channel=channel, at=at)
    except IntegrityError:
        # A concurrent send of the same event won the race; what it stored is what we have.
        current = Submission.objects.filter(event_id=event_id, provider_id__in=provider_ids, current=True).first()
        if current is None:
            raise
        return EventResult(str(event_id), UNCHANGED, current.version, "already received")


def _submit_locked(
    event_id: uuid.UUID, *, provider_ids: list[int], channel: Channel, at: dt.datetime | None
) -> EventResult:
    # Lock the report so two senders of the same event are served one after the other.
    report = (
        EventReport.objects.select_for_update(of=("self",))
        .select_related("provider", "unit")
        .filter(pk=event_id, provider_id__in=provider_ids)
        .first()
    )
    if report is None:
        # Missing and foreign read the same: nothing about other providers is revealed.
        return _refused(str(event_id), Refusal("event_id", "no report of this provider has this id"))
    on = None if at is None else local_date(at, report.provider)
    agreement = agreement_in_force(report.provider, on=on)
    refusal = refusal_of(report, agreement, complete=channel.method == SubmissionMethod.PUSH)
    if refusal is not None or agreement is None:
        return _refused(str(event_id), refusal or Refusal("agreement", "no member agreement in force"))
    document = build_document(report, agreement)
    return receive(report=report, agreement=agreement, document=document, channel=channel, at=at)


def receive(
    *,
    report: EventReport,
    agreement: MemberAgreement,
    document: dict[str, Any],
    channel: Channel,
    at: dt.datetime | None = None,
) -> EventResult:
    """Store `document` as the PSO's current version of `report`; call inside a transaction.

    The same version again changes nothing. A new version becomes current and the older one
    stays as the record. The first time, the report becomes reported (or functionally
    reported) in the PSWP ledger, with its ledger row and audit event.
    """
    version = version_of(document)
    same = Submission.objects.filter(provider_id=report.provider_id, event_id=report.pk, version=version).first()
    if same is not None and same.current:
        return EventResult(str(report.pk), UNCHANGED, version, "already received")
    now = at or timezone.now()
    if report.anonymous:
        now = anonymous_time(now)  # invariant 2: nothing dates an anonymous report finer than the hour
    earlier = Submission.objects.filter(provider_id=report.provider_id, event_id=report.pk, current=True)
    replaced = earlier.update(current=False)
    if same is not None:
        # The event went back to content the PSO already holds: that row is current again.
        Submission.objects.filter(pk=same.pk).update(current=True)
        submission = same
    else:
        submission = Submission.objects.create(
            pso_id=agreement.pso_id,
            provider_id=report.provider_id,
            event_id=report.pk,
            version=version,
            current=True,
            method=channel.method,
            document=document,  # type: ignore[misc]  # EncryptedJSONField holds JSON
            event_month=local_date(report.discovered_at, report.provider).replace(day=1),
            submitted_at=now,
            submitted_by=channel.actor if getattr(channel.actor, "is_authenticated", False) else None,
            api_key=channel.api_key,
            agreement=agreement,
            grant=channel.grant,
            category_codes=frame_codes(report.categories),
        )
    _mark_reported(report, channel, at=now)
    trail.append([received(submission, pso_id=agreement.pso_id, channel=channel, replaces=bool(replaced), at=now)])
    return EventResult(str(report.pk), ACCEPTED, version, "new version" if replaced else "")


def received(submission: Submission, *, pso_id: int, channel: Channel, replaces: bool, at: dt.datetime) -> trail.Entry:
    """The audit event of the PSO's receipt of `submission` (one version of an event), sent
    through `channel` at `at`: written by `receive`, and for a batch after each ledger entry."""
    return trail.Entry(
        actor=channel.actor if getattr(channel.actor, "is_authenticated", False) else None,
        actor_label=f"api key {channel.api_key.prefix}" if channel.api_key else None,
        action=SubmissionAction.RECEIVED,
        object_type=object_type_of(submission),
        object_id=str(submission.pk),
        organization_id=pso_id,
        purpose="submission",
        detail={
            "event_id": str(submission.event_id),
            "provider_id": submission.provider_id,
            "version": submission.version,
            "method": channel.method,
            "replaces": replaces,
        },
        at=at,
    )


def frame_codes(codes: Iterable[str]) -> str:
    """ ",A48,A54,": a contains-lookup on ",A48," then finds a category on any database."""
    joined = ",".join(codes)
    return f",{joined}," if joined else ""


def _mark_reported(report: EventReport, channel: Channel, *, at: dt.datetime) -> None:
    functional = channel.method == SubmissionMethod.FUNCTIONAL
    if report.pswp_status == PswpStatus.CANDIDATE:
        mark_reported(artefact=report, actor=channel.actor, functional=functional, at=at)
    elif report.pswp_status == PswpStatus.FUNCTIONALLY_REPORTED and not functional:
        # The PSO already had access; the transmission is recorded (pswp.status).
        mark_reported(artefact=report, actor=channel.actor, at=at)
