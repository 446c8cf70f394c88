"""Read a FHIR QuestionnaireResponse into answers for one of our forms.

Accepted: responses to our own exported Questionnaires, and to the renderings a definition
lists (HL7's HERF-1.2 and F8-1.2, and the LOINC-coded Medication form, whose linkIds and LOINC
answer codes are mapped onto ours). The answers are then validated like any others, and every
error names the offending item by the linkId the sender used (e.g. `HERF/DE3`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpso.commonformats.answers import OTHER_SUFFIX, UNKNOWN_CODE, UNKNOWN_LINK_ID, WRONG_TYPE, AnswerError, validate
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.fhir import LOINC, questionnaire_url
from openpso.commonformats.model import CODED_TYPES, FormDefinition, Item, Rendering

UNKNOWN_QUESTIONNAIRE = "unknown_questionnaire"
_US_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")  # the HL7 renderings' MM/DD/YYYY entry format
_HHMM = re.compile(r"(\d{2}):?(\d{2})")
_TEXT_TYPES = frozenset({"string", "text", "open-choice"})


@dataclass(frozen=True)
class ParsedResponse:
    form_key: str
    answers: dict[str, Any] = field(default_factory=dict)
    errors: list[AnswerError] = field(default_factory=list)


def identify(canonical: str) -> tuple[FormDefinition, Rendering | None] | None:
    """The form a `questionnaire` canonical (or identifier) answers, and through which rendering."""
    url = canonical.split("|", 1)[0]
    for definition in catalogue().values():
        if url in (questionnaire_url(definition), definition.key):
            return definition, None
        for rendering in definition.renderings:
            if url == rendering.url or url in rendering.identifiers:
                return definition, rendering
    return None


def parse_questionnaire_response(qr: Mapping[str, Any]) -> ParsedResponse:
    if qr.get("resourceType") != "QuestionnaireResponse":
        return ParsedResponse("", errors=[AnswerError("resourceType", WRONG_TYPE, "not a QuestionnaireResponse")])
    canonical = qr.get("questionnaire")
    found = identify(canonical) if isinstance(canonical, str) else None
    if found is None:
        message = "questionnaire is not one of the Common Formats forms this system knows"
        return ParsedResponse("", errors=[AnswerError("questionnaire", UNKNOWN_QUESTIONNAIRE, message)])
    definition, rendering = found
    reader = _Reader(definition, rendering)
    answers: dict[str, Any] = {}
    reader.walk(qr.get("item", []), answers)
    # An answer already refused while reading is not also reported missing.
    checked = [e for e in validate(definition, answers, ignore_prefill=True) if e.link_id not in reader.refused]
    return ParsedResponse(definition.key, answers, reader.errors + [reader.theirs(e) for e in checked])


class _Reader:
    def __init__(self, definition: FormDefinition, rendering: Rendering | None) -> None:
        self.form, self.rendering = definition, rendering
        self.errors: list[AnswerError] = []
        self.refused: set[str] = set()  # our linkIds of answers refused while reading

    def ours(self, link_id: str) -> str:
        return self.rendering.ours(link_id) if self.rendering else link_id

    def theirs(self, error: AnswerError) -> AnswerError:
        """The same error, named by the sender's linkId."""
        if self.rendering is None:
            return error
        base = error.link_id.removesuffix(OTHER_SUFFIX)
        theirs = self.rendering.theirs(error.link_id)
        if theirs == error.link_id and base != error.link_id:
            theirs = self.rendering.theirs(base) + OTHER_SUFFIX
        if theirs == error.link_id:
            return error
        return AnswerError(theirs, error.code, error.message.replace(error.link_id, f"{theirs} ({error.link_id})", 1))

    def walk(self, items: Any, target: dict[str, Any]) -> None:
        for entry in items if isinstance(items, list) else []:
            if isinstance(entry, Mapping):
                self.read(entry, target)

    def read(self, entry: Mapping[str, Any], target: dict[str, Any]) -> None:
        theirs = str(entry.get("linkId", ""))
        if self.rendering and theirs in self.rendering.ignore:
            self.walk(entry.get("item"), target)  # no counterpart here, but what it contains may have
            return
        ours = self.ours(theirs)
        base = ours.removesuffix(OTHER_SUFFIX)
        raw_answers = [a for a in entry.get("answer", []) if isinstance(a, Mapping)]
        item = self.form.item(base) if self.form.has_item(base) else None
        if item is None:
            if raw_answers:
                self.errors.append(
                    AnswerError(theirs, UNKNOWN_LINK_ID, f"{theirs} is not a question of {self.form.key}")
                )
            self.walk(entry.get("item"), target)  # a section we do not keep: read what it contains
            return
        if item.type == "group":
            if item.repeats:
                occurrence: dict[str, Any] = {}
                target.setdefault(item.link_id, []).append(occurrence)
                self.walk(entry.get("item"), occurrence)
            else:
                self.walk(entry.get("item"), target)
            return
        values = [v for a in raw_answers if (v := self.value(item, a, theirs, other=ours != base)) is not None]
        if values:
            target[ours] = self.collect(item, values, other=ours != base)
        for answer in raw_answers:
            self.walk(answer.get("item"), target)
        self.walk(entry.get("item"), target)

    def refuse(self, item: Item, error: AnswerError) -> None:
        self.errors.append(error)
        self.refused.add(item.link_id)

    def collect(self, item: Item, values: list[Any], *, other: bool) -> Any:
        if other or (not item.repeats and item.type in {"string", "text"} and len(values) > 1):
            return "\n".join(str(v) for v in values)  # e.g. HL7's HERF renders DE15 as repeating lines
        if item.repeats:
            return values
        return values[0] if len(values) == 1 else values  # several answers: validation says why

    def value(self, item: Item, answer: Mapping[str, Any], theirs: str, *, other: bool) -> Any:
        key = next((k for k in answer if k.startswith("value")), None)
        if key is None:
            return None
        raw = answer[key]
        if key == "valueCoding" and isinstance(raw, Mapping):
            return self.code(item, raw, theirs)
        if other or not isinstance(raw, str):
            return raw
        if item.type == "date" and (m := _US_DATE.fullmatch(raw)):
            return f"{m.group(3)}-{m.group(1)}-{m.group(2)}"
        if item.type == "time" and (m := _HHMM.fullmatch(raw)):
            return f"{m.group(1)}:{m.group(2)}"
        return raw

    def code(self, item: Item, coding: Mapping[str, Any], theirs: str) -> str | None:
        code = str(coding.get("code", ""))
        if item.type not in CODED_TYPES:
            self.refuse(item, AnswerError(theirs, WRONG_TYPE, f"{theirs} takes a {item.type}, not a coded answer"))
            return None
        loinc_coded = coding.get("system") == LOINC or (self.rendering is not None and self.rendering.coding == "loinc")
        if loinc_coded and code not in item.codes:
            option = item.answer_by_loinc(code)
            if option is None:
                offered = ", ".join(o.loinc for o in item.answers if o.loinc) or "none"
                message = f"{theirs}: LOINC answer {code!r} is not one of its answers ({offered})"
                self.refuse(item, AnswerError(theirs, UNKNOWN_CODE, message))
                return None
            return option.code
        return code
