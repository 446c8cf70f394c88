"""What a rate is measured against, and the labels of the codes analytics show.

A rate without a denominator misleads (user needs §3.5, need 10): each provider type has the one
volume measure its events are counted per. Codes and their wording come from the Common Formats
definitions (`openpso.commonformats`), never from here.
"""

from __future__ import annotations

from functools import cache

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, UNSAFE_CONDITION, herf_core
from openpso.commonformats.factors import factor_words

# The volume each provider type's rates are per (lake `denominators.measure`).
RATE_MEASURE: dict[str, str] = {
    "hospital": "patient_days",
    "nursing_home": "patient_days",
    "ems_agency": "ems_responses",
    "community_pharmacy": "encounters",
    "ambulatory": "encounters",
    "other": "encounters",
}
PER = 1000

# AHRQ harm scale codes that mean the patient was harmed: death, severe, moderate, mild.
# "No harm" and "unknown" are not harm; a near miss or unsafe condition has no harm code.
HARM_CODES: tuple[str, ...] = ("LA20747-4", "LA20748-2", "LA20749-0", "LA21150-0")

EVENT_TYPES = (INCIDENT, NEAR_MISS, UNSAFE_CONDITION)
FALLS, MEDICATION, DEVICE = "A48", "A54", "A44"


@cache
def category_labels() -> dict[str, str]:
    # "Other", not AHRQ's form instruction "Other: PLEASE SPECIFY" (a chart axis is no form).
    return {code: option_words(str(text)) for code, text in herf_core()["DE21"].choices()}


@cache
def harm_labels() -> dict[str, str]:
    return dict(herf_core()["PIF/harm"].choices())


@cache
def event_type_labels() -> dict[str, str]:
    return dict(herf_core()["DE3"].choices())


@cache
def factor_labels() -> dict[str, str]:
    # OpenPSO's list, not AHRQ's: each OPSO- code's label says "(OpenPSO extension)"
    # (see docs/decisions/0008-common-formats-as-data.md).
    return factor_words(marked=True)


def label(kind: str, code: str | None) -> str:
    """The display text of a code of `kind` (category, harm, event_type, factor); the code if unknown."""
    if code is None:
        return "Not recorded"
    labels = {
        "category": category_labels,
        "harm": harm_labels,
        "event_type": event_type_labels,
        "factor": factor_labels,
    }[kind]()
    return labels.get(code, code)
