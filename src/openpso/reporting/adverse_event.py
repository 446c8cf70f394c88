"""Reports from FHIR R4 AdverseEvents, in the shape the NHS's national service takes them.

`openpso import` and `POST /api/v1/fhir/AdverseEvent` both come through here:

- `actuality` actual = incident (A3); potential with a subject = near miss (A6); potential with
  no subject = unsafe condition (A9). R4 makes `subject` 1..1; an unsafe condition has no
  patient, so that one omission is accepted for a potential event (docs/interchange.md).
- the patient is a contained Patient with an age at the event (extension) and a gender, never
  a birth date, name or identifier;
- the event is a SNOMED CT `event` and R4 `category` codes, mapped to Common Formats categories
  through the versioned table `data/fhir-adverse-event-map.json`; Common Formats codes sent as
  `category` codings are taken as they are. A code the table lacks is not guessed: the category
  is Other with the original coding as its text, and the import is flagged;
- harm from our harm extension, else `outcome`, `severity`, `seriousness` (the table);
- the narrative from our description extension, else `event.text`; anonymity from an extension.

Every error names the element by FHIRPath (`AdverseEvent.actuality`) and says why. fhir.resources
is imported when a resource is read, not when Django starts (its models are heavy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, OTHER_CATEGORY, UNSAFE_CONDITION, herf_core
from openpso.commonformats.fhir import AHRQ_ANSWER
from openpso.organizations.models import Organization
from openpso.reporting.errors import field_errors
from openpso.reporting.schemas import FieldError, ReportIn

MAP_FILE = Path(__file__).with_name("data") / "fhir-adverse-event-map.json"
# OpenPSO's own extensions (docs/interchange.md): URNs under OpenPSO's namespace, so nobody
# mistakes them for HL7's or the NHS's.
_EXT = "urn:openpso:fhir:extension:"
EXT_HARM = _EXT + "harm"  # valueCoding: the Common Formats harm scale (LOINC LL2819-2 answer)
EXT_ANONYMOUS = _EXT + "anonymous"  # valueBoolean: the reporter chose to stay anonymous (DE33)
EXT_DESCRIPTION = _EXT + "description"  # valueString: the reporter's narrative (DE15)
EXT_CATEGORY_OTHER = _EXT + "category-other"  # valueString: DE21 'Other: please specify'
EXT_AGE = _EXT + "age-at-event"  # valueAge on the contained Patient (UCUM a, mo, wk or d)
EXT_MAP_VERSION = _EXT + "mapping-version"  # valueString: the mapping table's version used
ADVERSE_EVENT_FORMAT = "fhir-r4-adverse-event"  # names the source in the import's audit event
REPORT_IDENTIFIER = "urn:openpso:report"  # the system of an exported report's identifier
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
_DAYS_PER = {"a": 365.25, "mo": 30.4375, "wk": 7.0, "d": 1.0}
_GENDER = {"male": "M", "female": "F", "unknown": "UNK", "other": "UNK"}
_IDENTIFYING = ("birthDate", "name", "identifier", "telecom", "address", "photo", "contact")
UNKNOWN_HARM = "LA4489-6"


@dataclass(frozen=True)
class Issue:
    """One OperationOutcome issue: the element (FHIRPath), a FHIR issue-type code, why."""

    expression: str
    code: str
    message: str


class AdverseEventInvalid(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.expression}: {i.message}" for i in issues))
        self.issues = issues


@dataclass
class Imported:
    """A report ready to file, the key that makes a resend idempotent, and codes to flag."""

    data: ReportIn
    source_key: str
    unmapped: list[str] = field(default_factory=list)


@cache
def mapping() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return table


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": i.code, "diagnostics": i.message, "expression": [i.expression]}
            for i in issues
        ],
    }


def read_documents(text: str) -> list[Any]:
    """A JSON document, or NDJSON (one resource a line); raises ValueError if it is neither."""
    try:
        return [json.loads(text)]
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise
        return [json.loads(line) for line in lines]


def entries(document: Any, *, where: str = "") -> Iterator[tuple[str, Any]]:
    """(FHIRPath of the resource, resource) for a resource or each entry of a Bundle."""
    if isinstance(document, Mapping) and document.get("resourceType") == "Bundle":
        listed = document.get("entry")
        if not isinstance(listed, list):
            yield f"{where}Bundle.entry", None
            return
        for index, entry in enumerate(listed):
            resource = entry.get("resource") if isinstance(entry, Mapping) else None
            yield f"{where}Bundle.entry[{index}].resource", resource
    else:
        yield where.rstrip("."), document


def source_key(provider: Organization, resource: Mapping[str, Any]) -> str:
    """One AdverseEvent from one provider: its identifier (system + value), else its content."""
    identifier = resource.get("identifier")
    if isinstance(identifier, Mapping) and identifier.get("value"):
        basis = f"fhir-adverse-event\x00{provider.pk}\x00{identifier.get('system', '')}|{identifier['value']}"
    else:
        basis = f"fhir-adverse-event\x00{provider.pk}\x00" + json.dumps(resource, sort_keys=True, default=str)
    return hashlib.sha256(basis.encode()).hexdigest()


def report_from_adverse_event(resource: Any, *, provider: Organization, path: str = "AdverseEvent") -> Imported:
    """The report an R4 AdverseEvent describes; raises AdverseEventInvalid naming each element."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "AdverseEvent":
        raise AdverseEventInvalid([Issue(path or "AdverseEvent", "not-supported", "only AdverseEvent is accepted")])
    reader = _Reader(resource, path or "AdverseEvent")
    data = reader.read(provider)
    if reader.issues:
        raise AdverseEventInvalid(reader.issues)
    try:
        report = ReportIn.model_validate(data)
    except ValidationError as exc:
        raise AdverseEventInvalid([reader.issue_for(e) for e in field_errors(exc)]) from None
    return Imported(report, source_key(provider, resource), reader.unmapped)


def issues_from(errors: list[FieldError], path: str = "AdverseEvent") -> list[Issue]:
    """Errors of the report's own checks (ReportIn, actions) as FHIR issues."""
    return [Issue(_element_of(e.field, path), "invalid", e.message) for e in errors]


# Where each report field comes from in the resource, to name it in an error.
_ELEMENT = {
    "event_type": "actuality",
    "categories": "category",
    "category_other": f"extension('{EXT_CATEGORY_OTHER}')",
    "discovered_at": "detected",
    "narrative": "event.text",
    "location_detail": "location.display",
    "patient_age_years": f"contained.ofType(Patient).extension('{EXT_AGE}')",
    "patient_sex": "contained.ofType(Patient).gender",
    "harm": "outcome",
    "anonymous": f"extension('{EXT_ANONYMOUS}')",
}


def _element_of(report_field: str, path: str) -> str:
    head = report_field.split(".", 1)[0]
    return f"{path}.{_ELEMENT[head]}" if head in _ELEMENT else path


def _fhirpath(loc: tuple[Any, ...], path: str) -> str:
    out = path
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class _Reader:
    def __init__(self, resource: Mapping[str, Any], path: str) -> None:
        self.resource, self.path = resource, path
        self.issues: list[Issue] = []
        self.unmapped: list[str] = []
        self.sources: dict[str, str] = {}  # report field -> the element it was read from

    def issue(self, element: str, code: str, message: str) -> None:
        self.issues.append(Issue(f"{self.path}.{element}" if element else self.path, code, message))

    def issue_for(self, error: FieldError) -> Issue:
        head = error.field.split(".", 1)[0]
        element = self.sources.get(head)
        where = f"{self.path}.{element}" if element else _element_of(error.field, self.path)
        return Issue(where, "invalid", error.message)

    def read(self, provider: Organization) -> dict[str, Any]:
        self._validate_r4()
        if self.issues:
            return {}
        r = self.resource
        patient = self._patient()
        event_type = self._event_type(patient is not None)
        categories, other = self._categories()
        data: dict[str, Any] = {
            "provider": provider.slug,
            "event_type": event_type,
            "categories": categories,
            "category_other": _extension(r, EXT_CATEGORY_OTHER, "valueString") or other,
            "discovered_at": self._discovered_at(),
            "narrative": self._narrative(),
            "location_detail": _get(r, "location", "display") or "",
            "harm": self._harm() if event_type == INCIDENT else "",
            "anonymous": bool(_extension(r, EXT_ANONYMOUS, "valueBoolean")),
        }
        if patient is not None:
            data["patient_sex"] = _GENDER.get(str(patient.get("gender", "")), "")
            data["patient_age_years"] = self._age(patient)
        return data

    def _validate_r4(self) -> None:
        from fhir.resources.R4B.adverseevent import AdverseEvent  # heavy: only when a resource comes in

        potential = self.resource.get("actuality") == "potential"
        contained = self.resource.get("contained")
        for index, item in enumerate(contained if isinstance(contained, list) else []):
            if not isinstance(item, Mapping) or not isinstance(item.get("resourceType"), str):
                # fhir.resources fails with a TypeError on such an entry instead of naming it.
                self.issue(f"contained[{index}]", "structure", "each contained resource needs its resourceType")
        if self.issues:
            return
        try:
            AdverseEvent.model_validate(dict(self.resource))
        except (TypeError, KeyError, AttributeError):
            # fhir.resources' own failure on a shape it does not expect: refused, never a 500.
            self.issue("", "structure", "cannot be read as an R4 AdverseEvent")
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error.get("loc", ()))
                if potential and loc == ("subject",) and error["type"] == "missing":
                    continue  # an unsafe condition has no patient (see the module's docstring)
                message = "not an element of R4 AdverseEvent" if error["type"] == "extra_forbidden" else error["msg"]
                self.issues.append(Issue(_fhirpath(loc, self.path), _issue_code(error["type"]), message))

    def _patient(self) -> Mapping[str, Any] | None:
        subject = self.resource.get("subject")
        if not isinstance(subject, Mapping):
            return None
        reference = str(subject.get("reference", ""))
        contained = self.resource.get("contained") or []
        if not reference.startswith("#"):
            self.issue("subject", "not-supported", "send the patient as a contained Patient (reference '#id')")
            return None
        for index, item in enumerate(contained):
            if isinstance(item, Mapping) and item.get("id") == reference[1:]:
                if item.get("resourceType") != "Patient":
                    self.issue(f"contained[{index}]", "invalid", "the subject must be a Patient")
                    return None
                for key in _IDENTIFYING:
                    if key in item:
                        self.issue(
                            f"contained[{index}].{key}",
                            "security",
                            "identifies the patient: send the age at the event and the gender only",
                        )
                self.sources["patient_age_years"] = f"contained[{index}].extension('{EXT_AGE}')"
                self.sources["patient_sex"] = f"contained[{index}].gender"
                if "gender" in item and item["gender"] not in _GENDER:
                    self.issue(f"contained[{index}].gender", "code-invalid", "use male, female, other or unknown")
                return item
        self.issue("subject.reference", "not-found", f"no contained resource has the id {reference[1:]!r}")
        return None

    def _event_type(self, has_patient: bool) -> str:
        actuality = self.resource.get("actuality")
        if actuality == "actual":
            return INCIDENT  # R4 requires its subject: a missing one is already named
        if actuality == "potential":
            return NEAR_MISS if has_patient else UNSAFE_CONDITION
        self.issue(
            "actuality", "code-invalid", "use actual (an incident) or potential (a near miss or unsafe condition)"
        )
        return ""

    def _categories(self) -> tuple[list[str], str]:
        table = mapping()
        de21 = herf_core()["DE21"].codes
        ours: list[str] = []
        mapped: list[str] = []
        unmapped: list[tuple[str, Mapping[str, Any]]] = []
        for index, concept in enumerate(self.resource.get("category") or []):
            for place, coding in enumerate(_codings(concept)):
                where = f"category[{index}].coding[{place}]"
                system, code = coding.get("system"), str(coding.get("code", ""))
                if system == AHRQ_ANSWER:
                    if code not in de21:
                        self.issue(where, "code-invalid", f"{code!r} is not a Common Formats category (DE21 A42-A66)")
                    ours.append(code)
                elif system == table["category"]["system"] and code in table["category"]["codes"]:
                    mapped.append(table["category"]["codes"][code]["category"])
                else:
                    unmapped.append((where, coding))
        for place, coding in enumerate(_codings(self.resource.get("event"))):
            system, code = coding.get("system"), str(coding.get("code", ""))
            if system == table["event"]["system"] and code in table["event"]["codes"]:
                mapped.append(table["event"]["codes"][code]["category"])
            else:
                unmapped.append((f"event.coding[{place}]", coding))
        if ours:  # Common Formats codes sent as such are the sender's own classification
            return list(dict.fromkeys(ours)), ""
        self.unmapped = [f"{c.get('system', '')}|{c.get('code', '')}" for _, c in unmapped]
        if mapped:
            return list(dict.fromkeys(mapped)), ""
        if not unmapped:
            self.issue("event", "required", "say what happened: a SNOMED CT event or a category")
            return [], ""
        # Not guessed: Other, with the original coding kept as the category's text.
        self.sources["categories"] = unmapped[0][0]
        kept = "; ".join(_coding_words(c) for _, c in unmapped)
        return [OTHER_CATEGORY], f"Unmapped FHIR coding: {kept}"[:200]

    def _discovered_at(self) -> Any:
        for element in ("detected", "date", "recordedDate"):
            value = self.resource.get(element)
            if isinstance(value, str) and value:
                self.sources["discovered_at"] = element
                try:  # without an offset it stays naive: ReportIn reads it in the provider's zone
                    return dt.datetime.fromisoformat(value)
                except ValueError:
                    self.issue(element, "value", "give a full date (YYYY-MM-DD), with the time if known")
                    return None
        self.issue("detected", "required", "say when the event was discovered (detected, or date)")
        return None

    def _narrative(self) -> str:
        described = _extension(self.resource, EXT_DESCRIPTION, "valueString")
        if described:
            self.sources["narrative"] = f"extension('{EXT_DESCRIPTION}')"
            return str(described)
        text = _get(self.resource, "event", "text")
        if not text:
            self.issue(
                "event.text", "required", f"describe what happened (event.text, or the {EXT_DESCRIPTION} extension)"
            )
        return str(text or "")

    def _harm(self) -> str:
        coding = _extension(self.resource, EXT_HARM, "valueCoding")
        if isinstance(coding, Mapping):
            self.sources["harm"] = f"extension('{EXT_HARM}')"
            return str(coding.get("code", ""))
        for element, rule in mapping()["harm"].items():
            for coding in _codings(self.resource.get(element)):
                if coding.get("system") == rule["system"] and coding.get("code") in rule["codes"]:
                    self.sources["harm"] = element
                    return str(rule["codes"][coding["code"]])
        return UNKNOWN_HARM

    def _age(self, patient: Mapping[str, Any]) -> int | None:
        age = _extension(patient, EXT_AGE, "valueAge")
        if not isinstance(age, Mapping):
            return None
        unit = age.get("code")
        value = age.get("value")
        if (
            age.get("system", UCUM) != UCUM
            or unit not in _DAYS_PER
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            where = self.sources["patient_age_years"]
            self.issue(where, "value", "give the age as a UCUM quantity in a, mo, wk or d")
            return None
        return int(value * _DAYS_PER[str(unit)] // 365.25)


def _issue_code(pydantic_type: str) -> str:
    if pydantic_type == "missing":
        return "required"
    if pydantic_type == "extra_forbidden":
        return "structure"
    return "value"


def _codings(concept: Any) -> list[Mapping[str, Any]]:
    if not isinstance(concept, Mapping):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, Mapping)]


def _coding_words(coding: Mapping[str, Any]) -> str:
    display = f" {coding['display']}" if coding.get("display") else ""
    return f"{coding.get('system', '')}|{coding.get('code', '')}{display}"


def _extension(element: Mapping[str, Any], url: str, value: str) -> Any:
    for extension in element.get("extension") or []:
        if isinstance(extension, Mapping) and extension.get("url") == url:
            return extension.get(value)
    return None


def _get(element: Mapping[str, Any], *keys: str) -> Any:
    value: Any = element
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value
