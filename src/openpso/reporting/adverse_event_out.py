"""A report as a FHIR R4 AdverseEvent that `adverse_event` reads back to the same report.

The Common Formats categories go out as `category` codings in OpenPSO's AHRQ answer system (so
they come back exactly), next to the R4 category and SNOMED CT `event` the mapping table marks
for export; harm, anonymity, the narrative and an Other category's text travel in OpenPSO's
extensions (docs/interchange.md). An unsafe condition has no subject (R4 wants one: see
`adverse_event`). Module answers are not exported yet.
"""

from __future__ import annotations

from typing import Any

from openpso.commonformats.definitions import INCIDENT, UNSAFE_CONDITION, herf_core
from openpso.commonformats.fhir import AHRQ_ANSWER, LOINC
from openpso.reporting.adverse_event import (
    EXT_AGE,
    EXT_ANONYMOUS,
    EXT_CATEGORY_OTHER,
    EXT_DESCRIPTION,
    EXT_HARM,
    EXT_MAP_VERSION,
    REPORT_IDENTIFIER,
    UCUM,
    mapping,
)
from openpso.reporting.models import EventReport

_GENDER = {"M": "male", "F": "female", "UNK": "unknown"}
_PATIENT = "patient"


def adverse_event(report: EventReport) -> dict[str, Any]:
    herf = herf_core()
    table = mapping()
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": str(report.pk),
        "identifier": {"system": REPORT_IDENTIFIER, "value": str(report.pk)},
        "actuality": "actual" if report.event_type == INCIDENT else "potential",
        "category": _categories(report, table, herf),
    }
    event = _event(report, table)
    if event:
        resource["event"] = event
    if report.event_type != UNSAFE_CONDITION:
        resource["contained"] = [_patient(report)]
        resource["subject"] = {"reference": f"#{_PATIENT}"}
    resource["detected"] = report.discovered_at.isoformat()
    resource["recordedDate"] = report.reported_at.isoformat()
    if report.location_detail:
        resource["location"] = {"display": report.location_detail}
    extensions: list[dict[str, Any]] = [
        {"url": EXT_DESCRIPTION, "valueString": report.narrative},
        {"url": EXT_ANONYMOUS, "valueBoolean": bool(report.anonymous)},
        {"url": EXT_MAP_VERSION, "valueString": str(table["version"])},
    ]
    if report.category_other:
        extensions.append({"url": EXT_CATEGORY_OTHER, "valueString": report.category_other})
    if report.harm:
        display = herf["PIF/harm"].answer(report.harm).display
        extensions.append({"url": EXT_HARM, "valueCoding": {"system": LOINC, "code": report.harm, "display": display}})
        resource.update(_harm_elements(report.harm, table))
    resource["extension"] = extensions
    return resource


def _categories(report: EventReport, table: dict[str, Any], herf: Any) -> list[dict[str, Any]]:
    concepts = []
    for code in report.categories:
        codings = [{"system": AHRQ_ANSWER, "code": code, "display": herf["DE21"].answer(code).display}]
        rule = table["category"]
        codings += [
            {"system": rule["system"], "code": theirs, "display": entry["display"]}
            for theirs, entry in rule["codes"].items()
            if entry["category"] == code and entry.get("export")
        ]
        concepts.append({"coding": codings})
    return concepts


def _event(report: EventReport, table: dict[str, Any]) -> dict[str, Any] | None:
    rule = table["event"]
    codings = [
        {"system": rule["system"], "code": code, "display": entry["display"]}
        for code, entry in rule["codes"].items()
        if entry["category"] in report.categories and entry.get("export")
    ]
    return {"coding": codings} if codings else None


def _patient(report: EventReport) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": _PATIENT}
    if report.patient_sex:
        patient["gender"] = _GENDER.get(report.patient_sex, "unknown")
    if report.patient_age_years is not None:
        age = {"value": report.patient_age_years, "unit": "a", "system": UCUM, "code": "a"}
        patient["extension"] = [{"url": EXT_AGE, "valueAge": age}]
    return patient


def _harm_elements(harm: str, table: dict[str, Any]) -> dict[str, Any]:
    """The R4 elements that say the same as the harm scale, for systems that read only those."""
    out = {}
    for element, rule in table["harm"].items():
        code = next((theirs for theirs, ours in rule["codes"].items() if ours == harm), None)
        if code is not None and element != "seriousness":
            out[element] = {"coding": [{"system": rule["system"], "code": code}]}
    return out
