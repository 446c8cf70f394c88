"""The 42 CFR 3.206(b) disclosure bases and the conditions each one sets.

Codes and paragraphs are those of `reference/regulatory-notes.md` §2.2 (codes ours,
paragraph numbers [verify against eCFR]). One validation function per basis checks the
conditions the notes spell out; conditions the notes mark [verify] are asked for as an
attestation and flagged `verify=True` here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Basis:
    code: str
    paragraph: str
    label: str
    conditions: str
    # What the `reference` field must name for this basis (None: not asked).
    reference: str | None = None
    # A statement the discloser must confirm (None: not asked).
    attestation: str | None = None
    # The recipient's onward-use limit must be recorded.
    needs_onward_limit: bool = False
    verify: bool = False

    @classmethod
    def all(cls) -> list[Basis]:
        return list(BASES.values())


BASES: dict[str, Basis] = {
    b.code: b
    for b in [
        Basis(
            "CRIMINAL_PROCEEDING",
            "3.206(b)(1)",
            "Criminal proceeding",
            "A court found in camera that the PSWP contains evidence of a criminal act, is material, "
            "and is not reasonably available elsewhere. Stays privileged but is no longer confidential.",
            reference="the court's in-camera determination (case and order number)",
            attestation="The court made the in-camera determination described above.",
        ),
        Basis(
            "EQUITABLE_RELIEF",
            "3.206(b)(2)",
            "Equitable relief for a reporter",
            "Only to the extent required for equitable relief for a reporter against an adverse "
            "employment action, and only under a protective order of the court or tribunal.",
            reference="the protective order (court and order number)",
        ),
        Basis(
            "PROVIDER_AUTHORIZATION",
            "3.206(b)(3)",
            "Authorised by each identified provider",
            "A signed written authorisation from each identified provider, detailed enough to inform "
            "of the nature and scope of the disclosure; retained for six years from the last "
            "disclosure made under it and produced to the Secretary on request (3.206(b)(3)(ii)).",
        ),
        Basis(
            "PSA_PROVIDER_PSO",
            "3.206(b)(4)(i)",
            "Patient safety activities: provider and PSO",
            "For patient safety activities, between a provider and a PSO.",
        ),
        Basis(
            "PSA_CONTRACTOR",
            "3.206(b)(4)(ii)",
            "Patient safety activities: contractor",
            "To a contractor of the provider or PSO, for patient safety activities; the contractor may "
            "not further disclose except back to the entity it got it from.",
            reference="the contract with the contractor",
            needs_onward_limit=True,
        ),
        # (b)(4)(iii), patient safety activities among affiliated providers, per the regulatory
        # notes §2.2; (b)(9) is BUSINESS_OPERATIONS (below). Every citation of PSA_AFFILIATED in
        # code, pages and docs names (b)(4)(iii); some once said (b)(9), which is not this basis.
        Basis(
            "PSA_AFFILIATED",
            "3.206(b)(4)(iii)",
            "Patient safety activities: affiliated providers",
            "Among affiliated providers, for patient safety activities.",
            attestation="The recipient is a provider affiliated with ours (common ownership or control) [verify].",
            verify=True,
        ),
        Basis(
            "PSA_OTHER_PSO_OR_PROVIDER",
            "3.206(b)(4)(iv)",
            "Patient safety activities: another PSO or provider",
            "Only with the 13 direct provider identifiers removed and patient information reduced to a "
            "HIPAA limited data set (45 CFR 164.514(e)(2)).",
            attestation=(
                "The 13 direct identifiers of every provider, and of their affiliates, workforce and "
                "household members, are removed, and patient data is a HIPAA limited data set."
            ),
        ),
        Basis(
            "NONIDENTIFIABLE",
            "3.206(b)(5)",
            "Non-identifiable PSWP",
            "Non-identified per 42 CFR 3.212; once disclosed it is no longer privileged or confidential.",
            reference="the non-identification run or expert determination (3.212)",
            attestation="The PSWP disclosed was non-identified under 42 CFR 3.212.",
        ),
        Basis(
            "RESEARCH",
            "3.206(b)(6)",
            "Research sanctioned by the Secretary",
            "To research, evaluation or demonstration projects authorised, funded, certified or otherwise "
            "sanctioned by the Secretary; with individually identifiable health information only as the "
            "HIPAA Privacy Rule permits for research (45 CFR 164.512(i): IRB or privacy-board waiver).",
            reference="the Secretary's sanction (grant, contract or certification)",
        ),
        Basis(
            "FDA",
            "3.206(b)(7)",
            "FDA or an entity required to report to FDA",
            "By a provider to the FDA (or an entity required to report to it) about the quality, safety or "
            "effectiveness of an FDA-regulated product or activity; recipients may further disclose only "
            "for that purpose.",
            reference="the FDA-regulated product or activity concerned",
            needs_onward_limit=True,
        ),
        Basis(
            "ACCREDITING_BODY",
            "3.206(b)(8)",
            "Accrediting body",
            "Voluntarily, to an accrediting body that accredits this provider; the accreditor may not "
            "further disclose or act against the provider for good-faith PSO participation; other "
            "identified providers consent or are de-identified [verify].",
            attestation=(
                "The recipient accredits this provider, and other identified providers consented "
                "or are de-identified [verify]."
            ),
            needs_onward_limit=True,
            verify=True,
        ),
        Basis(
            "BUSINESS_OPERATIONS",
            "3.206(b)(9)",
            "Business operations (attorneys, accountants, other professionals)",
            "To attorneys, accountants and other professionals for business operations; recipients may "
            "not further disclose.",
            needs_onward_limit=True,
        ),
        Basis(
            "LAW_ENFORCEMENT",
            "3.206(b)(10)",
            "Law enforcement",
            "To law-enforcement authorities about an event that is, or is reasonably believed to be, a "
            "crime; the discloser reasonably believes the PSWP is necessary for criminal-law-enforcement "
            "purposes; the recipient may use it only for law enforcement.",
            attestation="I reasonably believe this PSWP is necessary for criminal-law-enforcement purposes.",
            needs_onward_limit=True,
        ),
        Basis(
            "SECRETARY",
            "3.206(d), 3.210",
            "The Secretary (HHS)",
            "To HHS for compliance investigations, civil money penalties or PSO listing decisions; "
            "mandatory on request.",
            reference="the Secretary's request (letter or case number)",
        ),
    ]
}
BASIS_CODES = frozenset(BASES)


@dataclass(frozen=True)
class DisclosureRequest:
    """What the discloser entered; `conditions` holds the basis-specific evidence."""

    basis: str
    provider_slug: str
    recipient_name: str
    recipient_organization: str
    purpose: str
    onward_use_limit: str = ""
    conditions: Mapping[str, Any] = field(default_factory=dict)


Errors = dict[str, str]
Check = Callable[[DisclosureRequest], Errors]


def _common(basis: Basis) -> Check:
    """The data-driven part: reference, attestation and onward-use limit where the basis asks."""

    def check(req: DisclosureRequest) -> Errors:
        errors: Errors = {}
        if basis.reference and not str(req.conditions.get("reference", "")).strip():
            errors["reference"] = f"{basis.code} ({basis.paragraph}) needs {basis.reference}"
        if basis.attestation and req.conditions.get("attested") is not True:
            errors["attested"] = f"{basis.code} ({basis.paragraph}) needs you to confirm: {basis.attestation}"
        if basis.needs_onward_limit and not req.onward_use_limit.strip():
            errors["onward_use_limit"] = f"{basis.code} ({basis.paragraph}) needs the recipient's onward-use limit"
        return errors

    return check


IDENTIFIED_KINDS = ("organization", "clinician")
AUTHORIZATION_FIELDS = ("signer", "signed_on", "scope", "document")
_HEX = frozenset("0123456789abcdef")


def provider_key(kind: str, name: str) -> tuple[str, str]:
    """How an identified provider is matched to its authorisation: kind and name, case and
    spacing ignored (a clinician need not be a user, so a name is all there is)."""
    return (kind, " ".join(str(name).split()).casefold())


def _label(kind: str, name: str) -> str:
    return f"{'clinician' if kind == 'clinician' else 'organisation'} \u201c{' '.join(str(name).split())}\u201d"


def identified_providers(req: DisclosureRequest) -> list[dict[str, str]]:
    """Every provider the PSWP identifies: this provider always, then those the discloser named."""
    stated = req.conditions.get("identified_providers") or []
    found = [{"kind": "organization", "name": req.provider_slug, "role": ""}]
    seen = {provider_key("organization", req.provider_slug)}
    for entry in stated if isinstance(stated, list) else []:
        if isinstance(entry, Mapping):
            key = provider_key(str(entry.get("kind", "")), str(entry.get("name", "")))
            if key not in seen:
                seen.add(key)
                found.append({k: str(entry.get(k, "")).strip() for k in ("kind", "name", "role")})
    return found


def authorization_problem(entry: Mapping[str, Any]) -> str | None:
    """Why one authorisation record is not valid under 3.206(b)(3), or None when it is."""
    if str(entry.get("kind", "")) not in IDENTIFIED_KINDS:
        return "say whether the provider is an organisation or a clinician"
    if not str(entry.get("provider", "")).strip():
        return "missing provider"
    missing = [k for k in AUTHORIZATION_FIELDS if not str(entry.get(k, "")).strip()]
    if missing:
        return f"missing {', '.join(missing)}"
    try:
        signed_on = dt.date.fromisoformat(str(entry["signed_on"]))
    except ValueError:
        return "signed_on is not a date (YYYY-MM-DD)"
    if signed_on > timezone.localdate():
        return "signed in the future"
    digest = str(entry.get("sha256", "") or "").lower()
    if digest and (len(digest) != 64 or not set(digest) <= _HEX):
        return "sha256 is not 64 hexadecimal digits"
    return None


def _authorizations(req: DisclosureRequest) -> Errors:
    """3.206(b)(3): a valid signed authorisation from each identified provider — this one, the
    other organisations and each clinician the PSWP names — and none from anyone else."""
    errors: Errors = {}
    stated = req.conditions.get("identified_providers") or []
    if not isinstance(stated, list) or not all(
        isinstance(e, Mapping) and e.get("kind") in IDENTIFIED_KINDS and str(e.get("name", "")).strip() for e in stated
    ):
        errors["identified_providers"] = (
            "each identified provider needs its kind (organisation or clinician) and its name"
        )
        return errors
    entries = req.conditions.get("authorizations") or []
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        return {"authorizations": "authorisations: not a list of records"}
    identified = identified_providers(req)
    wanted = {provider_key(p["kind"], p["name"]): p for p in identified}
    own = provider_key("organization", req.provider_slug)
    covered: set[tuple[str, str]] = set()
    problems: list[str] = []
    own_problems: list[str] = []
    for entry in entries:
        key = provider_key(str(entry.get("kind", "")), str(entry.get("provider", "")))
        who = _label(*key) if key[1] else "an authorisation"
        problem = authorization_problem(entry)
        if problem:
            (own_problems if key == own else problems).append(f"{who}: {problem}")
        elif key not in wanted:
            problems.append(f"{who} is not among the identified providers")
        else:
            covered.add(key)
    if problems:
        errors["authorizations"] = "; ".join(problems)
    if own_problems or own not in covered:
        errors["own_authorization"] = "; ".join(own_problems) or (
            "PROVIDER_AUTHORIZATION (3.206(b)(3)): this provider's own signed authorisation is missing"
        )
    missing = [_label(p["kind"], p["name"]) for key, p in wanted.items() if key not in covered and key != own]
    if missing:
        message = "PROVIDER_AUTHORIZATION (3.206(b)(3)): no signed authorisation from " + ", ".join(missing)
        errors["authorizations"] = f"{errors['authorizations']}; {message}" if "authorizations" in errors else message
    return errors


def _research(req: DisclosureRequest) -> Errors:
    # 45 CFR 164.512(i): identifiable health information goes to research only under a waiver.
    if req.conditions.get("contains_iihi") is True and not str(req.conditions.get("hipaa_reference", "")).strip():
        return {
            "hipaa_reference": (
                "RESEARCH (3.206(b)(6)) with identifiable health information needs the IRB or "
                "privacy-board waiver (45 CFR 164.512(i))"
            )
        }
    return {}


def _recipient(req: DisclosureRequest) -> Errors:
    # BUSINESS_OPERATIONS and every other basis: a disclosure names who received it.
    errors: Errors = {}
    if not req.recipient_name.strip():
        errors["recipient_name"] = "name the person who receives the PSWP"
    if not req.recipient_organization.strip():
        errors["recipient_organization"] = "name the recipient's organisation"
    if not req.purpose.strip():
        errors["purpose"] = "state the purpose of the disclosure"
    return errors


_EXTRA: dict[str, Check] = {"PROVIDER_AUTHORIZATION": _authorizations, "RESEARCH": _research}


def _validator(basis: Basis) -> Check:
    extra = _EXTRA.get(basis.code)
    common = _common(basis)

    def check(req: DisclosureRequest) -> Errors:
        errors = _recipient(req) | common(req)
        if extra:
            errors |= extra(req)
        return errors

    return check


# One validation function per basis.
VALIDATORS: dict[str, Check] = {code: _validator(basis) for code, basis in BASES.items()}


def check_disclosure(req: DisclosureRequest) -> Errors:
    """Errors by field name; empty when the basis and all its conditions are satisfied."""
    if req.basis not in BASES:
        return {"basis": "choose the 42 CFR 3.206(b) basis of this disclosure; none means no disclosure"}
    return VALIDATORS[req.basis](req)
