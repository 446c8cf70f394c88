"""PSWP state changes outside the ledger proper: external reports, PSES policy versions and
disclosures. Each writes its audit event (invariant 3); each is atomic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization, Unit
from openpso.pswp.bases import BASES, DisclosureRequest, Errors, check_disclosure, identified_providers, provider_key
from openpso.pswp.events import PswpAction
from openpso.pswp.ledger import mark_not_pswp
from openpso.pswp.models import (
    ORIGINAL_FACTS,
    REQUIRED_FACTS,
    AuthorizationReliance,
    Disclosure,
    ExternalReport,
    Obligation,
    PatientSex,
    ProviderAuthorization,
    PsesPolicy,
    fact_label,
    retention_end,
)
from openpso.pswp.records import ProviderRecord


class DisclosureInvalid(Exception):
    """The disclosure has no basis or misses a condition of its basis; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ExternalReportInvalid(Exception):
    """The external report names no original record, lacks a fact its obligation needs, or
    names another provider's unit; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class OriginalFacts:
    """The facts of an event as the provider's staff enter them from original records.

    Nothing here is read from an event report or any other PSES record: this is the only
    input `build_external_report` takes facts from (81 FR 32655).
    """

    agency_category: str = ""
    event_description: str = ""
    discovered_at: dt.datetime | None = None
    unit: Unit | None = None
    outcome: str = ""
    patient_age_years: int | None = None
    patient_sex: str = ""

    def given(self) -> list[str]:
        """The names of the facts entered (a blank text, no unit or no age is not entered)."""
        return [f for f in ORIGINAL_FACTS if getattr(self, f) not in (None, "")]


def _external_errors(provider: Organization, obligation: str, source: str, facts: OriginalFacts) -> dict[str, str]:
    errors: dict[str, str] = {}
    if obligation not in Obligation.values:
        errors["obligation"] = f"{obligation!r} is not one of {', '.join(Obligation.values)}"
    if not source.strip():
        errors["source"] = (
            "name the original records the facts come from (e.g. the medical record and chart note); "
            "an external obligation cannot be met from PSWP (81 FR 32655)"
        )
    given = set(facts.given())
    for name in REQUIRED_FACTS.get(obligation, ()):
        if name not in given:
            errors[name] = f"this obligation needs it ({fact_label(name)}), from the original records"
    if facts.unit is not None and facts.unit.provider_id != provider.pk:
        errors["unit"] = "this unit is not one of the provider's units"
    if facts.patient_sex and facts.patient_sex not in PatientSex.values:
        errors["patient_sex"] = f"one of {', '.join(PatientSex.values)}"
    return errors


def build_external_report(
    *,
    provider: Organization,
    actor: Actor | None,
    obligation: str,
    due_on: dt.date,
    source: str,
    facts: OriginalFacts,
    obligation_detail: str = "",
) -> ExternalReport:
    """A mandatory report (state, FDA, accreditor) from original records, marked not PSWP.

    81 FR 32655: external obligations are met from records kept outside the PSES. Every fact
    is one the user entered from original records (`facts`), `source` names those records,
    and nothing is read from, or linked to, an event report. Refused (ExternalReportInvalid,
    nothing saved) without a source or without a fact the obligation needs.
    """
    errors = _external_errors(provider, obligation, source, facts)
    if errors:
        raise ExternalReportInvalid(errors)
    now = timezone.now()
    with transaction.atomic():
        external = ExternalReport.objects.create(
            provider=provider,
            obligation=obligation,
            obligation_detail=obligation_detail.strip(),
            due_on=due_on,
            source=source.strip(),
            agency_category=facts.agency_category.strip(),
            event_description=facts.event_description.strip(),
            discovered_at=facts.discovered_at,
            unit=facts.unit,
            outcome=facts.outcome.strip(),
            patient_age_years=facts.patient_age_years,
            patient_sex=facts.patient_sex,
            created_by=user_row(actor) if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            pswp_status_at=now,
        )
        mark_not_pswp(
            artefact=external,
            actor=actor,
            reason=f"External obligation ({external.get_obligation_display()}) met from original records",
        )
        # Which facts were entered, by name only: the values may identify the patient.
        record(
            actor=actor,
            action=PswpAction.EXTERNAL_REPORT_CREATED,
            object_type=object_type_of(external),
            object_id=external.pk,
            organization_id=provider.pk,
            purpose="external_obligation",
            detail={"obligation": obligation, "facts": facts.given()},
        )
    return external


def add_policy_version(
    *,
    provider: Organization,
    actor: Actor | None,
    effective_from: dt.date,
    what_enters: str,
    who_may_see: str,
    when_reported: str,
    non_pses_purposes: str = "",
) -> PsesPolicy:
    """A new version of the provider's PSES policy; earlier versions stay as they were.

    `non_pses_purposes`: one purpose a line for which the provider collects information
    outside the PSES (81 FR 32655), which intake may then record as not PSWP from the start."""
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
            non_pses_purposes="\n".join(p.strip() for p in non_pses_purposes.splitlines() if p.strip()),
            created_by=user_row(actor) if getattr(actor, "is_authenticated", False) else None,
            created_at=timezone.now(),
        )
        policy.save()
        record(
            actor=actor,
            action=PswpAction.PSES_POLICY_VERSIONED,
            object_type=object_type_of(policy),
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
    actor: Actor | None,
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
            recorded_by=user_row(actor) if getattr(actor, "is_authenticated", False) else None,
            recorded_at=at,
        )
        auth.save()
        record(
            actor=actor,
            action=PswpAction.AUTHORIZATION_RECORDED,
            object_type=object_type_of(auth),
            object_id=auth.pk,
            organization_id=provider.pk,
            purpose="disclosure",
        )
        kept.append(auth)
    return kept


def disclose(
    *, provider: Organization, reports: Sequence[ProviderRecord], actor: Actor | None, request: DisclosureRequest
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
            disclosed_by=user_row(actor) if getattr(actor, "is_authenticated", False) else None,
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
            action=PswpAction.DISCLOSED,
            object_type=object_type_of(disclosure),
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
                action=PswpAction.AUTHORIZATION_RELIED_ON,
                object_type=object_type_of(auth),
                object_id=auth.pk,
                organization_id=provider.pk,
                purpose="disclosure",
                detail={"disclosure": disclosure.pk, "retain_until": reliance.retain_until.isoformat()},
            )
    return disclosure
