"""The structured fields of a submission on their way to the pool (see `nonid.pipeline`).

Each helper returns what may stay and notes in `fields` (field → action) what it removed or
generalised, for the event's removal record. Coded fields keep only codes of their list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpso.nonid.geography import zip3
from openpso.nonid.pipeline_answers import code_lists, factor_codes
from openpso.nonid.profiles import Profile

AGE_BANDS = ((17, "0-17"), (44, "18-44"), (64, "45-64"), (74, "65-74"), (84, "75-84"), (89, "85-89"))
OVER_89 = "90+"
_UNIT_TYPE = re.compile(r"[a-z0-9][a-z0-9_ -]{0,39}")


@dataclass(frozen=True)
class PooledAction:
    action_type: str
    strength: str
    status: str
    due_month: str | None  # "YYYY-MM"
    due_year: int | None
    implemented_month: str | None
    implemented_year: int | None


def mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def coded(value: Any, fields: dict[str, str], name: str, *, kind: str | None = None) -> str | None:
    """`value` when it is a code of the list for `kind` (default: the field's own name)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value in code_lists()[kind or name]:
        return value
    fields[name] = "removed_not_a_code"
    return None


def codes(values: Any, fields: dict[str, str], name: str) -> tuple[str, ...]:
    if not values:
        return ()
    items = values if isinstance(values, list | tuple) else [values]
    allowed = code_lists()[name]
    kept = tuple(v for v in items if isinstance(v, str) and v in allowed)
    if len(kept) != len(items):
        fields[name] = "removed_values_not_codes"
    return kept


def factors(values: Any, fields: dict[str, str]) -> tuple[str, ...]:
    """Codes of OpenPSO's contributing-factor list (not AHRQ's); labels and anything else go."""
    if not values:
        return ()
    items = values if isinstance(values, list | tuple) else [values]
    codes = [v.get("code") if isinstance(v, Mapping) else v for v in items]
    kept = tuple(dict.fromkeys(c for c in codes if isinstance(c, str) and c in factor_codes()))
    if len(kept) != len(items):
        fields["analysis.contributing_factors"] = "removed_values_not_codes"
    return kept


def unit_type(unit: Mapping[str, Any] | None, fields: dict[str, str]) -> str | None:
    if unit is None:
        return None
    fields["unit.name"] = fields["unit.id"] = "removed"
    value = str(unit.get("unit_type") or "").strip().lower()
    if not value:
        return None
    if _UNIT_TYPE.fullmatch(value):
        return value
    fields["unit.unit_type"] = "removed_not_a_code"
    return None


def age_band(age: int) -> str:
    for upper, label in AGE_BANDS:
        if age <= upper:
            return label
    return OVER_89


def patient_age(patient: Any, profile: Profile, fields: dict[str, str]) -> tuple[int | None, str | None]:
    if not isinstance(patient, Mapping) or patient.get("age_years") in (None, ""):
        return None, None
    try:
        age = int(patient["age_years"])
    except (TypeError, ValueError):
        fields["patient.age_years"] = "removed_not_a_number"
        return None, None
    if age < 0:
        fields["patient.age_years"] = "removed_not_a_number"
        return None, None
    # Safe Harbor (164.514(b)(2)(i)(C)): ages over 89 aggregate into one category, 90 or older.
    if age > 89:
        fields["patient.age_years"] = "aggregated_90_plus"
    elif not profile.exact_age:
        fields["patient.age_years"] = "generalised_to_band"
    years = min(age, 90) if profile.exact_age else None
    return years, age_band(age)


def patient_zip3(patient: Mapping[str, Any], profile: Profile, fields: dict[str, str]) -> str | None:
    raw = patient.get("zip") or patient.get("postal_code")
    if not raw:
        return None
    if not profile.zip3:
        fields["patient.zip"] = "removed"
        return None
    value = zip3(str(raw))
    fields["patient.zip"] = (
        "removed" if value is None else "suppressed_000" if value == "000" else "generalised_to_zip3"
    )
    return value


def _period(value: Any, profile: Profile) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None, None
    return (f"{day:%Y-%m}" if profile.date_precision == "month" else None), day.year


def actions(values: Any, profile: Profile, fields: dict[str, str]) -> tuple[PooledAction, ...]:
    if not isinstance(values, list):
        return ()
    actions = []
    for i, action in enumerate(values):
        if not isinstance(action, Mapping):
            continue
        prefix = f"analysis.actions.{i}"
        due_month, due_year = _period(action.get("due_on"), profile)
        done_month, done_year = _period(action.get("implemented_on"), profile)
        for name in ("due_on", "implemented_on"):
            if action.get(name):
                fields[f"{prefix}.{name}"] = f"generalised_to_{profile.date_precision}"
        for name in action:
            if name not in ("action_type", "strength", "status", "due_on", "implemented_on"):
                fields[f"{prefix}.{name}"] = "removed_unknown_field"
        actions.append(
            PooledAction(
                action_type=coded(action.get("action_type"), fields, f"{prefix}.action_type", kind="action_type") or "",
                strength=coded(action.get("strength"), fields, f"{prefix}.strength", kind="strength") or "",
                status=coded(action.get("status"), fields, f"{prefix}.status", kind="status") or "",
                due_month=due_month,
                due_year=due_year,
                implemented_month=done_month,
                implemented_year=done_year,
            )
        )
    return tuple(actions)
