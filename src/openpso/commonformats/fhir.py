"""Export a definition as a FHIR R4 Questionnaire.

AHRQ publishes no FHIR code-system URIs for its data-element and answer IDs (HL7's SDC
renderings use per-question `http://example.org/AHRQ/...` example URIs), and NEMSIS none we
could verify, so the systems below are OpenPSO URNs that say whose codes they carry. LOINC
codes use LOINC's own system. OpenPSO's own answer codes (OPSO-…) carry the system
`urn:openpso:codesystem:openpso-extension` and say in an extension that they are an OpenPSO
extension, not AHRQ Common Formats codes. OpenPSO extension modules and provisional
definitions are marked as such in the title, `useContext`, `status` and an extension, so no one
mistakes them for AHRQ Common Formats. The CFER-H v2.0 core flags go out as `core-provisional`:
our reading of v2.0, not AHRQ's designation.
"""

from __future__ import annotations

import re
from typing import Any

from openpso.commonformats.answers import OTHER_SUFFIX, describe
from openpso.commonformats.catalogue import find_item
from openpso.commonformats.model import EXTENSION_CODE, AnswerOption, Condition, FormDefinition, Item

LOINC = "http://loinc.org"
AHRQ_DATA_ELEMENT = "urn:openpso:codesystem:ahrq-data-element"
AHRQ_ANSWER = "urn:openpso:codesystem:ahrq-answer"
NEMSIS_ELEMENT = "urn:openpso:codesystem:nemsis-v3.5-element"
NEMSIS = "urn:openpso:codesystem:nemsis-v3.5"
# Was "urn:openpso:codesystem:provisional"; renamed so the URI itself says whose codes these are.
OPENPSO_EXTENSION = "urn:openpso:codesystem:openpso-extension"
FORM_KEY_SYSTEM = "urn:openpso:form"
QUESTIONNAIRE_BASE = "urn:openpso:questionnaire:"
ANSWER_SYSTEMS = {"ahrq": AHRQ_ANSWER, "loinc": LOINC, "nemsis": NEMSIS, "openpso": OPENPSO_EXTENSION}

# An OperationOutcome as the OpenAPI document describes it: every FHIR-speaking route refuses with one.
OPERATION_OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"const": "OperationOutcome"},
        "issue": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "severity": {"type": "string"},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string"},
                    "expression": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

_EXT = "urn:openpso:fhir:extension:"
EXT_EXTENSION_MODULE = _EXT + "extension-module"  # valueBoolean: OpenPSO's own, not AHRQ's
EXT_PROVISIONAL = _EXT + "provisional"  # valueBoolean: codes or wording not from an official source
EXT_IDENTIFYING = _EXT + "identifying"  # valueBoolean: encrypted, stripped before pooling
# valueBoolean: CFER-H v2.0 core (true) or supplemental (false), as we provisionally read v2.0.
EXT_CORE = _EXT + "core-provisional"
EXT_EXTENSION_CODE = _EXT + "extension-code"  # valueString: an OpenPSO code, not an AHRQ one
EXT_EXTERNAL_ENABLE_WHEN = _EXT + "external-enable-when"  # valueString: a condition on another form
EXT_OPTION_ENABLE_WHEN = _EXT + "option-enable-when"  # valueString: when this answer may be chosen
EXT_OPTION_LOINC = _EXT + "option-loinc"  # valueCoding: the LOINC answer code of an AHRQ answer
HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
_ENABLE_VALUE = {
    "boolean": "answerBoolean",
    "integer": "answerInteger",
    "decimal": "answerDecimal",
    "date": "answerDate",
}


def questionnaire_url(form: FormDefinition) -> str:
    return QUESTIONNAIRE_BASE + form.key


def answer_coding(option: AnswerOption) -> dict[str, str]:
    return {"system": ANSWER_SYSTEMS[option.system], "code": option.code, "display": option.display}


def to_fhir_questionnaire(form: FormDefinition, *, fhir_version: str = "R4") -> dict[str, Any]:
    if fhir_version != "R4":
        raise ValueError(f"FHIR version {fhir_version!r} is not supported; use 'R4'")
    title = form.title if not form.extension or "OpenPSO" in form.title else f"{form.title} (OpenPSO extension)"
    questionnaire: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": form.key.replace("/", "-"),
        "url": questionnaire_url(form),
        "identifier": [{"system": FORM_KEY_SYSTEM, "value": form.key}],
        "version": form.version,
        "name": _name(form),
        "title": title,
        "status": "draft" if form.provisional else "active",
        "subjectType": ["Patient"],
        "publisher": "OpenPSO" if form.extension else "OpenPSO, after the AHRQ Common Formats",
        "description": form.source,
    }
    extensions = [{"url": EXT_EXTENSION_MODULE, "valueBoolean": form.extension}]
    if form.provisional:
        extensions.append({"url": EXT_PROVISIONAL, "valueBoolean": True})
    questionnaire["extension"] = extensions
    if form.extension:
        questionnaire["useContext"] = [
            {
                "code": {"system": "http://terminology.hl7.org/CodeSystem/usage-context-type", "code": "program"},
                "valueCodeableConcept": {"text": "OpenPSO extension module - not an AHRQ Common Format"},
            }
        ]
    if form.loinc_panel:
        questionnaire["code"] = [{"system": LOINC, "code": form.loinc_panel}]
    questionnaire["item"] = [_item(form, item) for item in form.items]
    return questionnaire


def _name(form: FormDefinition) -> str:
    words = re.findall(r"[A-Za-z0-9]+", f"{form.family} {form.version} {form.form_id}")
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if name[:1].isalpha() else "Q" + name


def _item(form: FormDefinition, item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id}
    codes = [
        {"system": system, "code": code}
        for system, code in ((AHRQ_DATA_ELEMENT, item.de), (LOINC, item.loinc), (NEMSIS_ELEMENT, item.nemsis))
        if code
    ]
    if codes:
        out["code"] = codes
    if item.text:
        out["text"] = item.text
    out["type"] = item.type
    extensions = _item_extensions(item)
    clauses, external = _enable_when(form, item)
    extensions += [{"url": EXT_EXTERNAL_ENABLE_WHEN, "valueString": describe([c])} for c in external]
    if extensions:
        out["extension"] = extensions
    if clauses:
        out["enableWhen"] = clauses
        if len(clauses) > 1:
            any_of = item.enable_behavior == "any" or any(c.operator == "in" for c in item.enable_when)
            out["enableBehavior"] = "any" if any_of else "all"
    if item.required:
        out["required"] = True
    if item.repeats:
        out["repeats"] = True
    if item.max_length and item.type in {"string", "text", "open-choice"}:
        out["maxLength"] = item.max_length
    if item.answers:
        out["answerOption"] = [_option(option) for option in item.answers]
    children = [_help(item)] if item.help else []
    children += [_item(form, child) for child in item.items]
    children += _specify(item)
    if children:
        out["item"] = children
    return out


def _item_extensions(item: Item) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = []
    if item.hidden:
        extensions.append({"url": HIDDEN, "valueBoolean": True})
    if item.identifying:
        extensions.append({"url": EXT_IDENTIFYING, "valueBoolean": True})
    if item.core is not None:
        extensions.append({"url": EXT_CORE, "valueBoolean": item.core})
    if item.provisional:
        extensions.append({"url": EXT_PROVISIONAL, "valueBoolean": True})
    return extensions


def _option(option: AnswerOption) -> dict[str, Any]:
    out: dict[str, Any] = {"valueCoding": answer_coding(option)}
    extensions: list[dict[str, Any]] = []
    if option.loinc and option.system != "loinc":
        extensions.append({"url": EXT_OPTION_LOINC, "valueCoding": {"system": LOINC, "code": option.loinc}})
    if option.system == "openpso":
        extensions.append({"url": EXT_EXTENSION_CODE, "valueString": EXTENSION_CODE})
    if option.provisional:
        extensions.append({"url": EXT_PROVISIONAL, "valueBoolean": True})
    if option.enable_when:
        extensions.append({"url": EXT_OPTION_ENABLE_WHEN, "valueString": describe(option.enable_when)})
    if extensions:
        out["extension"] = extensions
    return out


def _help(item: Item) -> dict[str, Any]:
    control = {"coding": [{"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "help"}]}
    return {
        "linkId": f"{item.link_id}-help",
        "text": item.help,
        "type": "display",
        "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": control}],
    }


def _specify(item: Item) -> list[dict[str, Any]]:
    """ "Other: PLEASE SPECIFY" text as a child string item, as the LOINC rendering does."""
    others = [o for o in item.answers if o.specify]
    if not others:
        return []
    out: dict[str, Any] = {
        "linkId": item.link_id + OTHER_SUFFIX,
        "text": "Please specify",
        "type": "string",
        "required": True,
        "enableWhen": [{"question": item.link_id, "operator": "=", "answerCoding": answer_coding(o)} for o in others],
    }
    if len(others) > 1:
        out["enableBehavior"] = "any"
    return [out]


def _enable_when(form: FormDefinition, item: Item) -> tuple[list[dict[str, Any]], list[Condition]]:
    """FHIR clauses for the conditions on this form's questions; conditions on another form's
    questions (e.g. HERF/DE3 from a module) cannot be expressed and are returned apart."""
    clauses: list[dict[str, Any]] = []
    external: list[Condition] = []
    for condition in item.enable_when:
        target = find_item(form, condition.question)
        if target is None or not form.has_item(condition.question):
            external.append(condition)
            continue
        if condition.operator == "exists":
            clauses.append({"question": target.link_id, "operator": "exists", "answerBoolean": condition.answer})
            continue
        wanted = condition.answer if isinstance(condition.answer, tuple) else (condition.answer,)
        operator = "=" if condition.operator == "in" else condition.operator
        clauses += [{"question": target.link_id, "operator": operator, **_enable_value(target, w)} for w in wanted]
    return clauses, external


def _enable_value(target: Item, value: Any) -> dict[str, Any]:
    if target.answers:
        return {"answerCoding": answer_coding(target.answer(value))}
    return {_ENABLE_VALUE.get(target.type, "answerString"): value}
