"""Skip logic and validation of answers against a definition.

`answers` maps link_id → value: a code for a choice, a list of codes where the item repeats,
a code or free text for an open-choice (with "Other: PLEASE SPECIFY" text under
"<link_id>:other"), str, int, float, bool, or an ISO 8601 string for date/time/dateTime. A
repeating group takes a list of such mappings, one per occurrence; answered flat (its
questions' answers beside the others) it counts as one occurrence.

Error messages name the item and the reason but never echo free text, which may hold PHI
(invariant 4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpso.commonformats.catalogue import catalogue, find_item
from openpso.commonformats.loader import CODE_PATTERNS
from openpso.commonformats.model import CODED_TYPES, AnswerOption, Condition, FormDefinition, Item, iter_items

Answers = Mapping[str, Any]
OTHER_SUFFIX = ":other"

UNKNOWN_LINK_ID, UNKNOWN_CODE, WRONG_TYPE = "unknown_link_id", "unknown_code", "wrong_type"
TOO_LONG, CONTRADICTORY, REQUIRED = "too_long", "contradictory", "required"

_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
_SAFE_TO_ECHO = re.compile(r"[A-Za-z0-9.-]{1,24}")


@dataclass(frozen=True)
class AnswerError:
    link_id: str
    code: str  # one of the constants above
    message: str


def enabled(item: Item, answers: Answers, *, form: FormDefinition | None = None) -> bool:
    """Whether the item applies given the answers: its own enable_when holds, and so does every
    enclosing item's. Answers to questions that do not apply count as absent. For an item in a
    repeating group, pass the outer answers merged with that occurrence's."""
    return _Evaluator(form or _form_of(item), answers).enabled(item)


def option_allowed(option: AnswerOption, answers: Answers, *, form: FormDefinition) -> bool:
    """Whether an answer may be chosen given the other answers (e.g. Fall only for an incident)."""
    return _Evaluator(form, answers).holds_all(option.enable_when)


def validate(form: FormDefinition, answers: Answers, *, ignore_prefill: bool = False) -> list[AnswerError]:
    """Every problem with the answers, in form order; an empty list means they are valid.

    `ignore_prefill`: do not require the items the system fills (Event ID, report dates), for
    answers about to be completed by the caller, e.g. on import."""
    errors: list[AnswerError] = []
    answers = _nest_single_occurrences(form, answers)
    _check_keys(form, form.items, answers, errors, top=True)
    _Validator(form, errors, ignore_prefill=ignore_prefill).items(form.items, answers, answers)
    return errors


def _nest_single_occurrences(form: FormDefinition, answers: Answers) -> dict[str, Any]:
    out = dict(answers)
    for group in iter_items(form):
        if group.type == "group" and group.repeats and group.link_id not in out:
            inside = {i.link_id for i in iter_items(group)}
            keys = [k for k in out if k.removesuffix(OTHER_SUFFIX) in inside]
            if keys:
                out[group.link_id] = [{k: out.pop(k) for k in keys}]
    return out


def describe(conditions: Iterable[Condition], behavior: str = "all") -> str:
    """Skip logic in words, for error messages: "Medication/DE270 = A1200"."""
    return (" and " if behavior == "all" else " or ").join(_describe(c) for c in conditions)


def _describe(condition: Condition) -> str:
    if condition.operator == "exists":
        return f"{condition.question} {'is answered' if condition.answer else 'is not answered'}"
    answer = condition.answer
    value = ", ".join(answer) if isinstance(answer, tuple) else str(answer)
    return f"{condition.question} {condition.operator} {value}"


def _form_of(item: Item) -> FormDefinition:
    return catalogue()[item.form_key]


class _Evaluator:
    def __init__(self, form: FormDefinition, answers: Answers) -> None:
        self.form, self.answers = form, answers

    def enabled(self, item: Item) -> bool:
        form = self.form if item.form_key == self.form.key else _form_of(item)
        if item.parent is not None and not self.enabled(form.item(item.parent)):
            return False
        if not item.enable_when:
            return True
        results = [self.holds(c) for c in item.enable_when]
        return all(results) if item.enable_behavior == "all" else any(results)

    def holds_all(self, conditions: Iterable[Condition]) -> bool:
        return all(self.holds(c) for c in conditions)

    def holds(self, condition: Condition) -> bool:
        target = find_item(self.form, condition.question)
        if target is None:
            return False
        # A module validated on its own cannot see another form's answers (e.g. HERF/DE3):
        # a condition on one that is absent neither enables nor blocks.
        if not self.form.has_item(condition.question) and condition.question not in self.answers:
            return True
        return condition_met(condition, self.answers.get(condition.question) if self.enabled(target) else None)


def condition_met(condition: Condition, value: Any) -> bool:
    """Whether one enableWhen condition holds for the answer `value` (None when unanswered or
    when its question is itself disabled); FHIR's operators exists, =, != and our `in`."""
    values = _atoms(value)
    wanted = condition.answer
    if condition.operator == "exists":
        return bool(values) == wanted
    if condition.operator == "in":
        return isinstance(wanted, tuple) and any(v in wanted for v in values)
    matched = any(v == wanted for v in values)
    return matched if condition.operator == "=" else not matched


def _atoms(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def _check_keys(
    form: FormDefinition, items: tuple[Item, ...], scope: Answers, errors: list[AnswerError], *, top: bool
) -> None:
    allowed = {i.link_id for i in _flatten(items)}
    for key in scope:
        base = key.removesuffix(OTHER_SUFFIX)
        if key in allowed or (key != base and base in allowed):
            continue
        if top and not form.has_item(base) and find_item(form, base) is not None:
            continue  # context from a form the skip logic reads, e.g. HERF/DE3 for a module
        errors.append(AnswerError(key, UNKNOWN_LINK_ID, f"{key} is not a question of {form.key}"))


def _flatten(items: tuple[Item, ...]) -> list[Item]:
    """Items reachable without entering a repeating group (their answers live in its occurrences)."""
    out = []
    for item in items:
        out.append(item)
        if not (item.type == "group" and item.repeats):
            out.extend(_flatten(item.items))
    return out


class _Validator:
    def __init__(self, form: FormDefinition, errors: list[AnswerError], *, ignore_prefill: bool) -> None:
        self.form, self.errors, self.ignore_prefill = form, errors, ignore_prefill

    def items(self, items: tuple[Item, ...], scope: Answers, context: Answers) -> None:
        for item in items:
            applies = enabled(item, context, form=self.form)
            if item.type == "group" and item.repeats:
                self.repeating_group(item, scope, context, applies)
            elif item.type in {"group", "display"}:
                if item.link_id in scope:
                    message = f"{item.link_id} is a {item.type} and takes no answer"
                    self.errors.append(AnswerError(item.link_id, WRONG_TYPE, message))
                if item.type == "group" and item.required and applies and not _any_answered(item, scope):
                    message = f"{item.link_id}: at least one answer is required"
                    self.errors.append(AnswerError(item.link_id, REQUIRED, message))
                self.items(item.items, scope, context)
            else:
                required = item.required and not (self.ignore_prefill and item.prefill)
                self.errors.extend(_validate_question(self.form, item, scope, context, applies, required))
                self.items(item.items, scope, context)

    def repeating_group(self, item: Item, scope: Answers, context: Answers, applies: bool) -> None:
        value = scope.get(item.link_id)
        if not value:
            if applies and item.required:
                message = f"{item.link_id}: at least one entry is required"
                self.errors.append(AnswerError(item.link_id, REQUIRED, message))
            return
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.errors.append(AnswerError(item.link_id, WRONG_TYPE, f"{item.link_id} takes a list of entries"))
            return
        if not applies:
            self.errors.append(_contradiction(self.form, item, context))
            return
        for occurrence in value:
            _check_keys(self.form, item.items, occurrence, self.errors, top=False)
            self.items(item.items, occurrence, {**context, **occurrence})


def _any_answered(item: Item, scope: Answers) -> bool:
    return any(_atoms(scope.get(child.link_id)) for child in _flatten(item.items))


def _contradiction(form: FormDefinition, item: Item, context: Answers) -> AnswerError:
    blocking = item
    while blocking.parent is not None and not enabled(form.item(blocking.parent), context, form=form):
        blocking = form.item(blocking.parent)
    why = describe(blocking.enable_when, blocking.enable_behavior) or "its section does not apply"
    return AnswerError(item.link_id, CONTRADICTORY, f"{item.link_id} is answered but does not apply (only when {why})")


def _validate_question(
    form: FormDefinition, item: Item, scope: Answers, context: Answers, applies: bool, required: bool
) -> list[AnswerError]:
    link_id, value = item.link_id, scope.get(item.link_id)
    other_key = link_id + OTHER_SUFFIX
    if not _atoms(value):
        if other_key in scope:
            return [AnswerError(other_key, CONTRADICTORY, f"{other_key} is given but {link_id} is not answered")]
        return [AnswerError(link_id, REQUIRED, f"{link_id} is required")] if applies and required else []
    if not applies:
        return [_contradiction(form, item, context)]
    if item.repeats and not isinstance(value, list):
        return [AnswerError(link_id, WRONG_TYPE, f"{link_id} takes a list of answers")]
    if not item.repeats and isinstance(value, list):
        return [AnswerError(link_id, WRONG_TYPE, f"{link_id} takes one answer, not a list")]
    values = _atoms(value)
    errors = [e for v in values if (e := _check_value(item, v)) is not None]
    if len(set(map(repr, values))) != len(values):
        errors.append(AnswerError(link_id, WRONG_TYPE, f"{link_id} has the same answer twice"))
    if item.type in CODED_TYPES and not errors:
        errors.extend(_check_options(form, item, values, scope, context))
    return errors


def _check_options(
    form: FormDefinition, item: Item, values: list[Any], scope: Answers, context: Answers
) -> list[AnswerError]:
    errors = []
    chosen = [item.answer(v) for v in values if v in item.codes]
    for option in chosen:
        if not option_allowed(option, context, form=form):
            why = describe(option.enable_when)
            errors.append(
                AnswerError(item.link_id, CONTRADICTORY, f"{item.link_id}: {option.code} can be chosen only when {why}")
            )
    other_key, other = item.link_id + OTHER_SUFFIX, scope.get(item.link_id + OTHER_SUFFIX)
    if any(o.specify for o in chosen):
        if not isinstance(other, str) or not other.strip():
            errors.append(AnswerError(other_key, REQUIRED, f"{other_key}: please specify the 'Other' answer"))
    elif other is not None:
        errors.append(AnswerError(other_key, CONTRADICTORY, f"{other_key} is given but no 'Other' answer is chosen"))
    return errors


def _check_value(item: Item, value: Any) -> AnswerError | None:
    link_id, kind = item.link_id, item.type
    if kind in CODED_TYPES:
        if not isinstance(value, str):
            return AnswerError(link_id, WRONG_TYPE, f"{link_id} takes an answer code")
        if value in item.codes:
            return None
        if kind == "choice" or any(p.fullmatch(value) for p in CODE_PATTERNS.values()):
            shown = repr(value) if _SAFE_TO_ECHO.fullmatch(value) else "the answer"
            offered = ", ".join(sorted(item.codes))
            return AnswerError(link_id, UNKNOWN_CODE, f"{link_id}: {shown} is not one of its answer codes ({offered})")
        return _check_length(item, value)  # open-choice free text
    checks = {
        "string": lambda v: isinstance(v, str),
        "text": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "decimal": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "date": _is_date,
        "time": _is_time,
        "dateTime": _is_datetime,
    }
    if not checks[kind](value):
        return AnswerError(link_id, WRONG_TYPE, f"{link_id} takes a {kind} answer{_FORMATS.get(kind, '')}")
    return _check_length(item, value) if isinstance(value, str) else None


_FORMATS = {"date": " (YYYY-MM-DD)", "time": " (HH:MM)", "dateTime": " (YYYY-MM-DDTHH:MM)"}


def _check_length(item: Item, value: str) -> AnswerError | None:
    if item.max_length is not None and len(value) > item.max_length:
        return AnswerError(
            item.link_id, TOO_LONG, f"{item.link_id}: {len(value)} characters, at most {item.max_length} allowed"
        )
    return None


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    # FHIR allows a partial date (YYYY or YYYY-MM); complete it to check the parts given.
    return _parses(date.fromisoformat, value + "-01-01"[len(value) - 4 :])


def _is_time(value: Any) -> bool:
    return isinstance(value, str) and bool(_TIME.fullmatch(value)) and _parses(time.fromisoformat, value)


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return _is_date(value) if "T" not in value else _parses(datetime.fromisoformat, value.replace("Z", "+00:00"))


def _parses(parse: Any, value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True
