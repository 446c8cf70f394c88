"""Shared test helpers: the HL7 source files, synthetic answers, and responses built from an export."""

from __future__ import annotations

import json
from typing import Any

from openpso.commonformats.answers import enabled, option_allowed
from openpso.commonformats.catalogue import DATA_DIR
from openpso.commonformats.model import FormDefinition, Item

SDC = DATA_DIR / "hl7-sdc"
HERF_SDC = "Questionnaire-HERF-1.2.json"
F8_SDC = "Questionnaire-F8-1.2.json"
LOINC_SDC = "Questionnaire-questionnaire-sdc-profile-example-loinc.json"
SAMPLE_QR = "QuestionnaireResponse-questionnaireresponse-sdc-profile-example-loinc.json"

SAMPLE_VALUES: dict[str, Any] = {
    "string": "sample",
    "text": "A sample narrative.",
    "integer": 3,
    "decimal": 1.5,
    "date": "2024-05-01",
    "time": "13:45",
    "dateTime": "2024-05-01T13:45:00",
    "boolean": True,
}
FHIR_VALUE = {
    "string": "valueString",
    "text": "valueString",
    "open-choice": "valueString",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "date": "valueDate",
    "time": "valueTime",
    "dateTime": "valueDateTime",
    "boolean": "valueBoolean",
}


def sdc(name: str) -> dict[str, Any]:
    return json.loads((SDC / name).read_text(encoding="utf-8"))


def walk_fhir(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        out.append(item)
        out.extend(walk_fhir(item.get("item", [])))
    return out


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def sample_answers(form: FormDefinition, *, pick: str = "first") -> dict[str, Any]:
    """Answers to every question that applies, choosing the first (or last) answer allowed;
    answers that stop applying as others are filled in are dropped again."""
    answers: dict[str, Any] = {}
    for _ in range(6):
        _fill(form, form.items, answers, answers, pick)
        _prune(form, form.items, answers, answers)
    return answers


def _fill(
    form: FormDefinition, items: tuple[Item, ...], scope: dict[str, Any], context: dict[str, Any], pick: str
) -> None:
    for item in items:
        if not enabled(item, context, form=form):
            continue
        if item.type == "group" and item.repeats:
            occurrences = scope.setdefault(item.link_id, [{}])
            for occurrence in occurrences:
                _fill(form, item.items, occurrence, {**context, **occurrence}, pick)
            continue
        if item.is_question and item.link_id not in scope:
            scope[item.link_id] = _value(form, item, context, pick)
            option = (
                item.answer(scope[item.link_id][0] if item.repeats else scope[item.link_id]) if item.answers else None
            )
            if option is not None and option.specify:
                scope[item.link_id + ":other"] = "something else"
            context[item.link_id] = scope[item.link_id]
        _fill(form, item.items, scope, context, pick)


def _prune(form: FormDefinition, items: tuple[Item, ...], scope: dict[str, Any], context: dict[str, Any]) -> None:
    for item in items:
        if item.link_id in scope and not enabled(item, context, form=form):
            del scope[item.link_id]
            scope.pop(item.link_id + ":other", None)
            context.pop(item.link_id, None)
        elif item.type == "group" and item.repeats:
            for occurrence in scope.get(item.link_id, []):
                _prune(form, item.items, occurrence, {**context, **occurrence})
        _prune(form, item.items, scope, context)


def _value(form: FormDefinition, item: Item, context: dict[str, Any], pick: str) -> Any:
    if item.answers:
        allowed = [o for o in item.answers if option_allowed(o, context, form=form)]
        code = (allowed[0] if pick == "first" else allowed[-1]).code
        return [code] if item.repeats else code
    value = SAMPLE_VALUES[item.type]
    if isinstance(value, str) and item.max_length:
        value = value[: item.max_length]
    return [value] if item.repeats else value


def response_from_export(questionnaire: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """A QuestionnaireResponse to an exported Questionnaire, using the export's own codings."""
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "status": "completed",
        "item": _response_items(questionnaire["item"], answers),
    }


def _response_items(items: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        link_id, kind = item["linkId"], item["type"]
        if kind == "display":
            continue
        if kind == "group":
            occurrences = answers.get(link_id, []) if item.get("repeats") else [answers]
            for occurrence in occurrences:
                children = _response_items(item.get("item", []), occurrence)
                if children:
                    out.append({"linkId": link_id, "item": children})
            continue
        value = answers.get(link_id)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        fhir_answers = [_fhir_answer(item, v) for v in values]
        children = _response_items(item.get("item", []), answers)
        if children:
            fhir_answers[0]["item"] = children
        out.append({"linkId": link_id, "answer": fhir_answers})
    return out


def _fhir_answer(item: dict[str, Any], value: Any) -> dict[str, Any]:
    for option in item.get("answerOption", []):
        if option["valueCoding"]["code"] == value:
            return {"valueCoding": option["valueCoding"]}
    return {FHIR_VALUE[item["type"]]: value}
