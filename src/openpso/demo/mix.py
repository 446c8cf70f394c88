"""The statistical shape of the demo data: who reports what, how often, with what harm.

The weights are plausible, not measured: falls and medication events lead hospital
reporting, EMS reports are mostly medication, equipment and transport, pharmacies report
almost only medication events, and most incidents cause no or mild harm. Event types
respect AHRQ's DE21 flags (which categories accept near misses and unsafe conditions).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

from openpso.commonformats.definitions import herf_core
from openpso.demo.network import AMBULATORY, EMS, HOSPITAL, NURSING_HOME, PHARMACY, ProviderSpec, units_for
from openpso.demo.scenario import DEATH, INC, MILD, MODERATE, NM, NO_HARM, SEVERE, UC, UNKNOWN_HARM

CATEGORY_MIX: dict[str, dict[str, float]] = {
    HOSPITAL: {"A48": 24, "A54": 28, "A44": 9, "A42": 3, "A63": 7, "A60": 6, "A51": 4, "A64": 3, "A57": 4, "A66": 12},
    NURSING_HOME: {"A48": 40, "A54": 25, "A60": 14, "A51": 7, "A44": 5, "A66": 9},
    EMS: {"A54": 38, "A44": 25, "A66": 32, "A63": 5},
    PHARMACY: {"A54": 96, "A66": 4},
    AMBULATORY: {"A54": 40, "A66": 30, "A44": 12, "A48": 10, "A63": 8},
}
# Categories that need a unit of a given kind: no surgery without an OR or procedure
# room (EMS airway procedures happen on medic units), no perinatal events without L&D.
_NEEDS_UNIT = {"A63": {"or", "procedure", "medic_unit"}, "A57": {"ld"}}
# Where each category tends to happen; categories not listed can happen on any unit.
UNIT_TYPES: dict[str, set[str]] = {
    "A48": {"med_surg", "telemetry", "rehab", "ltc", "memory_care", "clinic", "ed"},
    "A63": {"or", "procedure", "medic_unit"},
    "A57": {"ld"},
    "A42": {"icu", "or", "ed", "med_surg", "lab"},
    "A60": {"icu", "med_surg", "ltc", "rehab", "memory_care"},
    "A51": {"icu", "med_surg", "ltc", "memory_care", "rehab"},
    "A64": {"med_surg", "icu", "or", "telemetry"},
}
SECONDARY: dict[str, tuple[str, ...]] = {
    "A54": ("A44",),
    "A44": ("A54",),
    "A48": ("A54",),
    "A63": ("A42", "A44"),
    "A57": ("A54", "A42"),
    "A42": ("A63",),
    "A64": ("A54",),
    "A66": ("A54",),
}
SECONDARY_SHARE = 0.08

HARM_MIX = {NO_HARM: 52, MILD: 27, MODERATE: 12, SEVERE: 3.5, DEATH: 0.5, UNKNOWN_HARM: 5}
# Pressure injuries, infections and VTE are harm by definition once reported as incidents.
HARMED_MIX = {MILD: 50, MODERATE: 35, SEVERE: 7.5, DEATH: 0.5, UNKNOWN_HARM: 7}
_HARMED_CATEGORIES = {"A51", "A60", "A64"}

ANONYMOUS_SHARE = {HOSPITAL: 0.12, NURSING_HOME: 0.10, EMS: 0.25, PHARMACY: 0.05, AMBULATORY: 0.08}
REPORTER_ROLES: dict[str, dict[str, float]] = {
    HOSPITAL: {
        "Registered nurse": 58,
        "Pharmacist": 10,
        "Physician": 8,
        "Patient care technician": 7,
        "Respiratory therapist": 5,
        "Nurse manager": 7,
        "Laboratory technologist": 5,
    },
    NURSING_HOME: {
        "Licensed practical nurse": 40,
        "Certified nursing assistant": 30,
        "Registered nurse": 25,
        "Director of nursing": 5,
    },
    EMS: {"Paramedic": 60, "EMT": 30, "EMS supervisor": 10},
    PHARMACY: {"Pharmacist": 70, "Pharmacy technician": 30},
    AMBULATORY: {"Medical assistant": 35, "Registered nurse": 30, "Physician": 20, "Front desk staff": 15},
}
PLACES: dict[str, tuple[str, ...]] = {
    HOSPITAL: ("patient room", "hallway", "nurses' station", "patient bathroom", "medication room"),
    NURSING_HOME: ("resident room", "dining room", "hallway", "shower room", "medication cart"),
    EMS: ("patient compartment", "on scene", "en route to hospital", "station bay", "hospital bay"),
    PHARMACY: ("filling area", "pick-up counter", "verification station", "stock shelves"),
    AMBULATORY: ("exam room", "waiting room", "check-in desk", "procedure room"),
}
# Discovery hour weights: day shift busiest, nights quieter but never empty.
HOUR_WEIGHTS = (2, 2, 2, 2, 2, 3, 4, 6, 8, 9, 9, 9, 8, 8, 8, 8, 7, 7, 6, 5, 4, 4, 3, 3)

_HERF = herf_core()


def weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def category_mix(spec: ProviderSpec) -> dict[str, float]:
    """This provider's category weights, without categories its units cannot host."""
    unit_types = {kind for _, kind in units_for(spec)}
    return {
        code: weight
        for code, weight in CATEGORY_MIX[spec.provider_type].items()
        if code not in _NEEDS_UNIT or _NEEDS_UNIT[code] & unit_types
    }


def event_type_mix(category: str, provider_type: str) -> dict[str, float]:
    """DE3 weights allowed for a DE21 category (AHRQ: not every category has near misses)."""
    answer = _HERF["DE21"].answer(category)
    if answer.near_miss and answer.unsafe_condition:
        if provider_type == PHARMACY:  # verification catches most errors before pickup
            return {INC: 30, NM: 55, UC: 15}
        return {INC: 55, NM: 30, UC: 15}
    if answer.near_miss:
        return {INC: 72, NM: 28}
    return {INC: 100}


def allowed(category: str, event_type: str) -> bool:
    answer = _HERF["DE21"].answer(category)
    if event_type == NM:
        return answer.near_miss
    if event_type == UC:
        return answer.unsafe_condition
    return True


def harm_mix(category: str) -> dict[str, float]:
    return HARMED_MIX if category in _HARMED_CATEGORIES else HARM_MIX


def patient_age(rng: random.Random, provider_type: str, category: str) -> int:
    if category == "A57":  # perinatal: the mother is the patient of record
        return rng.randint(17, 43)
    if provider_type == NURSING_HOME:
        return rng.randint(90, 104) if rng.random() < 0.2 else rng.randint(62, 89)
    bands = ((0, 17, 6), (18, 44, 18), (45, 64, 27), (65, 89, 44), (90, 103, 5))
    low, high, _ = rng.choices(bands, weights=[b[2] for b in bands])[0]
    return rng.randint(low, high)


def seasonality(month: int) -> float:
    """Winter peak (respiratory season, ice and falls), summer trough: about ±8 %."""
    return 1.0 + 0.08 * math.cos(2 * math.pi * (month - 1) / 12)


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder; exact sum)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
