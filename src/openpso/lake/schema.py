"""The lake's tables as Arrow schemas, and the conversion of pooled events into them.

Every column is described in docs/lake.md; the descriptions here ride along in the Parquet
files' field metadata, so a reader of a file alone can tell what each column means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped]

if TYPE_CHECKING:  # the schemas stay importable without Django (lake.synth, analytics)
    from openpso.nonid.pipeline import PooledEvent

# Bump when a table gains, loses or changes a column: the next refresh then rebuilds the lake.
LAYOUT = "lake/2"  # lake/2: the agg_* tables beside each events partition


def _field(name: str, kind: Any, description: str, *, nullable: bool = True) -> Any:
    return pa.field(name, kind, nullable=nullable, metadata={"description": description})


_PROFILE = _field("profile", pa.string(), "Non-identification profile the row was made under", nullable=False)

EVENTS = pa.schema(
    [
        _field("event_key", pa.string(), "Keyed hash of provider and event id; same for every version", nullable=False),
        _field("provider", pa.string(), "Provider pseudonym (random code from the PSO-held table)", nullable=False),
        _field("provider_type", pa.string(), "Provider type (peer attribute)"),
        _field("size_band", pa.string(), "Bed-size band (hospitals) or response-volume band (EMS)"),
        _field("region", pa.string(), "US Census region of the provider's State"),
        _field("event_month", pa.string(), "Month the event was discovered (DE9), YYYY-MM"),
        _field("event_year", pa.int16(), "Year the event was discovered", nullable=False),
        _field("event_type", pa.string(), "HERF DE3: A3 incident, A6 near miss, A9 unsafe condition"),
        _field("categories", pa.list_(pa.string()), "HERF DE21 category codes", nullable=False),
        _field("harm", pa.string(), "AHRQ harm scale (LOINC answer code), incidents only"),
        _field("patient_age_years", pa.int16(), "Patient age 0-89; 90 means 90 or older"),
        _field("patient_age_band", pa.string(), "Patient age band; 90+ for ages over 89"),
        _field("patient_sex", pa.string(), "HERF DE42 code"),
        _field("patient_zip3", pa.string(), "First three ZIP digits, 000 where the area is small"),
        _field("unit_type", pa.string(), "Type of the unit (name dropped)"),
        _field("modules", pa.list_(pa.string()), "Common Formats modules answered", nullable=False),
        _field("answers", pa.string(), "Module answers, JSON: linkId to non-identified value", nullable=False),
        _field("narrative", pa.string(), "Scrubbed narrative (DE15)", nullable=False),
        _field("location_detail", pa.string(), "Scrubbed location detail (DE18)"),
        _field("category_other", pa.string(), "Scrubbed 'Other: please specify' category text"),
        _field("reporter_role", pa.string(), "Scrubbed reporter job or position (DE36)"),
        _field("method", pa.string(), "How the PSO received it: push or functional", nullable=False),
        _field("version_number", pa.int32(), "Which version of the event (1 = first received)", nullable=False),
        _PROFILE,
        _field("engine_version", pa.string(), "Narrative de-identification engine version", nullable=False),
    ]
)

# OpenPSO's contributing-factor list, not AHRQ's (openpso-ext/contributing-factors-1.0).
_FACTOR = "Contributing-factor code: OpenPSO extension (not an AHRQ Common Formats code)"

CONTRIBUTING_FACTORS = pa.schema(
    [
        _field("event_key", pa.string(), "The event (events.event_key)", nullable=False),
        _field("event_month", pa.string(), "The event's month, YYYY-MM (its partition)"),
        _field("factor", pa.string(), _FACTOR, nullable=False),
        _PROFILE,
    ]
)

ACTIONS = pa.schema(
    [
        _field("event_key", pa.string(), "The event (events.event_key)", nullable=False),
        _field("event_month", pa.string(), "The event's month, YYYY-MM (its partition)"),
        _field("action_type", pa.string(), "RCA2 action-hierarchy type code", nullable=False),
        _field("strength", pa.string(), "stronger, intermediate or weaker", nullable=False),
        _field("status", pa.string(), "planned, in_progress or done", nullable=False),
        _field("due_month", pa.string(), "Month the action is due, YYYY-MM"),
        _field("due_year", pa.int16(), "Year the action is due"),
        _field("implemented_month", pa.string(), "Month the action was implemented, YYYY-MM"),
        _field("implemented_year", pa.int16(), "Year the action was implemented"),
        _PROFILE,
    ]
)

PROVIDERS = pa.schema(
    [
        _field("provider", pa.string(), "Provider pseudonym (random code from the PSO-held table)", nullable=False),
        _field("provider_type", pa.string(), "Provider type"),
        _field("size_band", pa.string(), "Bed-size band (hospitals) or response-volume band (EMS)"),
        _field("region", pa.string(), "US Census region of the provider's State"),
        _PROFILE,
    ]
)

DENOMINATORS = pa.schema(
    [
        _field("provider", pa.string(), "Provider pseudonym (random code from the PSO-held table)", nullable=False),
        _field("month", pa.string(), "Month, YYYY-MM; empty where the profile keeps the year only"),
        _field("year", pa.int16(), "Year", nullable=False),
        _field("measure", pa.string(), "patient_days, admissions, ems_responses or encounters", nullable=False),
        _field("value", pa.int64(), "The month's volume", nullable=False),
        _PROFILE,
    ]
)

PARTITIONED = {"events": EVENTS, "contributing_factors": CONTRIBUTING_FACTORS, "actions": ACTIONS}


def event_tables(events: Sequence[PooledEvent]) -> dict[str, Any]:
    """The rows of one month partition, one Arrow table per partitioned table."""
    rows = [
        {name: getattr(event, name) for name in EVENTS.names}
        | {"categories": list(event.categories), "modules": list(event.modules)}
        for event in events
    ]
    factors = [
        {"event_key": e.event_key, "event_month": e.event_month, "factor": code, "profile": e.profile}
        for e in events
        for code in e.contributing_factors
    ]
    actions = [
        {"event_key": e.event_key, "event_month": e.event_month, "profile": e.profile}
        | {name: getattr(a, name) for name in ACTIONS.names if hasattr(a, name)}
        for e in events
        for a in e.actions
    ]
    return {
        "events": pa.Table.from_pylist(rows, schema=EVENTS),
        "contributing_factors": pa.Table.from_pylist(factors, schema=CONTRIBUTING_FACTORS),
        "actions": pa.Table.from_pylist(actions, schema=ACTIONS),
    }


def table(rows: Iterable[dict[str, Any]], schema: Any) -> Any:
    return pa.Table.from_pylist(list(rows), schema=schema)
