"""A released event as a FHIR R5 AdverseEvent, one JSON line of an NDJSON file (Bulk Data output).

R5, not R4: R5 has `contributingFactor` and `mitigatingAction`, which carry the released RCA²
analysis (OpenPSO's contributing-factor codes, the RCA² action types with their strength and
status). Common Formats codes travel as in the R4 export (`commonformats.fhir` systems); the
event's time is `occurrenceDateTime` cut to the year (the month under release-ed/1); the patient
is contained, known by sex and age band only; an unsafe condition has no patient, and since R5
makes `subject` 1..1 its subject is a reference with a display alone. The provider is a
participant identified by its PSO-assigned code. Module answers go out in the CDA export only.
"""

from __future__ import annotations

from typing import Any

from openpso.commonformats.definitions import INCIDENT, UNSAFE_CONDITION, herf_core
from openpso.commonformats.factors import factor_item
from openpso.commonformats.fhir import AHRQ_ANSWER, LOINC, OPENPSO_EXTENSION
from openpso.commonformats.model import EXTENSION_CODE
from openpso.commonformats.rca2 import ACTION_HIERARCHY
from openpso.lake.exports.released import ReleasedEvent

EVENT_IDENTIFIER = "urn:openpso:pooled-event"  # + the PSO's slug: the pool's keyed event key
PROVIDER_CODE = "urn:openpso:pso-assigned-provider-code:"  # + the PSO's slug
RCA2_ACTION = "urn:openpso:codesystem:rca2-action"
PEER_ATTRIBUTE = "urn:openpso:codesystem:peer-attribute"
_EXT = "urn:openpso:fhir:extension:"
EXT_HARM = _EXT + "harm"
EXT_AGE_BAND = _EXT + "age-band"
EXT_RELEASE = _EXT + "release-profile"
EXT_PEER = _EXT + "peer-attribute"
EXT_STRENGTH = _EXT + "rca2-strength"
EXT_STATUS = _EXT + "rca2-status"
EXT_DUE = _EXT + "rca2-due"
EXT_IMPLEMENTED = _EXT + "rca2-implemented"
EXT_EXTENSION_CODE = _EXT + "extension-code"
_GENDER = {"M": "male", "F": "female", "UNK": "unknown"}
_ACTIONS = {code: label for code, label, _ in ACTION_HIERARCHY}


def adverse_event(event: ReleasedEvent, *, pso_slug: str) -> dict[str, Any]:
    herf = herf_core()
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": event.event_key,
        "identifier": [{"system": f"{EVENT_IDENTIFIER}:{pso_slug}", "value": event.event_key}],
        "status": "completed",
        "actuality": "actual" if event.event_type == INCIDENT else "potential",
        "category": [
            {"coding": [{"system": AHRQ_ANSWER, "code": code, "display": herf["DE21"].answer(code).display}]}
            for code in event.categories
            if code in herf["DE21"].codes
        ],
    }
    if not resource["category"]:
        del resource["category"]
    if event.event_type in herf["DE3"].codes:
        display = herf["DE3"].answer(event.event_type).display
        resource["code"] = {"coding": [{"system": AHRQ_ANSWER, "code": event.event_type, "display": display}]}
    if event.event_type == UNSAFE_CONDITION:
        resource["subject"] = {"display": "No patient: an unsafe condition"}
    else:
        resource["contained"] = [_patient(event)]
        resource["subject"] = {"reference": "#patient"}
    resource["occurrenceDateTime"] = event.period
    resource["participant"] = [
        {
            "function": {"text": "reporting provider (PSO-assigned provider code)"},
            "actor": {
                "type": "Organization",
                "identifier": {"system": PROVIDER_CODE + pso_slug, "value": event.provider},
            },
        }
    ]
    factors = _factors(event)
    if factors:
        resource["contributingFactor"] = factors
    if event.actions:
        resource["mitigatingAction"] = [_action(a) for a in event.actions]
    extensions: list[dict[str, Any]] = [{"url": EXT_RELEASE, "valueString": event.profile}]
    if event.harm in herf["PIF/harm"].codes:
        display = herf["PIF/harm"].answer(event.harm).display
        extensions.append({"url": EXT_HARM, "valueCoding": {"system": LOINC, "code": event.harm, "display": display}})
    for attribute in ("provider_type", "region"):
        value = getattr(event, attribute)
        if value:
            coding = {"system": PEER_ATTRIBUTE, "code": f"{attribute}:{value}"}
            extensions.append({"url": EXT_PEER, "valueCoding": coding})
    resource["extension"] = extensions
    return resource


def _patient(event: ReleasedEvent) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient"}
    if event.patient_sex:
        patient["gender"] = _GENDER.get(event.patient_sex, "unknown")
    if event.patient_age_band:
        patient["extension"] = [{"url": EXT_AGE_BAND, "valueString": event.patient_age_band}]
    return patient


def _factors(event: ReleasedEvent) -> list[dict[str, Any]]:
    item = factor_item()
    found = []
    for code in event.contributing_factors:
        if code not in item.codes:
            continue
        coding = {"system": OPENPSO_EXTENSION, "code": code, "display": item.answer(code).display}
        found.append(
            {
                "itemCodeableConcept": {"coding": [coding]},
                "extension": [{"url": EXT_EXTENSION_CODE, "valueString": EXTENSION_CODE}],
            }
        )
    return found


def _action(action: Any) -> dict[str, Any]:
    coding = {"system": RCA2_ACTION, "code": action.action_type, "display": _ACTIONS.get(action.action_type, "")}
    extensions: list[dict[str, Any]] = [
        {"url": EXT_STRENGTH, "valueCode": action.strength},
        {"url": EXT_STATUS, "valueCode": action.status},
    ]
    if action.due:
        extensions.append({"url": EXT_DUE, "valueString": action.due})
    if action.implemented:
        extensions.append({"url": EXT_IMPLEMENTED, "valueString": action.implemented})
    return {"itemCodeableConcept": {"coding": [coding]}, "extension": extensions}


def check(resource: dict[str, Any]) -> list[str]:
    """Problems the R5 AdverseEvent model finds, as "AdverseEvent.path: why" ([] if none)."""
    from fhir.resources.adverseevent import AdverseEvent  # the package's root models are R5
    from pydantic import ValidationError

    try:
        AdverseEvent.model_validate(resource)
    except ValidationError as error:
        return [
            "AdverseEvent." + ".".join(str(p) for p in problem["loc"] if p != "__root__") + f": {problem['msg']}"
            for problem in error.errors()
        ]
    return []
