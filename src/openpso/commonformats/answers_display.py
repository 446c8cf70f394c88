"""A report's answers in words, for people: question text, the answer as its display, the codes beside.

Answers are stored by linkId as codes (`openpso.commonformats.answers` describes the shape);
a safety manager, a reporter or an API client reads them here as rows grouped by form, in the
definition's order. Coded answers show their display words (AHRQ's wording) with the code in
brackets, "Other" answers show the text given under "<link_id>:other", dates and numbers are
shown as given, and a linkId no definition knows is shown with its id, never dropped.

A leaf like the rest of `commonformats`: no Django, no other app. Who may see identifying
answers (names, dates of birth, record numbers) is the caller's decision: pass
`include_identifying=False` for anyone but the provider's own safety team (42 CFR 3.212).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpso.commonformats.answers import OTHER_SUFFIX
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.model import CODED_TYPES, FormDefinition, Item, iter_items

HERF = "cfer-h-1.2/herf"
OTHER_ANSWERS = "Other answers"
# "Other: PLEASE SPECIFY" reads as an instruction once answered; the text given follows instead.
_PLEASE_SPECIFY = re.compile(r"[\s:,(-]*please specify[\s.)]*$", re.IGNORECASE)
_BOOLEAN_WORDS = {True: "Yes", False: "No"}


@dataclass(frozen=True)
class AnswerRow:
    """One answered question: its text, the answer in words and the stable codes behind it."""

    link_id: str
    question: str  # the definition's wording; the linkId itself when no definition knows it
    value: str  # the answer in words
    codes: tuple[str, ...] = ()  # AHRQ / OpenPSO answer codes of a coded answer, in answer order
    identifying: bool = False
    known: bool = True  # False: no definition of the report knows this linkId
    # The codes that are OpenPSO's own (OPSO-…): shown as "OpenPSO extension (not an AHRQ
    # Common Formats code)" wherever the codes are shown (docs/decisions/0008-common-formats-as-data.md).
    extension_codes: tuple[str, ...] = ()

    @property
    def codes_text(self) -> str:
        return ", ".join(self.codes)


@dataclass(frozen=True)
class ModuleAnswers:
    """The answered questions of one form (HERF, a module), in the definition's order."""

    key: str  # the form key, e.g. "cfer-h-1.2/fall"; "" for answers no definition knows
    title: str
    rows: tuple[AnswerRow, ...]


def answers_in_words(
    answers: Mapping[str, Any], modules: Sequence[str], *, include_identifying: bool = True
) -> list[ModuleAnswers]:
    """Every answer of a report as rows grouped by form: HERF items first, then each module
    in the report's order, then answers no definition of the report knows (by their id).

    `include_identifying=False` leaves out items the definitions mark `identifying`, and
    unknown linkIds too (what they hold cannot be told)."""
    forms = [catalogue()[key] for key in (HERF, *modules) if key in catalogue()]
    placed: set[str] = set()
    groups: list[ModuleAnswers] = []
    for definition in _unique(forms):
        rows = [row for row in _rows(definition, answers, placed) if include_identifying or not row.identifying]
        if rows:
            groups.append(ModuleAnswers(key=definition.key, title=definition.title, rows=tuple(rows)))
    if include_identifying:
        unknown = [
            AnswerRow(link_id=key, question=key, value=_plain(value), known=False)
            for key, value in answers.items()
            if key not in placed
        ]
        if unknown:
            groups.append(ModuleAnswers(key="", title=OTHER_ANSWERS, rows=tuple(unknown)))
    return groups


def flat_rows(groups: Iterable[ModuleAnswers]) -> list[AnswerRow]:
    return [row for group in groups for row in group.rows]


def option_words(display: str) -> str:
    """An answer's display without a trailing "PLEASE SPECIFY" instruction."""
    return _PLEASE_SPECIFY.sub("", display).strip() or display


def _unique(forms: list[FormDefinition]) -> list[FormDefinition]:
    seen: set[str] = set()
    return [f for f in forms if not (f.key in seen or seen.add(f.key))]  # type: ignore[func-returns-value]


def _rows(definition: FormDefinition, answers: Mapping[str, Any], placed: set[str]) -> list[AnswerRow]:
    rows: list[AnswerRow] = []
    for item in iter_items(definition):
        if item.parent is not None and _inside_repeating_group(definition, item) and not _answered_flat(item, answers):
            continue  # shown with its occurrence below
        # Answered flat (beside the other answers, as the web form stores one drug's details),
        # the group counts as one occurrence (commonformats.answers): shown like any question.
        if item.type == "group" and item.repeats and isinstance(answers.get(item.link_id), list):
            placed.add(item.link_id)
            rows.extend(_occurrences(definition, item, answers[item.link_id]))
            continue
        if not item.is_question:
            continue
        row = _row(item, answers, prefix="")
        if row is not None:
            placed.update({item.link_id, item.link_id + OTHER_SUFFIX})
            rows.append(row)
    return rows


def _answered_flat(item: Item, answers: Mapping[str, Any]) -> bool:
    return item.is_question and (item.link_id in answers or item.link_id + OTHER_SUFFIX in answers)


def _inside_repeating_group(definition: FormDefinition, item: Item) -> bool:
    parent = item.parent
    while parent is not None:
        group = definition.item(parent)
        if group.type == "group" and group.repeats:
            return True
        parent = group.parent
    return False


def _occurrences(definition: FormDefinition, group: Item, occurrences: list[Any]) -> list[AnswerRow]:
    rows: list[AnswerRow] = []
    for number, occurrence in enumerate(occurrences, start=1):
        if not isinstance(occurrence, Mapping):
            continue
        prefix = f"{group.text or 'Entry'} {number}: "
        for item in iter_items(group):
            if item.is_question:
                row = _row(item, occurrence, prefix=prefix)
                if row is not None:
                    rows.append(row)
    return rows


def _row(item: Item, answers: Mapping[str, Any], *, prefix: str) -> AnswerRow | None:
    value = answers.get(item.link_id)
    other = answers.get(item.link_id + OTHER_SUFFIX)
    if value in (None, "", []) and not other:
        return None
    words, codes = _words(item, value, other)
    return AnswerRow(
        link_id=item.link_id,
        question=prefix + (item.text or item.link_id),
        value=words,
        codes=codes,
        identifying=item.identifying,
        extension_codes=tuple(c for c in codes if _is_openpso(item, c)),
    )


def _is_openpso(item: Item, code: str) -> bool:
    return any(option.code == code and option.system == "openpso" for option in item.answers)


def _words(item: Item, value: Any, other: Any) -> tuple[str, tuple[str, ...]]:
    atoms = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    if item.type not in CODED_TYPES:
        if item.type == "boolean":
            return ", ".join(_BOOLEAN_WORDS.get(a, str(a)) if isinstance(a, bool) else _plain(a) for a in atoms), ()
        return ", ".join(_plain(a) for a in atoms), ()
    words: list[str] = []
    codes: list[str] = []
    for atom in atoms:
        if isinstance(atom, str) and atom in item.codes:
            option = item.answer(atom)
            codes.append(atom)
            shown = option_words(option.display)
            if option.specify and isinstance(other, str) and other.strip():
                shown = f"{shown}: {other.strip()}"
            words.append(shown)
        else:
            words.append(_plain(atom))  # open-choice free text
    if other and not any(item.answer(c).specify for c in codes):
        words.append(f"Other: {_plain(other)}")
    return ", ".join(words), tuple(codes)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _BOOLEAN_WORDS[value]
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)
