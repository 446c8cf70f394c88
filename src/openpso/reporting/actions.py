"""State changes of event reports. Each one writes its audit event (invariant 3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpso.audit import trail
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.lib.anonymity import anonymous_time
from openpso.organizations.models import Organization, Unit
from openpso.organizations.queries import reporting_providers_for
from openpso.organizations.timezones import zone_of
from openpso.pswp.affiliated import log_oversight_read
from openpso.pswp.guard import adopt
from openpso.pswp.ledger import record_entries_at_creation, record_entry_at_creation, record_not_pswp_at_creation
from openpso.pswp.queries import current_policy, is_safety_manager
from openpso.pswp.status import PswpStatus
from openpso.reporting import drafts, queries, suggestions
from openpso.reporting.errors import IdempotencyConflict, ReportInvalid
from openpso.reporting.events import ReportAction
from openpso.reporting.models import EventReport, IdempotencyKey
from openpso.reporting.modules import check_answers
from openpso.reporting.schemas import ReportIn

# Retries within this window return the first result, as common for idempotency keys.
IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)


def _idempotency_digest(user: Actor | None, key: str) -> str:
    # Stored as a digest with no user column, so that the key table cannot link an
    # anonymous report back to the signed-in person who filed it (invariant 2).
    return hashlib.sha256(f"{getattr(user, 'pk', None)}\x00{key}".encode()).hexdigest()


def _request_hash(data: ReportIn) -> str:
    # `collected_for` counts only when given, so a body without it hashes as it did before it existed.
    dumped = data.model_dump(mode="json", exclude=set() if data.collected_for else {"collected_for"})
    return hashlib.sha256(json.dumps(dumped, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class OutsidePses:
    """Why a new report is not PSWP from the start: the purpose it was collected for, as the
    provider's PSES policy version in effect names it (81 FR 32655)."""

    purpose: str
    policy_id: int
    policy_version: int

    @property
    def reason(self) -> str:
        return (
            f"Collected for another purpose ({self.purpose}), outside the PSES under PSES policy "
            f"v{self.policy_version}: not PSWP from the start, never reported to a PSO as PSWP (81 FR 32655)"
        )


def _outside_pses(user: Actor | None, provider: Organization, data: ReportIn) -> OutsidePses | None:
    """The policy basis for recording `data` as not PSWP, or None for an ordinary PSES report.

    Only the provider's safety manager, identified, and only for a purpose its current PSES
    policy names: whether information enters the PSES is the provider's policy, not the
    filer's choice of the moment."""
    if not data.collected_for:
        return None
    if data.anonymous:
        raise ReportInvalid.one(
            "collected_for", "not_with_anonymous", "information kept outside the PSES is not anonymous"
        )
    if user is None or not is_safety_manager(user, provider):
        raise ReportInvalid.one(
            "collected_for", "not_allowed", "only the provider's safety manager records information outside the PSES"
        )
    policy = current_policy(provider, timezone.localdate(timezone.now(), zone_of(provider)))
    named = policy.names_purpose(data.collected_for) if policy is not None else None
    if policy is None or named is None:
        listed = ", ".join(policy.purposes_outside_pses()) if policy is not None else ""
        raise ReportInvalid.one(
            "collected_for",
            "not_in_policy",
            f"the PSES policy in effect does not name this purpose (it names: {listed or 'none'})",
        )
    return OutsidePses(purpose=named, policy_id=policy.pk, policy_version=policy.version)


def _resolve(user: Actor | None, data: ReportIn) -> tuple[Organization, Unit | None]:
    providers = (reporting_providers_for(user) if user is not None else Organization.objects.none()).filter(
        slug=data.provider
    )
    if data.unit is not None:
        # The usual filing names a unit: provider and unit in one statement. Any miss takes
        # the two look-ups below, which say which of the two is wrong.
        unit = Unit.objects.select_related("provider").filter(pk=data.unit, active=True, provider__in=providers).first()
        if unit is not None:
            return unit.provider, unit
    provider = providers.first()
    if provider is None:
        # Same answer for "does not exist" and "not yours": nothing foreign is revealed.
        raise ReportInvalid.one("provider", "unknown", "you cannot report for this provider")
    return provider, _unit_of(provider, data.unit)


def _unit_of(provider: Organization, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(provider=provider, pk=unit_id, active=True).first()
    if unit is None:
        raise ReportInvalid.one("unit", "unknown", "this unit is not one of the provider's units")
    return unit


def file_report(
    *,
    user: Actor | None,
    data: ReportIn,
    idempotency_key: str | None = None,
    checked: tuple[Organization, Unit | None] | None = None,
    discard_draft: bool = False,
    suggestion: suggestions.Shown | None = None,
) -> tuple[EventReport, bool]:
    """File a report for `user`; returns (report, created). Nothing is saved on any error.

    `checked`: the provider and unit the caller has already looked up for `user` with the same
    rules (the web form: `reporting_providers_for` and the form's unit field), so that they are
    not read twice; used only when they are the ones `data` names. `discard_draft`: the
    person's unfinished report for this provider goes in the same transaction (the web form):
    filed and draft gone together, or neither. `suggestion`: what the form's code suggester
    proposed (issue 18 item 3); kept beside the report with what was sent, in the same transaction.
    """
    provider, unit = checked if checked is not None and _names(data, checked) else _resolve(user, data)
    outside = _outside_pses(user, provider, data)
    module_keys = check_answers(provider=provider, data=data)
    digest = _idempotency_digest(user, idempotency_key) if idempotency_key else None
    request_hash = _request_hash(data)
    if digest:
        _prune_expired_keys(timezone.now())
    # A retry whose key has expired (not yet pruned) finds it in the way once: it is removed
    # and the filing runs again, as a new one.
    for _attempt in range(2):
        now = timezone.now()
        try:
            with transaction.atomic():
                # The key goes in first, for the report about to be created (the foreign key is
                # checked at commit): a retry stops here at the unique key, before the report,
                # the ledger and the audit chain's lock, and a new key costs no look-up first.
                report_id = uuid.uuid4()
                if digest:
                    IdempotencyKey.objects.create(
                        key=digest, request_hash=request_hash, report_id=report_id, expires_at=now + IDEMPOTENCY_WINDOW
                    )
                if discard_draft:
                    drafts.discard_draft(user=user, provider=provider)  # before the audit chain's lock
                report = _create(
                    user=user,
                    data=data,
                    provider=provider,
                    unit=unit,
                    now=now,
                    modules=module_keys,
                    pk=report_id,
                    outside=outside,
                )
                if suggestion is not None:
                    suggestions.record_outcomes(report, suggestion)
        except IntegrityError:
            if not digest:
                raise
            # The key is taken: by an earlier filing (answer with its report), by a concurrent
            # retry that won the race (the same), or by an expired key (removed: file again).
            earlier, expired = _earlier_result(digest, request_hash)
            if earlier:
                return earlier, False
            if not expired:
                raise
            continue
        return report, True
    raise IntegrityError("idempotency key still taken after removing the expired one")


def _names(data: ReportIn, checked: tuple[Organization, Unit | None]) -> bool:
    provider, unit = checked
    return provider.slug == data.provider and (unit.pk if unit is not None else None) == data.unit


def file_anonymous_report(*, provider: Organization, data: ReportIn) -> EventReport:
    """File a report that nobody signed in for (the no-login anonymous page).

    There is no user at all, so nothing can link the report to a person (invariant 2);
    the caller chose `provider` among those taking anonymous reports. Same validation and
    creation as `file_report`; the report is anonymous whatever `data` says.
    """
    data = data.model_copy(update={"anonymous": True, "reporter_role": ""})
    _outside_pses(None, provider, data)  # nobody signed in: never outside the PSES
    unit = _unit_of(provider, data.unit)
    module_keys = check_answers(provider=provider, data=data)
    with transaction.atomic():
        return _create(user=None, data=data, provider=provider, unit=unit, now=timezone.now(), modules=module_keys)


def import_report(
    *,
    actor: Actor | None,
    provider: Organization,
    data: ReportIn,
    source_key: str,
    source_format: str = "fhir-questionnaire-response",
) -> tuple[EventReport, bool]:
    """File a report that came from another system (a FHIR QuestionnaireResponse or AdverseEvent,
    named by `source_format` in the audit event).

    `source_key` identifies the sent document: importing it again returns the first report
    (invariant 7); the same document changed since is refused rather than silently ignored.
    The report has no reporter account; `actor` (None from the command line) is audited.
    A bulk import files many at once through `import_reports`, which writes the same rows.
    """
    _refuse_outside_pses(data)
    unit = _unit_of(provider, data.unit)
    module_keys = check_answers(provider=provider, data=data)
    request_hash = _request_hash(data)
    earlier, _expired = _earlier_result(source_key, request_hash)  # imported documents' keys never expire
    if earlier:
        return earlier, False
    with transaction.atomic():
        report = _create(user=None, data=data, provider=provider, unit=unit, now=timezone.now(), modules=module_keys)
        IdempotencyKey.objects.create(key=source_key, request_hash=request_hash, report=report)
        trail.append([_imported(report, actor=actor, source_format=source_format)])
    return report, True


@dataclass(frozen=True)
class Incoming:
    """One checked document of a set-based import: its data, the modules `check_answers` found
    for it, its unit (looked up by the caller, None when `data` names none) and its key."""

    data: ReportIn
    modules: list[str]
    source_key: str
    unit: Unit | None = None


def import_reports(
    *, actor: Actor | None, provider: Organization, incoming: Sequence[Incoming], source_format: str
) -> list[EventReport]:
    """File many documents from another system at once (a batch of a bulk import), in the
    caller's transaction: for each, what `import_report` writes — the report and its history
    row, its idempotency key, the PSWP ledger's entry, `report.filed` and `report.imported` —
    with one INSERT per table and one lock of the audit chain's head for the whole batch
    (`file_reports`, with each document's key and its `report.imported`).

    The caller has checked every document (`check_answers`, its unit) and looked its key up:
    none is taken (a taken key fails the batch at the unique index, nothing half-written).
    """
    for item in incoming:
        _refuse_outside_pses(item.data)
    if not incoming:
        return []
    now = timezone.now()
    ids = [uuid.uuid4() for _ in incoming]
    # The keys first, for the reports about to be created (the foreign key is checked at
    # commit, as in `file_report`): a taken key stops the batch before the chain's lock.
    IdempotencyKey.objects.bulk_create(
        [
            IdempotencyKey(key=item.source_key, request_hash=_request_hash(item.data), report_id=pk)
            for item, pk in zip(incoming, ids, strict=True)
        ]
    )
    filings = [
        Filing(data=item.data, provider=provider, unit=item.unit, modules=item.modules, at=now, pk=pk)
        for item, pk in zip(incoming, ids, strict=True)
    ]
    return file_reports(filings, also=lambda report: [_imported(report, actor=actor, source_format=source_format)])


@dataclass(frozen=True)
class Filing:
    """One report of a batch, checked by the caller as `file_report` checks it (`ReportIn`, its
    provider and unit looked up for the reporter, `check_answers` for `modules`), entering the
    PSES: filed by `reporter` (None: nobody signed in, or another system) at `at`."""

    data: ReportIn
    provider: Organization
    unit: Unit | None
    modules: list[str]
    at: dt.datetime
    reporter: Actor | None = None
    pk: uuid.UUID | None = None


def file_reports(
    filings: Sequence[Filing], *, also: Callable[[EventReport], Sequence[trail.Entry]] | None = None
) -> list[EventReport]:
    """File many checked reports at once, in the caller's transaction (a bulk import's batch,
    the demo's reporters): for each, what `file_report` writes for a report entering the PSES —
    the report and its history row, the PSWP ledger's entry dated at its entry into the PSES
    (its `reported_at`: the filing's `at`, to the hour when anonymous) and `report.filed`,
    then the caller's `also` events for it — with one INSERT per table and one lock of the audit
    chain's head for the whole batch. The one writer of batches of new reports.
    """
    for filing in filings:
        if filing.data.collected_for:
            raise ValueError("file_reports: reports entering the PSES only (collected_for is filed one by one)")
        if filing.data.unit != (filing.unit.pk if filing.unit is not None else None):
            raise ValueError("file_reports: each report's unit is looked up before it is filed")
    if not filings:
        return []
    reports = [
        build_report(
            user=f.reporter, data=f.data, provider=f.provider, unit=f.unit, now=f.at, modules=f.modules, pk=f.pk
        )
        for f in filings
    ]
    for report in reports:
        # The history row `save()` would have made at the filing (simple-history's post_save).
        report._history_date = report.reported_at  # type: ignore[attr-defined]
    EventReport.objects.bulk_create(reports)
    # As simple-history's bulk helper makes them: same columns, the filing's time, no change
    # reason, no user (this project stamps no user on a report's history).
    EventReport.history.bulk_history_create(reports, default_change_reason=None)
    for report in reports:
        adopt(report, status=report.pswp_status, at=report.pswp_status_at)  # as save() leaves it
    # The ledger's actor is the filer, none for an anonymous report (as `_create`).
    filers = [None if report.anonymous else f.reporter for f, report in zip(filings, reports, strict=True)]
    events = [
        [_filed(report, actor=filer), *(also(report) if also is not None else ())]
        for report, filer in zip(reports, filers, strict=True)
    ]
    record_entries_at_creation(artefacts=reports, actors=filers, also=events)
    return reports


def _refuse_outside_pses(data: ReportIn) -> None:
    if data.collected_for:
        raise ReportInvalid.one("collected_for", "not_allowed", "an imported report enters the PSES")


def _imported(report: EventReport, *, actor: Actor | None, source_format: str) -> trail.Entry:
    return trail.Entry(
        actor=actor,
        action=ReportAction.IMPORTED,
        object_type=object_type_of(report),
        object_id=str(report.pk),
        organization_id=report.provider_id,
        purpose="reporting",
        detail={"format": source_format},
    )


def _earlier_result(digest: str, request_hash: str) -> tuple[EventReport | None, bool]:
    """The report filed earlier under this key, if still honoured; and whether an expired key was removed."""
    now = timezone.now()
    earlier = IdempotencyKey.objects.filter(key=digest).select_related("report").first()
    if earlier is None:
        return None, False
    if earlier.expires_at is not None and earlier.expires_at <= now:
        # Expired but not yet pruned: never honoured, and removed so the key can be used again.
        IdempotencyKey.objects.filter(pk=earlier.pk, expires_at__lte=now).delete()
        return None, True
    if earlier.request_hash != request_hash:
        raise IdempotencyConflict("this key was already used with a different report")
    return earlier.report, False


# Expired keys are pruned at most this often per process, not on every request: a key is
# checked for expiry when it is read, so pruning is only housekeeping and need not cost each filing.
PRUNE_EVERY = dt.timedelta(minutes=1)
_last_pruned: dt.datetime | None = None


def _prune_expired_keys(now: dt.datetime) -> None:
    global _last_pruned
    if _last_pruned is not None and now - _last_pruned < PRUNE_EVERY:
        return
    _last_pruned = now
    IdempotencyKey.objects.filter(expires_at__lt=now).delete()


def build_report(
    *,
    user: Actor | None,
    data: ReportIn,
    provider: Organization,
    unit: Unit | None,
    now: dt.datetime,
    modules: list[str],
    pk: uuid.UUID | None = None,
    outside: OutsidePses | None = None,
) -> EventReport:
    """A new report's row, not yet saved: the one place that decides its fields, for a filing
    (`_create`) and for a batch of imported ones (`import_reports`)."""
    # DE30: an anonymous report keeps only the hour it arrived (invariant 2).
    reported_at = anonymous_time(now) if data.anonymous else now
    report = EventReport(
        pk=pk or uuid.uuid4(),
        provider=provider,
        unit=unit,
        event_type=data.event_type,
        categories=data.categories,
        category_other=data.category_other,
        discovered_at=data.discovered_at,
        narrative=data.narrative,
        location_detail=data.location_detail,
        patient_age_years=data.patient_age_years,
        patient_sex=data.patient_sex,
        harm=data.harm,
        answers=dict(data.answers),  # type: ignore[misc]  # EncryptedJSONField holds JSON, not text
        modules=modules,
        anonymous=data.anonymous,
        reporter=None if data.anonymous else user,
        reporter_role="" if data.anonymous else data.reporter_role,
        reported_at=reported_at,
        # 42 CFR 3.20: a report is PSWP-candidate the moment it enters the PSES; information
        # collected for another purpose under the PSES policy never was PSWP (81 FR 32655).
        pswp_status=PswpStatus.CANDIDATE if outside is None else PswpStatus.NOT_PSWP,
        pswp_status_at=reported_at,
    )
    if data.anonymous:
        # simple-history would stamp its row with the exact time and the signed-in user.
        report._history_date = reported_at  # type: ignore[attr-defined]
        report._history_user = None  # type: ignore[attr-defined]
    return report


def _filed(report: EventReport, *, actor: Actor | None) -> trail.Entry:
    """The filing's own audit event. Anonymous: no actor and the hour only (invariant 2)."""
    return trail.Entry(
        actor=None if report.anonymous else actor,
        action=ReportAction.FILED,
        object_type=object_type_of(report),
        object_id=str(report.pk),
        organization_id=report.provider_id,
        purpose="reporting",
        detail={"event_type": report.event_type, "categories": report.categories},
        at=report.reported_at if report.anonymous else None,
    )


def _create(
    *,
    user: Actor | None,
    data: ReportIn,
    provider: Organization,
    unit: Unit | None,
    now: dt.datetime,
    modules: list[str],
    pk: uuid.UUID | None = None,
    outside: OutsidePses | None = None,
) -> EventReport:
    report = build_report(
        user=user, data=data, provider=provider, unit=unit, now=now, modules=modules, pk=pk, outside=outside
    )
    report.save(force_insert=True)
    # 42 CFR 3.20: the ledger documents the date the report entered the PSES. Anonymous:
    # no actor and the hour only, like every other trace of the filing (invariant 2).
    # Inserted above as a candidate at `reported_at`: recorded without re-reading the row,
    # and the filing's own audit event appended right after the ledger's, under one lock.
    filed = _filed(report, actor=user)
    if outside is None:
        record_entry_at_creation(artefact=report, actor=None if data.anonymous else user, also=[filed])
    else:
        kept_outside = trail.Entry(
            actor=user,
            action=ReportAction.RECORDED_OUTSIDE_PSES,
            object_type=object_type_of(report),
            object_id=str(report.pk),
            organization_id=provider.pk,
            purpose="pses.policy",
            # Ids only (invariant 4): the purpose in words is in the ledger row's encrypted reason.
            detail={"policy": outside.policy_id, "policy_version": outside.policy_version},
        )
        record_not_pswp_at_creation(artefact=report, actor=user, reason=outside.reason, also=[filed, kept_outside])
    # What follows a filing (functional reporting to the PSO, the pool) is `openpso.flows`',
    # called by the entry point once this returns (docs/decisions/0018-flows.md).
    return report


def record_read(*, user: Actor, report: EventReport, via: str) -> str:
    """`user` reads one identified report (the page or the API): returns why, as audited.

    The one path for every read of a whole report, so that no channel can skip a log: the
    use is audited (42 CFR 3.206), and a health-system officer's read of an affiliate's
    report is also a PSA_AFFILIATED disclosure (3.206(b)(4)(iii)), logged in the same
    transaction — a read whose disclosure cannot be logged is not served. `via` names the
    channel in the disclosure's conditions.
    """
    purpose = queries.purpose_of_view(user, report)
    with transaction.atomic():
        record_view(user=user, report=report, purpose=purpose)
        if purpose == queries.OVERSIGHT:
            log_oversight_read(user, provider=report.provider, record=report, via=via)
    return purpose


def record_view(*, user: Actor | None, report: EventReport, purpose: str) -> None:
    """A read of identified PSWP inside the provider is a use, logged (42 CFR 3.206)."""
    record(
        actor=user,
        action=ReportAction.VIEWED,
        object_type=object_type_of(report),
        object_id=str(report.pk),
        organization_id=report.provider_id,
        purpose=purpose,
    )
