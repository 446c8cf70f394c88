"""Forms of the answer pages, generated from the same definitions as the report form
(`reporting.module_forms`): the safety team's completion page, its request to the reporter,
and the reporter's answers to that request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from openpso.commonformats.answers import OTHER_SUFFIX
from openpso.commonformats.model import CODED_TYPES, FormDefinition, Item, iter_items
from openpso.reporting.completeness import module_link_ids, modules_of, prune_inapplicable, question_text
from openpso.reporting.models import AnswerRequest, EventReport
from openpso.reporting.module_forms import (
    add_module_fields,
    answers_from,
    field_name,
    link_id_to_field,
    make_field,
    other_name,
)
from openpso.reporting.schemas import FieldError


def _initial(answers: Mapping[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for link_id, value in answers.items():
        if link_id.endswith(OTHER_SUFFIX):
            initial[other_name(link_id.removesuffix(OTHER_SUFFIX))] = value
        elif not isinstance(value, list) or all(not isinstance(v, Mapping) for v in value):
            initial[field_name(link_id)] = value
    return initial


def _in_answered_repeating_group(definition: FormDefinition, item: Item, answers: Mapping[str, Any]) -> bool:
    parent = item.parent
    while parent is not None:
        group = definition.item(parent)
        if group.type == "group" and group.repeats and isinstance(answers.get(group.link_id), list):
            return True
        parent = group.parent
    return False


def _free_text(item: Item, answers: Mapping[str, Any]) -> bool:
    value = answers.get(item.link_id)
    atoms = value if isinstance(value, list) else [value]
    return item.type in CODED_TYPES and any(isinstance(a, str) and a and a not in item.codes for a in atoms)


class AnswerErrorsMixin(forms.Form):
    def add_answer_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            name = link_id_to_field(error.field.removeprefix("answers."))
            self.add_error(name if name in self.fields else None, error.message)


class CompletionForm(AnswerErrorsMixin):
    """Every question of the report's modules, filled with the effective answers."""

    def __init__(self, data: Any = None, *, report: EventReport, answers: Mapping[str, Any]) -> None:
        super().__init__(data, initial=_initial(answers), prefix=None)
        self.report, self.answers = report, dict(answers)
        self.modules = modules_of(report)
        add_module_fields(self, self.modules)
        # Entries of a repeating group answered as a list (e.g. several medications through
        # the API) are shown on the report page but not edited here, so nothing is flattened.
        # So is free text in an open-choice answer (e.g. from a FHIR import): the field offers
        # codes only, and showing it blank would remove the answer on save.
        for definition in self.modules:
            for item in iter_items(definition):
                if _in_answered_repeating_group(definition, item, answers) or _free_text(item, answers):
                    self.fields.pop(field_name(item.link_id), None)
                    self.fields.pop(other_name(item.link_id), None)

    def changes(self) -> dict[str, Any]:
        """linkId → new value (None: removed) for every answer the form changed."""
        new = answers_from(self.cleaned_data, self.modules)
        proposed = dict(self.answers)
        for link_id in module_link_ids(self.report):
            if link_id_to_field(link_id) not in self.fields:
                continue
            if link_id in new:
                proposed[link_id] = new[link_id]
            else:
                proposed.pop(link_id, None)
        # Questions that no longer apply after the change go, as the page script hides them.
        proposed = prune_inapplicable(self.report, proposed)
        keys = set(self.answers) | set(proposed)
        return {k: proposed.get(k) for k in sorted(keys) if proposed.get(k) != self.answers.get(k)}


class RequestForm(forms.Form):
    """The safety team picks the questions the reporter should answer."""

    link_ids = forms.MultipleChoiceField(
        label="Questions for the reporter",
        widget=forms.CheckboxSelectMultiple,
        help_text="The reporter sees exactly these questions, on their report's follow-up page.",
    )
    note = forms.CharField(
        label="Note to the reporter (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never ask for anything that would identify an anonymous reporter.",
    )

    def __init__(self, data: Any = None, *, report: EventReport, missing: list[str] | None = None) -> None:
        super().__init__(data, prefix="ask", initial={"link_ids": missing or []})
        choices = []
        for definition in modules_of(report):
            for item in iter_items(definition):
                if item.is_question and not item.hidden:
                    choices.append((item.link_id, f"{question_text(definition, item.link_id)} ({definition.title})"))
        field = self.fields["link_ids"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices


class ReporterAnswersForm(AnswerErrorsMixin):
    """Exactly the questions of one request, for the reporter."""

    def __init__(self, data: Any = None, *, report: EventReport, answer_request: AnswerRequest) -> None:
        super().__init__(data, prefix=None)
        self.modules = modules_of(report)
        self.items: list[Item] = []
        for definition in self.modules:
            for link_id in answer_request.link_ids:
                if not definition.has_item(link_id):
                    continue
                item = definition.item(link_id)
                field = make_field(item)
                if field is None:
                    continue
                self.items.append(item)
                self.fields[field_name(link_id)] = field
                if any(a.specify for a in item.answers):
                    self.fields[other_name(link_id)] = forms.CharField(
                        label=f"{item.text or link_id} — please say what", required=False, max_length=200
                    )

    def answers(self) -> dict[str, Any]:
        return answers_from(self.cleaned_data, self.modules)

    @property
    def questions(self) -> list[dict[str, Any]]:
        """Each asked question's field, with its 'please say what' box and the codes that show
        it (data-other-of, as on the report form: form-logic.js hides it otherwise)."""
        rows = []
        for item in self.items:
            name = field_name(item.link_id)
            other = other_name(item.link_id)
            rows.append(
                {
                    "field": self[name],
                    "other": self[other] if other in self.fields else None,
                    "other_codes": " ".join(a.code for a in item.answers if a.specify),
                }
            )
        return rows
