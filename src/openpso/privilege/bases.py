"""What a PSO may disclose under 42 CFR 3.206, and the checks that differ from a provider's.

The bases, their conditions and the common checks are `openpso.pswp.bases`; this module
narrows the list to those a PSO can use and adds what the PSO side asks for besides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from openpso.pswp.bases import BASES, DisclosureRequest, Errors, check_disclosure

# 3.206(b)(7) (FDA), (b)(8) (accrediting body) and (b)(4)(iii) (affiliated providers) are
# disclosures *by a provider* in the Rule's words; a PSO cannot rely on them. [verify] We read
# "by a provider" in (b)(7) and (b)(8) as excluding a PSO and treat affiliation as a relation
# between providers; if counsel reads them wider, add the codes back here.
PROVIDER_ONLY_BASES = frozenset({"FDA", "ACCREDITING_BODY", "PSA_AFFILIATED"})
PSO_BASIS_CODES = frozenset(BASES) - PROVIDER_ONLY_BASES

# HIPAA 164.528 accounting: disclosures for research (164.512(i)), law enforcement
# (164.512(f)) and to FDA-regulated entities (164.512(b)(1)(iii)) are not among the
# exclusions of 164.528(a)(1), so each patient identified is accounted for. [verify] Court-
# ordered (164.512(e)) and required-by-law disclosures (to the Secretary) are accountable in
# HIPAA's terms as well; we keep them out of this list until counsel confirms.
ACCOUNTABLE_BASES = frozenset({"RESEARCH", "LAW_ENFORCEMENT", "FDA"})


def accounting_required(basis: str) -> bool:
    return basis in ACCOUNTABLE_BASES


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _pso_extras(req: DisclosureRequest, *, patients: Sequence[str], today: dt.date) -> Errors:
    """The PSO side's own conditions, on top of the basis's."""
    errors: Errors = {}
    conditions: Mapping[str, Any] = req.conditions
    if req.basis == "RESEARCH":
        # The PSO hands over what it pooled from many providers: it must say whether patients
        # can be identified, and an identifiable set goes only under a documented IRB or
        # privacy-board waiver with its date (45 CFR 164.512(i)(2)).
        if conditions.get("contains_iihi") not in (True, False):
            errors["contains_iihi"] = (
                "RESEARCH (3.206(b)(6)) from a PSO: say whether the PSWP contains individually identifiable "
                "health information"
            )
        elif conditions.get("contains_iihi") is True:
            approved = _date(conditions.get("irb_approved_on"))
            if approved is None:
                errors["irb_approved_on"] = (
                    "RESEARCH (3.206(b)(6)) with identifiable health information needs the date the IRB or "
                    "privacy board approved the waiver (45 CFR 164.512(i)(2)(i))"
                )
            elif approved > today:
                errors["irb_approved_on"] = "the IRB or privacy-board approval cannot be dated in the future"
    if req.basis == "PSA_CONTRACTOR":
        # 3.206(b)(4)(ii): the contractor is bound by contract not to disclose further; the PSO
        # keeps the contract's date, and the contract must be in force when it discloses.
        signed = _date(conditions.get("contract_signed_on"))
        if signed is None:
            errors["contract_signed_on"] = (
                "PSA_CONTRACTOR (3.206(b)(4)(ii)) needs the date the contractor signed its agreement with the PSO"
            )
        elif signed > today:
            errors["contract_signed_on"] = "the contractor's agreement cannot be signed in the future"
    if accounting_required(req.basis):
        identifies = conditions.get("identifies_patients")
        if identifies not in (True, False):
            errors["identifies_patients"] = (
                f"{req.basis} ({BASES[req.basis].paragraph}) is accounted for under HIPAA (45 CFR 164.528): "
                "say whether the PSWP identifies patients"
            )
        elif identifies is True and not patients:
            errors["patients"] = (
                "list each patient identified (one opaque reference a line) for the HIPAA accounting (164.528)"
            )
        elif identifies is False and patients:
            errors["patients"] = "no patients are identified, so list none"
        if identifies is True and req.basis == "RESEARCH" and conditions.get("contains_iihi") is False:
            errors["contains_iihi"] = "the PSWP identifies patients, so it contains identifiable health information"
        if identifies is True and not req.provider_slug:
            errors["provider"] = "choose the member whose patients are identified: the accounting is that provider's"
    elif patients:
        errors["patients"] = (
            f"{req.basis} is not accounted for per patient (HIPAA accounting is kept for "
            f"{', '.join(sorted(ACCOUNTABLE_BASES))}); list no patients"
        )
    return errors


def check_pso_disclosure(req: DisclosureRequest, *, patients: Sequence[str], today: dt.date) -> Errors:
    """Errors by field name for a PSO's disclosure; empty when it may be logged."""
    if req.basis in PROVIDER_ONLY_BASES:
        paragraph = BASES[req.basis].paragraph
        return {"basis": f"{req.basis} ({paragraph}) is a disclosure by a provider; a PSO cannot rely on it"}
    if req.basis == "PROVIDER_AUTHORIZATION" and not req.provider_slug:
        return {"provider": "PROVIDER_AUTHORIZATION (3.206(b)(3)): choose the member whose PSWP is disclosed"}
    # The provider-side checks read the provider's own slug as "this provider"; for a PSO that
    # is the member whose PSWP it is (for pooled PSWP there is none, and nothing reads it).
    errors = check_disclosure(dataclasses.replace(req, provider_slug=req.provider_slug or "-"))
    if "basis" in errors:
        return errors
    return errors | _pso_extras(req, patients=patients, today=today)
