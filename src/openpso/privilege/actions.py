"""State changes of the privilege app: the PSO's disclosures, subpoenas, breaches and notices.

Each is atomic and writes its audit event in the same transaction (invariant 3). Refusals raise
`Refused` with errors by field name, and nothing is saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization, OrgKind
from openpso.privilege.accounting import ACCOUNTING_YEARS, normalised, patient_digests, years_after
from openpso.privilege.bases import accounting_required, check_pso_disclosure
from openpso.privilege.clocks import covered_entity_notices, provider_notice
from openpso.privilege.events import PrivilegeAction
from openpso.privilege.models import (
    AccountingEntry,
    Breach,
    BreachKind,
    BreachNotification,
    DemandKind,
    Outcome,
    PsoDisclosure,
    RecipientKind,
    RiskConclusion,
    Subpoena,
    SubpoenaStatus,
    SubpoenaStep,
)
from openpso.pswp.bases import BASES, DisclosureRequest, Errors


class Refused(Exception):
    """The change breaks a rule; `errors` names each field and the reason. Nothing was saved."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _user(actor: Actor | None) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _required(**texts: str) -> Errors:
    return {name: "this field is required" for name, value in texts.items() if not str(value or "").strip()}


def _not_future(name: str, day: dt.date | None, today: dt.date) -> Errors:
    return {name: "cannot be in the future"} if day is not None and day > today else {}


def _member_of(pso: Organization, provider: Organization) -> bool:
    return provider.kind == OrgKind.PROVIDER and provider.network_id == pso.pk


# ---------------------------------------------------------------------------------------------
# The PSO's disclosure log (42 CFR 3.206) and the HIPAA accounting (45 CFR 164.528)


def log_pso_disclosure(
    *,
    pso: Organization,
    actor: Actor | None,
    request: DisclosureRequest,
    recipient_kind: str,
    description: str,
    disclosed_on: dt.date,
    provider: Organization | None = None,
    patients: Sequence[str] = (),
    recipient_address: str = "",
) -> PsoDisclosure:
    """Log a release of PSWP by the PSO; refused unless the basis and all its conditions hold.

    Identified patients of an accountable basis each get an accounting entry for `provider`.
    Under PROVIDER_AUTHORIZATION the member's signed authorisations stay in the disclosure's
    (encrypted) conditions: `pswp.ProviderAuthorization` is the provider's own register.
    """
    today = timezone.localdate()
    patients = [p.strip() for p in patients if p.strip()]
    request = dataclasses.replace(request, provider_slug=provider.slug if provider else "")
    errors = check_pso_disclosure(request, patients=patients, today=today)
    if pso.kind != OrgKind.PSO:
        errors["pso"] = "only a PSO keeps this log"
    if provider is not None and not _member_of(pso, provider):
        errors["provider"] = "choose one of this PSO's member providers"
    if recipient_kind not in RecipientKind.values:
        errors["recipient_kind"] = f"choose one of {', '.join(RecipientKind.values)}"
    errors |= _required(description=description) | _not_future("disclosed_on", disclosed_on, today)
    if len({normalised(p) for p in patients}) != len(patients):
        errors["patients"] = "a patient is listed twice"
    if errors:
        raise Refused(errors)
    with transaction.atomic():
        disclosure = PsoDisclosure(
            pso=pso,
            provider=provider,
            basis=request.basis,
            recipient_kind=recipient_kind,
            recipient_name=request.recipient_name.strip(),
            recipient_organization=request.recipient_organization.strip(),
            recipient_address=recipient_address.strip(),
            purpose=request.purpose.strip(),
            description=description.strip(),
            onward_use_limit=request.onward_use_limit.strip(),
            conditions=dict(request.conditions),  # type: ignore[misc]  # EncryptedJSONField holds JSON
            disclosed_on=disclosed_on,
            disclosed_by=_user(actor),
            recorded_at=timezone.now(),
        )
        disclosure.save()
        accounted = 0
        if accounting_required(request.basis) and provider is not None:
            for ref in patients:
                AccountingEntry(
                    disclosure=disclosure,
                    provider=provider,
                    patient_ref=ref,
                    patient_digest=patient_digests(provider.pk, ref)[0],
                    disclosed_on=disclosed_on,
                    retain_until=years_after(disclosed_on, ACCOUNTING_YEARS),
                ).save()
                accounted += 1
        # The count of patients, never their references (no PHI in the audit detail).
        record(
            actor=actor,
            action=PrivilegeAction.PSO_DISCLOSED,
            object_type=object_type_of(disclosure),
            object_id=disclosure.pk,
            organization_id=pso.pk,
            purpose="disclosure",
            detail={
                "basis": request.basis,
                "paragraph": BASES[request.basis].paragraph,
                "provider": provider.pk if provider else None,
                "accounting_entries": accounted,
            },
        )
    return disclosure


def read_accounting(*, actor: Actor | None, organization: Organization, provider: Organization) -> None:
    """An accounting read is an access to PHI: audited (the reference itself is not logged)."""
    record(
        actor=actor,
        action=PrivilegeAction.ACCOUNTING_VIEWED,
        object_type=object_type_of(provider),
        object_id=provider.pk,
        organization_id=organization.pk,
        purpose="hipaa.accounting",
    )


# ---------------------------------------------------------------------------------------------
# Subpoenas and discovery requests (42 CFR 3.204, 3.208)

# 3.204(b): the only exceptions to privilege a court can order a disclosure under.
PRIVILEGE_EXCEPTIONS = ("CRIMINAL_PROCEEDING", "EQUITABLE_RELIEF", "PROVIDER_AUTHORIZATION", "NONIDENTIFIABLE")
DEFAULT_CITE = "42 U.S.C. 299b-22(a); 42 CFR 3.204(a)"


def continued_protection_for(outcome: str, exception_basis: str = "") -> str:
    """What 3.208 leaves of the protection once the demand is closed."""
    if outcome == Outcome.NOT_PSWP:
        return "The records produced were not PSWP; the PSWP the demand reached stays privileged and confidential."
    if outcome != Outcome.COURT_ORDERED_DISCLOSURE:
        return "Nothing was disclosed: the PSWP stays privileged and confidential (3.204, 3.206)."
    if exception_basis == "CRIMINAL_PROCEEDING":
        return (
            "3.208(b)(1): the PSWP disclosed stays privileged but is no longer confidential; "
            "all other PSWP keeps both protections."
        )
    if exception_basis == "NONIDENTIFIABLE":
        return "3.208(b)(2): non-identifiable PSWP once disclosed is neither privileged nor confidential."
    return (
        "3.208(a): the PSWP disclosed stays privileged and confidential in the recipient's hands; "
        "only the PSWP named in the order was disclosed."
    )


# The audit action of a subpoena's step into each status.
_SUBPOENA_ACTIONS = {
    SubpoenaStatus.RECEIVED: PrivilegeAction.SUBPOENA_RECEIVED,
    SubpoenaStatus.PRIVILEGE_ASSERTED: PrivilegeAction.SUBPOENA_PRIVILEGE_ASSERTED,
    SubpoenaStatus.CLOSED: PrivilegeAction.SUBPOENA_CLOSED,
}


def _step(subpoena: Subpoena, actor: Actor | None, from_status: str, note: str = "") -> None:
    SubpoenaStep(
        subpoena=subpoena,
        from_status=from_status,
        to_status=subpoena.status,
        note=note[:200],
        actor=_user(actor),
        at=timezone.now(),
    ).save()
    record(
        actor=actor,
        action=_SUBPOENA_ACTIONS[SubpoenaStatus(subpoena.status)],
        object_type=object_type_of(subpoena),
        object_id=subpoena.pk,
        organization_id=subpoena.organization_id,
        purpose="privilege",
        detail={"from": from_status, "to": subpoena.status, "outcome": subpoena.outcome},
    )


def receive_subpoena(
    *,
    organization: Organization,
    actor: Actor | None,
    kind: str,
    requested_by: str,
    forum: str,
    what_asked: str,
    records_reached: str,
    served_on: dt.date,
    respond_by: dt.date,
) -> Subpoena:
    today = timezone.localdate()
    errors = _required(requested_by=requested_by, forum=forum, what_asked=what_asked, records_reached=records_reached)
    if kind not in DemandKind.values:
        errors["kind"] = f"choose one of {', '.join(DemandKind.values)}"
    errors |= _not_future("served_on", served_on, today)
    if respond_by < served_on:
        errors["respond_by"] = "the response cannot be due before the demand was served"
    if errors:
        raise Refused(errors)
    with transaction.atomic():
        subpoena = Subpoena.objects.create(
            organization=organization,
            kind=kind,
            requested_by=requested_by.strip(),
            forum=forum.strip(),
            what_asked=what_asked.strip(),
            records_reached=records_reached.strip(),
            served_on=served_on,
            respond_by=respond_by,
            created_by=_user(actor),
            created_at=timezone.now(),
        )
        _step(subpoena, actor, "")
    return subpoena


def _locked(subpoena: Subpoena) -> Subpoena:
    locked: Subpoena = Subpoena.objects.select_for_update().get(pk=subpoena.pk)
    return locked


def assert_privilege(
    *, subpoena: Subpoena, actor: Actor | None, privilege_text: str, privilege_cite: str, asserted_on: dt.date
) -> Subpoena:
    """Answer the demand with the privilege (3.204(a)); only a demand just received."""
    with transaction.atomic():
        subpoena = _locked(subpoena)
        errors = _required(privilege_text=privilege_text, privilege_cite=privilege_cite)
        if subpoena.status != SubpoenaStatus.RECEIVED:
            errors["status"] = f"privilege can be asserted only on a demand received, not one {subpoena.status}"
        errors |= _not_future("asserted_on", asserted_on, timezone.localdate())
        if asserted_on < subpoena.served_on:
            errors["asserted_on"] = "cannot be before the demand was served"
        if errors:
            raise Refused(errors)
        subpoena.status = SubpoenaStatus.PRIVILEGE_ASSERTED
        subpoena.privilege_text = privilege_text.strip()
        subpoena.privilege_cite = privilege_cite.strip()
        subpoena.asserted_on = asserted_on
        subpoena.save()
        _step(subpoena, actor, SubpoenaStatus.RECEIVED, note=subpoena.privilege_cite)
    return subpoena


# Outcomes open before privilege is asserted: nothing to decide on but the demand itself.
OUTCOMES_BEFORE_ASSERTION = {Outcome.WITHDRAWN, Outcome.NOT_PSWP}


def close_subpoena(
    *,
    subpoena: Subpoena,
    actor: Actor | None,
    outcome: str,
    outcome_on: dt.date,
    outcome_detail: str = "",
    exception_basis: str = "",
    continued_protection: str = "",
) -> Subpoena:
    """Record the outcome and the protection that continues (3.208) on it."""
    with transaction.atomic():
        subpoena = _locked(subpoena)
        errors: Errors = {}
        if outcome not in Outcome.values:
            errors["outcome"] = f"choose one of {', '.join(Outcome.values)}"
        elif subpoena.status == SubpoenaStatus.CLOSED:
            errors["status"] = f"the demand was already closed ({subpoena.get_outcome_display()})"
        elif subpoena.status == SubpoenaStatus.RECEIVED and outcome not in OUTCOMES_BEFORE_ASSERTION:
            errors["outcome"] = f"assert the privilege before recording “{Outcome(outcome).label}”"
        if outcome == Outcome.COURT_ORDERED_DISCLOSURE and exception_basis not in PRIVILEGE_EXCEPTIONS:
            errors["exception_basis"] = (
                "a court can order PSWP disclosed only under an exception to privilege (3.204(b)): "
                f"one of {', '.join(PRIVILEGE_EXCEPTIONS)}"
            )
        if outcome != Outcome.COURT_ORDERED_DISCLOSURE and exception_basis:
            errors["exception_basis"] = "only a court-ordered disclosure has an exception basis"
        if outcome == Outcome.COURT_ORDERED_DISCLOSURE and not outcome_detail.strip():
            errors["outcome_detail"] = "name the order (court, number, date) and the PSWP it covers"
        errors |= _not_future("outcome_on", outcome_on, timezone.localdate())
        if outcome_on < subpoena.served_on:
            errors["outcome_on"] = "cannot be before the demand was served"
        if errors:
            raise Refused(errors)
        before = subpoena.status
        subpoena.status = SubpoenaStatus.CLOSED
        subpoena.outcome = outcome
        subpoena.outcome_on = outcome_on
        subpoena.outcome_detail = outcome_detail.strip()
        subpoena.exception_basis = exception_basis
        subpoena.continued_protection = continued_protection.strip() or continued_protection_for(
            outcome, exception_basis
        )
        subpoena.save()
        _step(subpoena, actor, before, note=outcome)
    return subpoena


# ---------------------------------------------------------------------------------------------
# Impermissible disclosures and breaches (45 CFR 164.402–164.410)


def _notify(
    breach: Breach, actor: Actor | None, notice_to: str, due_on: dt.date, cite: str, recipient: Any = None
) -> None:
    notice, created = BreachNotification.objects.get_or_create(
        breach=breach, notice_to=notice_to, recipient=recipient, defaults={"due_on": due_on, "cite": cite}
    )
    if created:
        record(
            actor=actor,
            action=PrivilegeAction.BREACH_NOTICE_DUE,
            object_type=object_type_of(notice),
            object_id=notice.pk,
            organization_id=breach.organization_id,
            purpose="breach",
            detail={
                "breach": breach.pk,
                "to": notice_to,
                "recipient": recipient.pk if recipient else None,
                "due_on": due_on.isoformat(),
            },
        )


def record_breach(
    *,
    organization: Organization,
    actor: Actor | None,
    kind: str,
    what: str,
    discovered_on: dt.date,
    who_affected: str,
    patients_affected: int = 0,
    occurred_on: dt.date | None = None,
    affected_providers: Sequence[Organization] = (),
) -> Breach:
    """Register an impermissible disclosure or breach. A PSO names the members whose PSWP it
    touched; each gets a notice, due 60 days after discovery, which it sees on its register."""
    today = timezone.localdate()
    errors = _required(what=what, who_affected=who_affected)
    if kind not in BreachKind.values:
        errors["kind"] = f"choose one of {', '.join(BreachKind.values)}"
    errors |= _not_future("discovered_on", discovered_on, today) | _not_future("occurred_on", occurred_on, today)
    if occurred_on and occurred_on > discovered_on:
        errors["occurred_on"] = "cannot be after it was discovered"
    if patients_affected < 0:
        errors["patients_affected"] = "cannot be negative"
    if organization.kind == OrgKind.PSO:
        if not affected_providers:
            errors["affected_providers"] = "name the member providers whose PSWP or patients were affected"
        elif any(not _member_of(organization, p) for p in affected_providers):
            errors["affected_providers"] = "only this PSO's member providers can be named"
    elif affected_providers:
        errors["affected_providers"] = "a provider's own breach names no other providers"
    if errors:
        raise Refused(errors)
    with transaction.atomic():
        breach = Breach.objects.create(
            organization=organization,
            kind=kind,
            what=what.strip(),
            occurred_on=occurred_on,
            discovered_on=discovered_on,
            who_affected=who_affected.strip(),
            patients_affected=patients_affected,
            recorded_by=_user(actor),
            recorded_at=timezone.now(),
        )
        record(
            actor=actor,
            action=PrivilegeAction.BREACH_RECORDED,
            object_type=object_type_of(breach),
            object_id=breach.pk,
            organization_id=organization.pk,
            purpose="breach",
            detail={"kind": kind, "discovered_on": discovered_on.isoformat(), "patients_affected": patients_affected},
        )
        # The PSO tells each member at once, whatever the risk assessment later concludes: the
        # provider owes its own assessment and notices, and its clock already runs.
        clock = provider_notice(discovered_on)
        for provider in affected_providers:
            _notify(breach, actor, clock.notice_to, clock.due_on, clock.cite, recipient=provider)
    return breach


def assess_breach(
    *,
    breach: Breach,
    actor: Actor | None,
    conclusion: str,
    assessed_on: dt.date,
    nature: str,
    recipient: str,
    acquired: str,
    mitigated: str,
) -> Breach:
    """The four-factor risk assessment (164.402(2)). A provider's breach of unsecured PHI then
    owes notices to the individuals, the Secretary and, when large, the media."""
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        errors: Errors = {}
        if conclusion not in RiskConclusion.values or conclusion == RiskConclusion.PENDING:
            done = [c for c in RiskConclusion.values if c != RiskConclusion.PENDING]
            errors["conclusion"] = f"choose one of {', '.join(done)}"
        if breach.conclusion != RiskConclusion.PENDING:
            errors["conclusion"] = (
                f"the assessment was concluded on {breach.assessed_on}: {breach.get_conclusion_display()}"
            )
        if conclusion != RiskConclusion.NO_PHI:
            errors |= _required(
                risk_nature=nature, risk_recipient=recipient, risk_acquired=acquired, risk_mitigated=mitigated
            )
        errors |= _not_future("assessed_on", assessed_on, timezone.localdate())
        if assessed_on < breach.discovered_on:
            errors["assessed_on"] = "cannot be before the breach was discovered"
        if errors:
            raise Refused(errors)
        breach.conclusion = conclusion
        breach.assessed_on = assessed_on
        breach.risk_nature, breach.risk_recipient = nature.strip(), recipient.strip()
        breach.risk_acquired, breach.risk_mitigated = acquired.strip(), mitigated.strip()
        breach.save()
        record(
            actor=actor,
            action=PrivilegeAction.BREACH_ASSESSED,
            object_type=object_type_of(breach),
            object_id=breach.pk,
            organization_id=breach.organization_id,
            purpose="breach",
            detail={"conclusion": conclusion, "assessed_on": assessed_on.isoformat()},
        )
        if conclusion == RiskConclusion.BREACH and breach.organization.kind == OrgKind.PROVIDER:
            for clock in covered_entity_notices(breach.discovered_on, breach.patients_affected):
                _notify(breach, actor, clock.notice_to, clock.due_on, clock.cite)
    return breach


def record_notice_sent(*, notification: BreachNotification, actor: Actor | None, sent_on: dt.date, method: str) -> None:
    """Close a notice's clock with the date it went out and how."""
    with transaction.atomic():
        notice = BreachNotification.objects.select_for_update().select_related("breach").get(pk=notification.pk)
        errors = _required(method=method) | _not_future("sent_on", sent_on, timezone.localdate())
        if notice.sent_on is not None:
            errors["sent_on"] = f"this notice was already recorded as sent on {notice.sent_on}"
        if sent_on < notice.breach.discovered_on:
            errors["sent_on"] = "cannot be before the breach was discovered"
        if errors:
            raise Refused(errors)
        notice.sent_on = sent_on
        notice.method = method.strip()[:200]
        notice.sent_by = _user(actor)
        notice.save()
        record(
            actor=actor,
            action=PrivilegeAction.BREACH_NOTICE_SENT,
            object_type=object_type_of(notice),
            object_id=notice.pk,
            organization_id=notice.breach.organization_id,
            purpose="breach",
            detail={
                "breach": notice.breach_id,
                "to": notice.notice_to,
                "sent_on": sent_on.isoformat(),
                "late": sent_on > notice.due_on,
            },
        )


def read_log(*, actor: Actor | None, organization: Organization) -> None:
    """Reading the PSO's disclosure log reads recipients and purposes: audited like the provider's."""
    record(
        actor=actor,
        action=PrivilegeAction.PSO_DISCLOSURE_LOG_VIEWED,
        object_type=object_type_of(organization),
        object_id=organization.pk,
        organization_id=organization.pk,
        purpose="pso.disclosure_accounting",
    )
