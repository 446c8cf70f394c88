"""PSWP state changes outside the ledger proper: external reports, PSES policy versions and
disclosures. Each writes its audit event (invariant 3); each is atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.pswp.bases import BASES, DisclosureRequest, check_disclosure
from openpso.pswp.ledger import mark_not_pswp
from openpso.pswp.models import Disclosure, ExternalReport, Obligation, PsesPolicy
from openpso.reporting.models import EventReport


class DisclosureInvalid(Exception):
    """The disclosure has no basis or misses a condition of its basis; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def build_external_report(
    *, report: EventReport, actor: Any, obligation: str, due_on: dt.date, obligation_detail: str = ""
) -> ExternalReport:
    """A mandatory report built from the event's original facts only, marked not PSWP.

    The narrative, free-text fields and anything from the PSES's deliberations are left out
    on purpose: 81 FR 32655 says external obligations must be met from non-PSWP records.
    What is copied are the original facts recorded at intake (what, when, where, harm, the
    patient's age and sex).
    """
    if obligation not in Obligation.values:
        raise ValueError(f"obligation: {obligation!r} is not one of {Obligation.values}")
    now = timezone.now()
    with transaction.atomic():
        external = ExternalReport.objects.create(
            provider_id=report.provider_id,
            source_report=report,
            obligation=obligation,
            obligation_detail=obligation_detail,
            due_on=due_on,
            event_type=report.event_type,
            categories=list(report.categories),
            discovered_at=report.discovered_at,
            unit_id=report.unit_id,
            harm=report.harm,
            patient_age_years=report.patient_age_years,
            patient_sex=report.patient_sex,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            pswp_status_at=now,
        )
        mark_not_pswp(
            artefact=external, actor=actor, reason=f"External obligation: {external.get_obligation_display()}"
        )
        record(
            actor=actor,
            action="external_report.created",
            object_type="pswp.externalreport",
            object_id=external.pk,
            organization_id=report.provider_id,
            purpose="external_obligation",
            detail={"obligation": obligation, "source_report": str(report.pk)},
        )
    return external


def add_policy_version(
    *,
    provider: Organization,
    actor: Any,
    effective_from: dt.date,
    what_enters: str,
    who_may_see: str,
    when_reported: str,
) -> PsesPolicy:
    """A new version of the provider's PSES policy; earlier versions stay as they were."""
    with transaction.atomic():
        # Lock the provider row so two editors cannot both take the same version number.
        Organization.objects.select_for_update().get(pk=provider.pk)
        last = PsesPolicy.objects.filter(provider=provider).order_by("-version").values_list("version", flat=True)
        version = (last.first() or 0) + 1
        policy = PsesPolicy(
            provider=provider,
            version=version,
            effective_from=effective_from,
            what_enters=what_enters.strip(),
            who_may_see=who_may_see.strip(),
            when_reported=when_reported.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=timezone.now(),
        )
        policy.save()
        record(
            actor=actor,
            action="pses_policy.versioned",
            object_type="pswp.psespolicy",
            object_id=policy.pk,
            organization_id=provider.pk,
            purpose="pses.policy",
            detail={"version": version, "effective_from": effective_from.isoformat()},
        )
    return policy


def disclose(
    *, provider: Organization, reports: Sequence[EventReport], actor: Any, request: DisclosureRequest
) -> Disclosure:
    """Record a release of PSWP outside the provider under a 42 CFR 3.206(b) basis.

    Refused (DisclosureInvalid, nothing saved) without a basis, with a condition of the basis
    unmet, or with a report that is not this provider's.
    """
    errors = check_disclosure(request)
    if not reports:
        errors["reports"] = "choose at least one report to disclose"
    if any(r.provider_id != provider.pk for r in reports):
        errors["reports"] = "only this provider's reports can be disclosed by it"
    if request.provider_slug != provider.slug:
        errors["provider"] = "the request names another provider"
    if errors:
        raise DisclosureInvalid(errors)
    with transaction.atomic():
        disclosure = Disclosure(
            provider=provider,
            report_ids=[str(r.pk) for r in reports],
            basis=request.basis,
            recipient_name=request.recipient_name.strip(),
            recipient_organization=request.recipient_organization.strip(),
            purpose=request.purpose.strip(),
            onward_use_limit=request.onward_use_limit.strip(),
            conditions=dict(request.conditions),  # type: ignore[misc]  # EncryptedJSONField holds JSON
            disclosed_by=actor if getattr(actor, "is_authenticated", False) else None,
            disclosed_at=timezone.now(),
        )
        disclosure.save()
        record(
            actor=actor,
            action="pswp.disclosed",
            object_type="pswp.disclosure",
            object_id=disclosure.pk,
            organization_id=provider.pk,
            purpose="disclosure",
            detail={
                "basis": request.basis,
                "paragraph": BASES[request.basis].paragraph,
                "reports": [str(r.pk) for r in reports],
            },
        )
    return disclosure
