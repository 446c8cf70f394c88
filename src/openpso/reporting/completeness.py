"""Whether a report's module answers are complete, and their problems in words (docs/decisions/0013).

Module questions are optional at intake (`reporting.modules.check_answers`: a frontline
reporter may leave them to the safety team) and required at submission to the PSO. Both the
safety team's pages and `submissions.document` ask here, about the effective answers
(`reporting.queries.effective_answers`), so the page that says "ready" and the submission
that refuses agree. Every message names the question by its text and the module by its
title; the linkId stays in `link_id` for machines and anchors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpso.commonformats.answers import (
    CONTRADICTORY,
    OTHER_SUFFIX,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_CODE,
    UNKNOWN_LINK_ID,
    AnswerError,
    enabled,
    validate,
)
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.model import FormDefinition, Item, iter_items
from openpso.reporting.models import EventReport
from openpso.reporting.module_forms import field_name
from openpso.reporting.schemas import FieldError

HERF = "cfer-h-1.2/herf"
_YES, _NO = "A15", "A18"  # HERF DE33 (anonymous) answers, for skip logic only
_KINDS = {
    "integer": "a whole number",
    "decimal": "a number",
    "date": "a date (YYYY-MM-DD)",
    "time": "a time (HH:MM)",
    "dateTime": "a date and time",
    "boolean": "yes or no",
    "string": "text",
    "text": "text",
}


@dataclass(frozen=True)
class MissingAnswer:
    """A required question left open, named for people."""

    link_id: str
    question: str
    module_key: str
    module_title: str

    @property
    def anchor(self) -> str:
        """The question's id on the completion page (`_field.html` names it `field-<name>`)."""
        return anchor_of(self.link_id)

    @property
    def words(self) -> str:
        return f"“{self.question}” ({self.module_title})"


def anchor_of(link_id: str) -> str:
    return "field-" + field_name(link_id.removesuffix(OTHER_SUFFIX))


def context_of(report: EventReport) -> dict[str, Any]:
    """The HERF answers the report's columns hold, by linkId, for cross-form skip logic."""
    context: dict[str, Any] = {
        "HERF/DE3": report.event_type,
        "HERF/DE21": list(report.categories),
        "HERF/DE33": _YES if report.anonymous else _NO,
    }
    if report.patient_sex:
        context["HERF/DE42"] = report.patient_sex
    return context


def modules_of(report: EventReport) -> list[FormDefinition]:
    return [catalogue()[key] for key in report.modules if key in catalogue()]


def _own(definition: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if definition.has_item(k.removesuffix(OTHER_SUFFIX))}


def _problems(report: EventReport, answers: Mapping[str, Any]) -> list[tuple[FormDefinition, AnswerError]]:
    context = context_of(report)
    found: list[tuple[FormDefinition, AnswerError]] = []
    for definition in modules_of(report):
        own = _own(definition, answers)
        given = {**context, **own} if HERF in definition.depends_on else own
        found.extend((definition, problem) for problem in validate(definition, given, ignore_prefill=True))
    return found


def question_text(definition: FormDefinition, link_id: str) -> str:
    bare = link_id.removesuffix(OTHER_SUFFIX)
    if not definition.has_item(bare):
        return link_id
    text = definition.item(bare).text or bare
    return f"{text} — please say what" if link_id.endswith(OTHER_SUFFIX) else text


def _to_answer(definition: FormDefinition, link_id: str) -> str:
    """The question to answer for a required item: itself, or for a required group without
    text of its own (e.g. the Medication form's 'medication details') its first required
    question, so the list names words and links to a field, never a group's linkId."""
    if not definition.has_item(link_id):
        return link_id
    group = definition.item(link_id)
    if group.type != "group" or group.text:
        return link_id
    questions = [item for item in iter_items(group) if item.is_question]
    first = next((item for item in questions if item.required), questions[0] if questions else None)
    return first.link_id if first is not None else link_id


def missing_answers(report: EventReport, answers: Mapping[str, Any]) -> list[MissingAnswer]:
    """Every required question of the report's modules left open, in module and form order."""
    missing: list[MissingAnswer] = []
    listed: set[str] = set()
    for definition, problem in _problems(report, answers):
        if problem.code != REQUIRED:
            continue
        link_id = _to_answer(definition, problem.link_id)
        # A group's own questions are often listed too (they are required inside it).
        if link_id in listed or (link_id != problem.link_id and _listed_inside(definition, problem.link_id, listed)):
            continue
        listed.add(link_id)
        missing.append(
            MissingAnswer(
                link_id=link_id,
                question=question_text(definition, link_id),
                module_key=definition.key,
                module_title=definition.title,
            )
        )
    return missing


def _listed_inside(definition: FormDefinition, group_link_id: str, listed: set[str]) -> bool:
    return any(item.link_id in listed for item in iter_items(definition.item(group_link_id)))


def problems_in_words(report: EventReport, answers: Mapping[str, Any]) -> list[FieldError]:
    """What is wrong with the answers other than being incomplete, each naming the question."""
    return [
        FieldError(
            field=f"answers.{problem.link_id}",
            code=problem.code,
            message=f"{question_text(definition, problem.link_id)} ({definition.title}): "
            + _reason(definition, problem),
        )
        for definition, problem in _problems(report, answers)
        if problem.code != REQUIRED
    ]


def _reason(definition: FormDefinition, problem: AnswerError) -> str:
    bare = problem.link_id.removesuffix(OTHER_SUFFIX)
    item: Item | None = definition.item(bare) if definition.has_item(bare) else None
    if problem.code == UNKNOWN_CODE:
        return "that answer is not one of its choices"
    if problem.code == TOO_LONG and item is not None:
        return f"the answer is too long (at most {item.max_length} characters)"
    if problem.code == UNKNOWN_LINK_ID:
        return "not a question of this report's modules"
    if problem.code == CONTRADICTORY:
        if problem.link_id.endswith(OTHER_SUFFIX):
            return "the text is only for an 'Other' answer, and none is chosen"
        return "this question does not apply given the other answers (or that choice is not allowed with them)"
    if item is not None and item.type in _KINDS:
        return f"the answer must be {_KINDS[item.type]}"
    return "the answer is not valid"


def prune_inapplicable(report: EventReport, answers: Mapping[str, Any]) -> dict[str, Any]:
    """`answers` without the module answers whose question no longer applies (skip logic), as
    the form's script does in the browser: a corrected "No injury" removes the injury type."""
    pruned = dict(answers)
    context = context_of(report)
    for _ in range(10):  # showing or hiding one question can change another; stop when stable
        gone = []
        for definition in modules_of(report):
            scope = {**context, **pruned}
            for item in iter_items(definition):
                if item.is_question and item.link_id in pruned and not enabled(item, scope, form=definition):
                    gone.append(item.link_id)
        if not gone:
            break
        for link_id in gone:
            pruned.pop(link_id, None)
            pruned.pop(link_id + OTHER_SUFFIX, None)
    return pruned


def module_link_ids(report: EventReport) -> set[str]:
    """The linkIds (and their ":other" keys) the safety team may complete or correct."""
    keys: set[str] = set()
    for definition in modules_of(report):
        for item in iter_items(definition):
            if item.is_question and not item.hidden:
                keys.update({item.link_id, item.link_id + OTHER_SUFFIX})
    return keys
