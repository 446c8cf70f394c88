"""Words a reporter reads: field names for error messages and answer texts without AHRQ's
form-printing instructions. The data files keep AHRQ's codes and wording unchanged; every
change of wording happens here, at display time."""

from __future__ import annotations

import re

from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, UNSAFE_CONDITION, herf_core

_HERF = herf_core()

# AHRQ's paper forms print "Other: PLEASE SPECIFY" (and "Other substance: PLEASE SPECIFY"):
# an instruction to the person filling the paper, shouting on a phone. Shown to reporters as
# "Other (please say what)"; the code (A66, A1215…) and the stored display are unchanged.
_PLEASE_SPECIFY = re.compile(r"\s*:\s*PLEASE SPECIFY\s*$", re.IGNORECASE)


def reporter_display(display: str) -> str:
    """An AHRQ answer's display as the report form shows it (display-time transform only)."""
    if _PLEASE_SPECIFY.search(display):
        return _PLEASE_SPECIFY.sub("", display).strip() + " (please say what)"
    return display


# The report's fields by the name a reporter knows them by (the web form's labels, short),
# for error messages of the form and the API: "Category: Fall [A48] is not collected…".
FIELD_LABELS = {
    "provider": "Provider",
    "event_type": "What is being reported",
    "categories": "Category",
    "category_other": "Other category",
    "discovered_at": "When it was discovered",
    "unit": "Where it happened",
    "location_detail": "Location details",
    "narrative": "What happened",
    "patient_age_years": "Patient's age",
    "patient_sex": "Patient's sex",
    "harm": "Harm to the patient",
    "anonymous": "Report anonymously",
    "answers": "Answers",
    "reporter_role": "Your job or position",
    "collected_for": "Collected for (outside the PSES)",
}

# DE3 answers as a phrase after "for": "not collected for a near miss".
EVENT_TYPE_PHRASES = {INCIDENT: "an incident", NEAR_MISS: "a near miss", UNSAFE_CONDITION: "an unsafe condition"}


def category_words(code: str) -> str:
    """A DE21 category in words with its code in brackets: "Fall [A48]"."""
    try:
        return f"{reporter_display(_HERF['DE21'].answer(code).display)} [{code}]"
    except KeyError:
        return f"[{code}]"


def answer_words(element: str, code: str) -> str:
    """A HERF core answer in words with its code in brackets: "Near Miss [A6]"."""
    try:
        return f"{reporter_display(_HERF[element].answer(code).display)} [{code}]"
    except KeyError:
        return f"[{code}]"


def question_label(link_id: str) -> str:
    """A module question's text for a message, its linkId in brackets; the linkId alone if unknown."""
    base = link_id.removesuffix(":other")
    for definition in catalogue().values():
        if definition.has_item(base):
            text = definition.item(base).text.strip().rstrip(":")
            if text:
                suffix = " (please say what)" if link_id.endswith(":other") else ""
                return f"{text}{suffix} [{base}]"
    return link_id


def label_for(field: str) -> str:
    """The words for an error's `field` (a core field name, "answers.<linkId>", or a path)."""
    if field.startswith("answers."):
        return question_label(field.removeprefix("answers."))
    head = field.split(".", 1)[0]
    if head in FIELD_LABELS:
        return FIELD_LABELS[head]
    if field == "__all__":
        return "The report"
    return field.replace("_", " ").capitalize()
