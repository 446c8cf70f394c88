"""Web form fields generated from Common Formats module definitions (openpso.commonformats).

Each question of a module becomes one Django form field named after its linkId, so adding
a module is adding a definition file: no page changes. Skip logic travels to the browser as
`data-enable-when` on each question; the server checks the same rules again (`validate`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms

from openpso.commonformats.model import FormDefinition, Item, iter_items
from openpso.reporting import drugs
from openpso.reporting.labels import reporter_display

# Radio buttons read faster than a drop-down on a phone, up to a point.
_RADIO_MAX = 7
_YES_NO = [("A15", "Yes"), ("A18", "No")]


# HERF items that the report form holds as its own core fields (skip logic may read them).
CORE_FIELDS = {"HERF/DE3": "event_type", "HERF/DE21": "categories", "HERF/DE42": "patient_sex"}

# Medication (CFER-H 1.2) RxNorm codes: a frontline reporter cannot know an RxCUI, and no
# RxNorm source ships with OpenPSO to look one up offline, so the reporter's form leaves these
# optional questions out; the drug names (DE318, DE321) are asked with a drug-name search
# instead (`reporting.drugs`). The safety team and the API may still answer them.
RXCUI_ITEMS = frozenset({"Medication/DE319", "Medication/DE322", "Medication/DE328", "Medication/DE331"})
# Free-text drug-name questions that get the search (suggestions from `reporting.drugs`).
DRUG_NAME_ITEMS = frozenset({"Medication/DE318", "Medication/DE321"})


def field_name(link_id: str) -> str:
    """`Medication/DE270` → `m__Medication__DE270`: a linkId made safe for HTML names and ids."""
    return "m__" + link_id.replace("/", "__").replace(".", "_").replace("-", "_")


def other_name(link_id: str) -> str:
    return field_name(link_id) + "__other"


@dataclass(frozen=True)
class Question:
    """One module item for the template, with its children (nested questions and groups)."""

    item: Item
    name: str
    enable_when: str  # JSON for the page script, with field names instead of linkIds
    children: tuple[Question, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.item.type == "group"

    @property
    def is_display(self) -> bool:
        return self.item.type == "display"

    @property
    def other_codes(self) -> str:
        return " ".join(a.code for a in self.item.answers if a.specify)


@dataclass(frozen=True)
class BoundQuestion:
    """A Question with the form's bound fields attached, ready to draw."""

    question: Question
    field: forms.BoundField | None
    other: forms.BoundField | None
    children: tuple[BoundQuestion, ...]


def _choices(item: Item) -> list[tuple[str, str]]:
    # Display-time wording only ("Other: PLEASE SPECIFY" -> "Other (please say what)"): the
    # codes and the definition files are unchanged.
    return [(a.code, reporter_display(a.display)) for a in item.answers]


def make_field(item: Item) -> forms.Field | None:
    field = _make_field(item)
    if field is not None and item.required:
        # Optional at intake, required when the event is submitted to the PSO: the form says
        # so ("needed before it goes to the PSO — your safety team can complete it").
        field.needed = "later"  # type: ignore[attr-defined]
        if getattr(field.widget, "input_type", None) not in {"radio", "checkbox"}:
            field.widget.attrs["aria-describedby"] = "needed-later"
    if field is not None and item.link_id in DRUG_NAME_ITEMS:
        drugs.search_widget(field, item.link_id)
    return field


def _make_field(item: Item) -> forms.Field | None:
    label = item.text or item.link_id
    common: dict[str, Any] = {"label": label, "required": False, "help_text": item.help}
    kind = item.type
    if kind in {"choice", "open-choice"}:
        choices = _choices(item)
        if item.repeats:
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        widget = forms.RadioSelect if len(choices) <= _RADIO_MAX else forms.Select
        blank = [] if widget is forms.RadioSelect else [("", "— choose —")]
        return forms.ChoiceField(choices=blank + choices, widget=widget, **common)
    if kind == "string":
        return forms.CharField(max_length=item.max_length or 255, **common)
    if kind == "text":
        return forms.CharField(max_length=item.max_length or 2000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == "integer":
        return forms.IntegerField(**common)
    if kind == "decimal":
        return forms.DecimalField(**common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "time":
        return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), **common)
    if kind == "dateTime":
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if kind == "boolean":
        return forms.ChoiceField(choices=_YES_NO, widget=forms.RadioSelect, **common)
    return None  # group and display items carry no answer


def _conditions_json(item: Item) -> str:
    if not item.enable_when:
        return ""
    clauses = []
    for condition in item.enable_when:
        answer = condition.answer
        clauses.append(
            {
                "field": CORE_FIELDS.get(condition.question) or field_name(condition.question),
                "operator": condition.operator,
                "answer": list(answer) if isinstance(answer, tuple) else answer,
            }
        )
    return json.dumps({"behavior": item.enable_behavior, "when": clauses})


def questions(definition: FormDefinition, *, reporter: bool = False) -> list[Question]:
    """The module's visible items as a tree, in form order (hidden, system-filled items left out;
    for a `reporter`, also the RxCUI questions, see RXCUI_ITEMS)."""

    def build(items: tuple[Item, ...]) -> tuple[Question, ...]:
        return tuple(
            Question(
                item=item, name=field_name(item.link_id), enable_when=_conditions_json(item), children=build(item.items)
            )
            for item in items
            if not item.hidden and not (reporter and item.link_id in RXCUI_ITEMS)
        )

    return list(build(definition.items))


def iter_questions(nodes: Iterable[Question]) -> Iterator[Question]:
    for node in nodes:
        yield node
        yield from iter_questions(node.children)


def bind(form: forms.Form, nodes: Iterable[Question]) -> tuple[BoundQuestion, ...]:
    return tuple(
        BoundQuestion(
            question=node,
            field=form[node.name] if node.name in form.fields else None,
            other=form[other_name(node.item.link_id)] if other_name(node.item.link_id) in form.fields else None,
            children=bind(form, node.children),
        )
        for node in nodes
    )


def add_module_fields(form: forms.Form, modules: list[FormDefinition], *, reporter: bool = False) -> None:
    for definition in modules:
        for question in iter_questions(questions(definition, reporter=reporter)):
            field = make_field(question.item)
            if field is None:
                continue
            form.fields[question.name] = field
            if any(a.specify for a in question.item.answers):
                form.fields[other_name(question.item.link_id)] = forms.CharField(
                    label=f"{question.item.text or question.item.link_id} (please say what)",
                    required=False,
                    max_length=200,
                )


def answer_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return [str(v) for v in value]
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return value


def answers_from(cleaned: dict[str, Any], modules: list[FormDefinition]) -> dict[str, Any]:
    """Module answers keyed by linkId from a form's cleaned data; empty answers are left out."""
    answers: dict[str, Any] = {}
    for definition in modules:
        for item in iter_items(definition):
            if not item.is_question or item.hidden:
                continue
            value = cleaned.get(field_name(item.link_id))
            if value in (None, "", []):
                continue
            answers[item.link_id] = answer_value(value)
            other = cleaned.get(other_name(item.link_id))
            if other:
                answers[f"{item.link_id}:other"] = other
    return answers


def link_id_to_field(link_id: str) -> str:
    if link_id.endswith(":other"):
        return other_name(link_id[: -len(":other")])
    return field_name(link_id)
