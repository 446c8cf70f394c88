"""A submission document in words, for the pages that show one (codes stay beside the labels)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from openpso.commonformats.answers_display import ModuleAnswers, answers_in_words, option_words
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.definitions import herf_core
from openpso.commonformats.rca2 import ACTION_TYPE_CHOICES, STRENGTH_LABELS
from openpso.organizations.models import SharedField
from openpso.organizations.timezones import hour_text, minute_text

_ACTION_TYPES = dict(ACTION_TYPE_CHOICES)


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    code: str = ""


def _label(element: str, code: str) -> str:
    if not code:
        return ""
    try:
        return herf_core()[element].answer(code).display
    except KeyError:
        return code


def moment_row(label: str, value: str) -> Row:
    """A document time shown in the page's zone, the UTC value the PSO received (the
    contract, docs/submissions.md) kept beside it as the code. A time on the exact hour was
    kept only to the hour (an anonymous report, invariant 2) and is shown so."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return Row(label, str(value or ""))
    if moment.tzinfo is None:
        return Row(label, value)
    on_the_hour = moment.minute == moment.second == moment.microsecond == 0
    return Row(label, hour_text(moment) if on_the_hour else minute_text(moment), value)


def category_label(code: str) -> str:
    """A category in words: "Other", not AHRQ's form instruction "Other: PLEASE SPECIFY"."""
    return option_words(_label("DE21", code))


def category_labels(codes: list[str]) -> str:
    return ", ".join(category_label(c) for c in codes)


def module_titles(keys: list[str]) -> str:
    """The Common Formats modules by their titles ("Fall"); a key no catalogue knows as itself."""
    return ", ".join(catalogue()[key].title if key in catalogue() else key for key in keys)


def document_rows(document: dict[str, Any]) -> list[Row]:
    unit = document.get("unit") or {}
    patient = document.get("patient") or {}
    age = patient.get("age_years")
    sex = _label("DE42", patient.get("sex") or "")
    rows = [
        Row("Event id (DE2)", str(document.get("event_id", ""))),
        Row("What is reported (DE3)", _label("DE3", document.get("event_type", "")), document.get("event_type", "")),
        Row(
            "Categories (DE21)",
            category_labels(document.get("categories") or []),
            ", ".join(document.get("categories") or []),
        ),
        Row("Other category", document.get("category_other") or "—"),
        moment_row("Discovered (DE9)", document.get("discovered_at", "")),
        moment_row("Reported (DE30)", document.get("reported_at", "")),
        Row("Unit", f"{unit.get('name', '')} ({unit.get('unit_type') or 'type not given'})" if unit else "—"),
        Row("Harm", _label("PIF/harm", document.get("harm", "")) or "Not applicable", document.get("harm", "")),
        Row("Patient", f"{'age not given' if age is None else f'{age} years'}, {sex or 'sex not given'}"),
        Row(
            "Common Formats modules",
            module_titles(document.get("modules") or []) or "—",
            ", ".join(document.get("modules") or []),
        ),
    ]
    if "location_detail" in document:
        rows.append(Row("Location detail (DE18)", document["location_detail"] or "—"))
    if "reporter_role" in document:
        rows.append(Row("Reporter's role (DE36)", document["reporter_role"] or "—"))
    if "narrative" in document:
        rows.append(Row("Narrative de-identification", _deid_words(document.get("narrative_review"))))
    return rows


def _deid_words(entry: Any) -> str:
    # How the pool will scrub the narrative (nonid.approved): counts only, never the spans' text.
    if not isinstance(entry, dict) or not isinstance(entry.get("spans"), list):
        return "by the engine before pooling (the provider approved no review of this narrative)"
    count = len(entry["spans"])
    return f"as the provider's reviewer approved it: {count} span{'s' if count != 1 else ''} replaced before pooling"


def answer_groups(document: dict[str, Any]) -> list[ModuleAnswers]:
    """The module answers in words, each with its question's text and its codes, grouped by form
    (`commonformats.answers_display`). A submission carries no identifying answer
    (`document.shared_answers`); none would be shown here if one had slipped in."""
    return answers_in_words(document.get("answers") or {}, document.get("modules") or [], include_identifying=False)


def analysis_of(document: dict[str, Any]) -> dict[str, Any] | None:
    analysis = document.get(SharedField.ANALYSIS.value)
    if analysis is None:
        return None
    actions = [
        {
            **a,
            "type_label": _ACTION_TYPES.get(a.get("action_type", ""), a.get("action_type", "")),
            "strength_label": STRENGTH_LABELS.get(a.get("strength", ""), a.get("strength", "")),
        }
        for a in analysis.get("actions", [])
    ]
    return {"factors": analysis.get("contributing_factors", []), "actions": actions}
