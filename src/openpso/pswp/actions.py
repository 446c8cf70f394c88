"""PSWP state changes outside the ledger proper: external reports, PSES policy versions and
disclosures. Each writes its audit event (invariant 3); each is atomic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.pswp.bases import BASES, DisclosureRequest, Errors, check_disclosure, identified_providers, provider_key
from openpso.pswp.ledger import mark_not_pswp
from openpso.pswp.models import (
    AuthorizationReliance,
    Disclosure,
    ExternalReport,
    Obligation,
    ProviderAuthorization,
    PsesPolicy,
    retention_end,
)
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


def _resolve_earlier(provider: Organization, request: DisclosureRequest) -> tuple[DisclosureRequest, Errors]:
    """Authorisations already on file, given by id, as the records the basis check reads.

    Only this provider's own records can be relied on; an id it does not hold is refused the
    same way as one that does not exist.
    """
    entries = request.conditions.get("authorizations")
    if request.basis != "PROVIDER_AUTHORIZATION" or not isinstance(entries, list):
        return request, {}
    ids = [e["id"] for e in entries if isinstance(e, Mapping) and e.get("id") is not None]
    if not ids:
        return request, {}
    numeric = [i for i in ids if str(i).isdigit()]
    held = {str(a.pk): a for a in ProviderAuthorization.objects.filter(provider=provider, pk__in=numeric)}
    unknown = [str(i) for i in ids if str(i) not in held]
    if unknown:
        return request, {"authorizations": f"no authorisation {', '.join(unknown)} on file for this provider"}
    resolved: list[Any] = []
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("id") is not None:
            auth = held[str(entry["id"])]
            resolved.append(
                {
                    "id": auth.pk,
                    "kind": auth.identified_kind,
                    "provider": auth.identified_name,
                    "signer": auth.signed_by,
                    "signed_on": auth.signed_on.isoformat(),
                    "scope": auth.scope,
                    "document": auth.document_location,
                    "sha256": auth.document_sha256,
                }
            )
        else:
            resolved.append(entry)
    return dataclasses.replace(request, conditions={**request.conditions, "authorizations": resolved}), {}


def _record_authorizations(
    *,
    provider: Organization,
    actor: Any,
    entries: Sequence[Mapping[str, Any]],
    identified: Sequence[Mapping[str, str]],
    at: dt.datetime,
) -> list[ProviderAuthorization]:
    """The authorisations a disclosure relies on: those on file as they are, new ones saved."""
    roles = {provider_key(p["kind"], p["name"]): p.get("role", "") for p in identified}
    kept: list[ProviderAuthorization] = []
    for entry in entries:
        if entry.get("id") is not None:
            earlier = ProviderAuthorization.objects.get(pk=entry["id"], provider=provider)
            if earlier not in kept:
                kept.append(earlier)
            continue
        role = roles.get(provider_key(str(entry["kind"]), str(entry["provider"])), "")
        auth = ProviderAuthorization(
            provider=provider,
            identified_kind=entry["kind"],
            identified_name=" ".join(str(entry["provider"]).split()),
            identified_role=str(entry.get("role") or role).strip(),
            signed_by=str(entry["signer"]).strip(),
            signed_on=dt.date.fromisoformat(str(entry["signed_on"])),
            scope=str(entry["scope"]).strip(),
            document_location=str(entry["document"]).strip(),
            document_sha256=str(entry.get("sha256") or "").lower(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            recorded_at=at,
        )
        auth.save()
        record(
            actor=actor,
            action="pswp.authorization_recorded",
            object_type="pswp.providerauthorization",
            object_id=auth.pk,
            organization_id=provider.pk,
            purpose="disclosure",
        )
        kept.append(auth)
    return kept


def disclose(
    *, provider: Organization, reports: Sequence[EventReport], actor: Any, request: DisclosureRequest
) -> Disclosure:
    """Record a release of PSWP outside the provider under a 42 CFR 3.206(b) basis.

    Refused (DisclosureInvalid, nothing saved) without a basis, with a condition of the basis
    unmet, or with a report that is not this provider's. Under PROVIDER_AUTHORIZATION that
    includes a valid signed authorisation from every identified provider; each is stored (or,
    when already on file, relied on again) and its six-year retention runs from this disclosure.
    """
    request, errors = _resolve_earlier(provider, request)
    errors = check_disclosure(request) | errors
    if not reports:
        errors["reports"] = "choose at least one report to disclose"
    if any(r.provider_id != provider.pk for r in reports):
        errors["reports"] = "only this provider's reports can be disclosed by it"
    if request.provider_slug != provider.slug:
        errors["provider"] = "the request names another provider"
    if errors:
        raise DisclosureInvalid(errors)
    now = timezone.now()
    conditions: dict[str, Any] = dict(request.conditions)
    authorized = request.basis == "PROVIDER_AUTHORIZATION"
    with transaction.atomic():
        authorizations: list[ProviderAuthorization] = []
        if authorized:
            # The identified providers, roles included, go with the disclosure; the signed
            # authorisations are rows of their own, named here by id.
            identified = identified_providers(request)
            conditions["identified_providers"] = identified
            authorizations = _record_authorizations(
                provider=provider, actor=actor, entries=conditions.pop("authorizations"), identified=identified, at=now
            )
            conditions["authorization_ids"] = [a.pk for a in authorizations]
        disclosure = Disclosure(
            provider=provider,
            report_ids=[str(r.pk) for r in reports],
            basis=request.basis,
            recipient_name=request.recipient_name.strip(),
            recipient_organization=request.recipient_organization.strip(),
            purpose=request.purpose.strip(),
            onward_use_limit=request.onward_use_limit.strip(),
            conditions=conditions,  # type: ignore[misc]  # EncryptedJSONField holds JSON
            disclosed_by=actor if getattr(actor, "is_authenticated", False) else None,
            disclosed_at=now,
        )
        disclosure.save()
        detail: dict[str, Any] = {
            "basis": request.basis,
            "paragraph": BASES[request.basis].paragraph,
            "reports": [str(r.pk) for r in reports],
        }
        if authorized:
            detail["authorizations"] = [a.pk for a in authorizations]
        record(
            actor=actor,
            action="pswp.disclosed",
            object_type="pswp.disclosure",
            object_id=disclosure.pk,
            organization_id=provider.pk,
            purpose="disclosure",
            detail=detail,
        )
        relied_on = timezone.localdate(now)
        for auth in authorizations:
            reliance = AuthorizationReliance.objects.create(
                authorization=auth, disclosure=disclosure, relied_on=relied_on, retain_until=retention_end(relied_on)
            )
            record(
                actor=actor,
                action="pswp.authorization_relied_on",
                object_type="pswp.providerauthorization",
                object_id=auth.pk,
                organization_id=provider.pk,
                purpose="disclosure",
                detail={"disclosure": disclosure.pk, "retain_until": reliance.retain_until.isoformat()},
            )
    return disclosure
