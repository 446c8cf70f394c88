"""Coded answers to the Common Formats modules a demo report's categories call for.

A report filed through the form or the API gets its modules from its categories
(`reporting.modules.modules_of` → `commonformats.catalogue.modules_for`); the demo asks the
same function, so a demo fall carries the Fall module as a real one does. Each question that
applies under the definition's skip logic gets a valid answer code drawn from the report's own
`random.Random` (seeded from its id: the month's draws, and so the rest of the demo, stay as
they were). Free text, dates, identifying, hidden and supplemental items stay empty: the demo
never invents text that could read as an identifier (invariant 4), and never picks an answer
that would call for one (an "Other: please specify", a vaccine lot number).

Reporters of the last days before the anchor leave one or two required questions open now
and then, as frontline reporters do (`reporting.modules.check_answers` allows it at intake):
those reports wait at the provider until the safety team completes them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from functools import cache
from typing import Any

from openpso.commonformats.answers import condition_met, enabled, option_allowed
from openpso.commonformats.catalogue import form, modules_for
from openpso.commonformats.model import CODED_TYPES, AnswerOption, Condition, FormDefinition, Item, iter_items
from openpso.demo.scenario import MILD, MODERATE, NO_HARM, SEVERE

HERF = "cfer-h-1.2/herf"
_YES, _NO, _UNKNOWN = "A15", "A18", "UNK"
# Plausible values for the modules' counts (the definitions give no bounds).
_INTEGERS = {
    "HAI/device_days": (1, 21),
    "Perinatal/gestational_age": (24, 42),
    "Perinatal/birth_weight": (600, 4500),
    "Perinatal/apgar5": (0, 10),
}
# Share of recent reports filed with a required question open: those filed in the
# `INCOMPLETE_DAYS` before the anchor, all of which `demo.submissions` sends through the real
# action (its window is history.ACTIONS_WINDOW + submissions.SUBMISSION_DELAY, 19 days), which
# refuses them: they wait at the provider for the safety team.
INCOMPLETE_SHARE = 0.35
INCOMPLETE_DAYS = 14
_TRIES = 8
_HARMED = frozenset({MILD, MODERATE, SEVERE, "LA20747-4"})  # death too


@cache
def modules(categories: tuple[str, ...], provider_type: str) -> tuple[FormDefinition, ...]:
    """What the form would attach: `modules_for`, cached per category set (6,000 reports)."""
    return tuple(modules_for(categories=list(categories), provider_type=provider_type or None))


def context(*, event_type: str, categories: tuple[str, ...], anonymous: bool, sex: str) -> dict[str, Any]:
    """The HERF answers the report's columns hold, as `reporting.modules.core_context` gives them."""
    found: dict[str, Any] = {"HERF/DE3": event_type, "HERF/DE21": list(categories)}
    if sex:
        found["HERF/DE42"] = sex
    found["HERF/DE33"] = _YES if anonymous else _NO
    return found


def answer_modules(
    rng: random.Random,
    definitions: tuple[FormDefinition, ...],
    *,
    core: Mapping[str, Any],
    harm: str,
    leave_open: int = 0,
) -> dict[str, Any]:
    """Answers, by linkId, to every applicable answerable question of `definitions`, less
    `leave_open` required ones (chosen at random among those that apply)."""
    answers: dict[str, Any] = {}
    for definition in definitions:
        answers.update(_complete_answers(rng, definition, core=core, harm=harm))
    if leave_open:
        required = [k for k in answers if _is_required(definitions, k)]
        for key in rng.sample(required, min(leave_open, len(required))):
            answers.pop(key)
        _prune(definitions, answers, core)
    return answers


def _complete_answers(
    rng: random.Random, definition: FormDefinition, *, core: Mapping[str, Any], harm: str
) -> dict[str, Any]:
    """Answers with no required question open: where a required section could stay empty
    whatever is coded (medication details that only free text fills), draw again."""
    own, status = _answer(rng, definition, core=core, harm=harm)
    for _ in range(_TRIES):
        if not any(status.get(g.link_id) and not _any_answered(g, own) for g in _required_groups(definition.key)):
            break
        own, status = _answer(rng, definition, core=core, harm=harm)
    return own


@cache  # by key: hashing a whole definition on every call costs more than the lookup saves
def _required_groups(key: str) -> tuple[Item, ...]:
    definition = form(key)
    return tuple(i for i in iter_items(definition) if i.type == "group" and i.required)


def _any_answered(group: Item, answers: Mapping[str, Any]) -> bool:
    return any(i.link_id in answers for i in iter_items(group))


def _answer(
    rng: random.Random, definition: FormDefinition, *, core: Mapping[str, Any], harm: str
) -> tuple[dict[str, Any], dict[str, bool]]:
    """The answers, and whether each item applies, walking the form in order: an item's skip
    logic reads questions before it (the definitions' order), so each is evaluated once
    rather than re-walking its parents as `answers.enabled` does (6,000 reports)."""
    own: dict[str, Any] = {}
    status: dict[str, bool] = {}
    scope: dict[str, Any] = dict(core) if HERF in definition.depends_on else {}
    answerable = _answerable_ids(definition.key)
    for item in iter_items(definition):
        applies = _applies(definition, item, scope, status)
        status[item.link_id] = applies
        if not applies or item.link_id not in answerable:
            continue
        value = _value(rng, definition, item, scope, status, harm)
        if value is not None:
            own[item.link_id] = scope[item.link_id] = value
    return own, status


def _applies(definition: FormDefinition, item: Item, scope: Mapping[str, Any], status: dict[str, bool]) -> bool:
    if item.parent is not None and not status.get(item.parent, True):
        return False
    if not item.enable_when:
        return True
    if any(definition.has_item(c.question) and c.question not in status for c in item.enable_when):
        return enabled(item, scope, form=definition)  # reads a later question: ask the real thing
    results = [_holds(definition, c, scope, status) for c in item.enable_when]
    return all(results) if item.enable_behavior == "all" else any(results)


def _holds(definition: FormDefinition, condition: Condition, scope: Mapping[str, Any], status: dict[str, bool]) -> bool:
    """`answers._Evaluator.holds` for a question already walked (or another form's answer)."""
    question = condition.question
    if not definition.has_item(question) and question not in scope:
        return True  # as `answers` does for another form's answer it cannot see
    return condition_met(condition, scope.get(question) if status.get(question, True) else None)


@cache
def _answerable_ids(key: str) -> frozenset[str]:
    definition = form(key)
    return frozenset(i.link_id for i in _answerable(definition.key))


@cache
def _answerable(key: str) -> tuple[Item, ...]:
    definition = form(key)
    return tuple(
        item
        for item in iter_items(definition)
        if item.is_question
        and not (item.hidden or item.identifying or item.prefill or item.core is False)
        and (item.type in CODED_TYPES or item.type == "boolean" or item.link_id in _INTEGERS)
    )


@cache
def _forbidden(key: str) -> frozenset[tuple[str, str]]:
    """(question, code) pairs that would open a required question the demo leaves empty
    (free text or a date): never chosen, so a complete demo report stays complete."""
    definition = form(key)
    blocked: set[tuple[str, str]] = set()
    answerable = {i.link_id for i in _answerable(definition.key)}
    for item in iter_items(definition):
        if not item.is_question or not item.required or item.prefill or item.link_id in answerable:
            continue
        for condition in item.enable_when:
            if condition.operator == "=" and isinstance(condition.answer, str):
                blocked.add((condition.question, condition.answer))
            elif condition.operator == "in" and isinstance(condition.answer, tuple):
                blocked.update((condition.question, code) for code in condition.answer)
    return frozenset(blocked)


def _value(
    rng: random.Random,
    definition: FormDefinition,
    item: Item,
    scope: Mapping[str, Any],
    status: dict[str, bool],
    harm: str,
) -> Any:
    if item.type == "boolean":
        return rng.random() < 0.3
    if item.type == "integer":
        low, high = _INTEGERS[item.link_id]
        return rng.randint(low, high)
    forbidden = _forbidden(definition.key)
    options = [
        o
        for o in item.answers
        if not o.specify
        and (item.link_id, o.code) not in forbidden
        and (not o.enable_when or _option_allowed(definition, o, scope, status))
    ]
    if not options:
        return None
    code = _implied(item, harm, options) or _pick(rng, options)
    return [code] if item.repeats else code


def _option_allowed(
    definition: FormDefinition, option: AnswerOption, scope: Mapping[str, Any], status: dict[str, bool]
) -> bool:
    if any(definition.has_item(c.question) and c.question not in status for c in option.enable_when):
        return option_allowed(option, scope, form=definition)
    return all(_holds(definition, c, scope, status) for c in option.enable_when)


def _implied(item: Item, harm: str, options: list[AnswerOption]) -> str | None:
    """An answer the report's harm already gives (a fall with harm injured the patient)."""
    codes = {o.code for o in options}
    if item.link_id == "Fall/injury" and harm:
        wanted = _YES if harm in _HARMED else _NO if harm == NO_HARM else _UNKNOWN
        return wanted if wanted in codes else None
    return None


def _pick(rng: random.Random, options: list[AnswerOption]) -> str:
    # Reporters answer "Unknown" now and then, not as often as anything else.
    weights = [1 if o.code == _UNKNOWN else 6 for o in options]
    return rng.choices(options, weights=weights)[0].code


def _is_required(definitions: tuple[FormDefinition, ...], link_id: str) -> bool:
    return any(d.has_item(link_id) and d.item(link_id).required for d in definitions)


def _prune(definitions: tuple[FormDefinition, ...], answers: dict[str, Any], core: Mapping[str, Any]) -> None:
    """Drop answers whose question no longer applies once a question is left open."""
    for _ in range(10):
        dropped = False
        for definition in definitions:
            scope = {**core, **answers} if HERF in definition.depends_on else answers
            for item in _answerable(definition.key):
                if item.link_id in answers and not enabled(item, scope, form=definition):
                    answers.pop(item.link_id)
                    dropped = True
        if not dropped:
            return
