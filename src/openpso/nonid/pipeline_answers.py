"""Module answers on their way to the pool: codes kept, free text scrubbed, identifiers dropped.

Answers are keyed by Common Formats linkId (`commonformats.answers`): a code or list of codes
for a choice, free text for string/text items and for "Other: please specify" (`<linkId>:other`),
numbers, booleans, ISO dates. Each answer is judged by the item it answers:

- items marked `identifying` (patient and reporter names, dates of birth, record numbers,
  phone, e-mail, the ePCR number) and unique device and blood-unit codes are removed (Safe
  Harbor; 42 CFR 3.212(a)(2)(A) and (D));
- codes are kept only when they are codes of that item; open-choice text is free text;
- free text goes to the narrative engine (the caller's `scrub` queues it for one batch);
- dates keep only the profile's element (month or year); times are removed (date elements);
- ages over 89 become 90 (Safe Harbor's "90 or older");
- answers to items the catalogue does not know are removed: what is not understood is not pooled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from openpso.commonformats.answers import OTHER_SUFFIX
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.definitions import herf_core
from openpso.commonformats.factors import FACTORS_ITEM
from openpso.commonformats.model import CODED_TYPES, Item, iter_items
from openpso.commonformats.rca2 import ACTION_STATUS_VALUES, ACTION_STRENGTH
from openpso.nonid.profiles import Profile


@dataclass(frozen=True)
class Pending:
    """A free text queued for the narrative engine; replaced by its scrubbed text later."""

    index: int


Scrub = Callable[[str], Pending]
_DROP = object()
# Unique codes the definitions do not mark identifying but Safe Harbor and 3.212(a)(2)(D) do:
# device identifiers and serial numbers (164.514(b)(2)(i)(M)) and a blood unit's donation
# number, which names one donor. Vaccine and drug lot numbers are shared by many patients
# and stay: a bad lot is exactly what pooling should find.
UNIQUE_CODE_ITEMS = frozenset({"Device/udi", "Device/lot", "Blood/unit_id"})


@cache
def _items() -> dict[str, Item]:
    return {item.link_id: item for definition in catalogue().values() for item in iter_items(definition)}


# Identifying answers name people: they never enter the pool, but they tell the narrative
# engine whom to look for in the free text of the same event.
PATIENT_NAME_ITEMS = frozenset({"HERF/DE46", "HERF/DE34", "Generic/patient_name"})
OTHER_NAME_ITEMS = frozenset({"HERF/DE50", "Generic/reporter_name"})


def known_from_answers(answers: Any) -> dict[str, list[str]]:
    """Names and numbers the event's own identifying answers carry, for `ScrubContext.of`."""
    known: dict[str, list[str]] = {"patient_names": [], "other_names": [], "identifiers": []}
    if not isinstance(answers, Mapping):
        return known
    for link_id, value in answers.items():
        item = _items().get(str(link_id))
        if (
            item is None
            or not (item.identifying or link_id in UNIQUE_CODE_ITEMS)
            or item.type not in ("string", "text")
        ):
            continue
        values = [
            v.strip() for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v.strip()
        ]
        if link_id in PATIENT_NAME_ITEMS:
            known["patient_names"] += values
        elif link_id in OTHER_NAME_ITEMS:
            known["other_names"] += values
        else:
            known["identifiers"] += [v for v in values if len(v) >= 4]  # too short to look for safely
    return known


def factor_codes() -> frozenset[str]:
    """The codes of OpenPSO's contributing-factor list (an OpenPSO extension, not AHRQ Common
    Formats codes), the only factors the pool keeps."""
    item = _items().get(FACTORS_ITEM)
    return item.codes if item is not None else frozenset()


@cache
def code_lists() -> dict[str, frozenset[str]]:
    """The code lists the structured fields are checked against: a value not on its list is
    not a code, whatever it looks like, and does not enter the pool."""
    core = herf_core()
    return {
        "event_type": core["DE3"].codes,
        "categories": core["DE21"].codes,
        "harm": core["PIF/harm"].codes,
        "patient.sex": core["DE42"].codes,
        "modules": frozenset(catalogue()),
        "action_type": frozenset(ACTION_STRENGTH),
        "strength": frozenset(ACTION_STRENGTH.values()),
        "status": ACTION_STATUS_VALUES,
    }


def clean_answers(answers: Any, *, profile: Profile, fields: dict[str, str], scrub: Scrub) -> dict[str, Any]:
    """The answers that may enter the pool; `fields` gets one entry per answer removed or changed."""
    if not answers:
        return {}
    if not isinstance(answers, Mapping):
        fields["answers"] = "removed_not_a_mapping"
        return {}
    cleaned: dict[str, Any] = {}
    for link_id, value in answers.items():
        kept = _clean(str(link_id), value, profile=profile, fields=fields, scrub=scrub)
        if kept is not _DROP:
            cleaned[str(link_id)] = kept
    return cleaned


def _clean(link_id: str, value: Any, *, profile: Profile, fields: dict[str, str], scrub: Scrub) -> Any:
    label = f"answers.{link_id}"
    if value is None:
        return _DROP
    if link_id.endswith(OTHER_SUFFIX):
        return _text(value, label, fields, scrub)
    item = _items().get(link_id)
    if item is None:
        fields[label] = "removed_unknown_item"
        return _DROP
    if item.identifying or link_id in UNIQUE_CODE_ITEMS:
        fields[label] = "removed_identifying"
        return _DROP
    if item.type == "group":
        return _group(value, label, profile=profile, fields=fields, scrub=scrub)
    if item.type in CODED_TYPES:
        return _coded(item, value, label, fields, scrub)
    if item.type in ("string", "text"):
        return _text(value, label, fields, scrub)
    if item.type in ("date", "dateTime"):
        return _date(value, label, profile, fields)
    if item.type in ("integer", "decimal"):
        return _number(link_id, value, label, fields)
    if item.type == "boolean" and isinstance(value, bool):
        return value
    fields[label] = "removed_time" if item.type == "time" else "removed_wrong_type"
    return _DROP


def _group(value: Any, label: str, *, profile: Profile, fields: dict[str, str], scrub: Scrub) -> Any:
    occurrences = value if isinstance(value, list) else [value]
    cleaned = [
        clean_answers(occurrence, profile=profile, fields=fields, scrub=scrub)
        for occurrence in occurrences
        if isinstance(occurrence, Mapping)
    ]
    if len(cleaned) != len(occurrences):
        fields[label] = "removed_wrong_type"
    if not cleaned:
        return _DROP
    return cleaned if isinstance(value, list) else cleaned[0]


def _coded(item: Item, value: Any, label: str, fields: dict[str, str], scrub: Scrub) -> Any:
    values = value if isinstance(value, list) else [value]
    kept: list[Any] = []
    for one in values:
        if isinstance(one, str) and one in item.codes:
            kept.append(one)
        elif isinstance(one, str) and item.type == "open-choice" and one.strip():
            kept.append(scrub(one))  # open-choice: the reporter typed their own answer
            fields[label] = "scrubbed"
        else:
            fields[label] = "removed_values_not_codes"
    if not kept:
        return _DROP
    return kept if isinstance(value, list) else kept[0]


def _text(value: Any, label: str, fields: dict[str, str], scrub: Scrub) -> Any:
    values = value if isinstance(value, list) else [value]
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if len(texts) != len(values):
        fields[label] = "removed_not_text"
    if not texts:
        return _DROP
    fields[label] = "scrubbed"
    scrubbed = [scrub(t) for t in texts]
    return scrubbed if isinstance(value, list) else scrubbed[0]


def _date(value: Any, label: str, profile: Profile, fields: dict[str, str]) -> Any:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        fields[label] = "removed_not_a_date"
        return _DROP
    fields[label] = f"generalised_to_{profile.date_precision}"
    return f"{day:%Y-%m}" if profile.date_precision == "month" else f"{day:%Y}"


def _number(link_id: str, value: Any, label: str, fields: dict[str, str]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fields[label] = "removed_wrong_type"
        return _DROP
    # Safe Harbor (164.514(b)(2)(i)(C)): an age over 89 is reported as 90 or older.
    if link_id.rsplit("/", 1)[-1].endswith("age") and value > 89:
        fields[label] = "aggregated_90_plus"
        return 90
    return value


def resolve(value: Any, text_of: Callable[[Pending], str]) -> Any:
    """`value` with every Pending replaced by its scrubbed text."""
    if isinstance(value, Pending):
        return text_of(value)
    if isinstance(value, list):
        return [resolve(v, text_of) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, text_of) for k, v in value.items()}
    return value
