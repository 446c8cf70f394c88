"""A dashboard's building blocks: a panel is one chart, the table behind it and a caption.

Panels are plain data (SVG markup, a DataFrame, text), so a page, a CSV download and a PDF
report (openpso.feedback) all show the same numbers. The builders here turn statistics into
panels; which panels each audience gets is `openpso.analytics.dashboards`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from openpso.analytics import charts
from openpso.analytics.engine import Lake
from openpso.analytics.measures import PER, label
from openpso.analytics.stats.funnel import Funnel, poisson_funnel
from openpso.analytics.stats.pareto import pareto
from openpso.analytics.stats.spc import ControlChart, laney_u_chart, u_chart
from openpso.commonformats.model import EXTENSION_CODE
from openpso.lib.months import shift_month
from openpso.lib.spreadsheet import safe_cell

MEASURE_WORDS = {
    "patient_days": "patient-days",
    "admissions": "admissions",
    "ems_responses": "EMS responses",
    "encounters": "encounters",
}
PARETO_TOP = 12
PERIOD_MONTHS = 24  # two years: twelve baseline months and twelve to watch
NO_DATA = "No pooled data yet: run `openpso lake refresh` once members have submitted events."
TYPE_WORDS = {
    "hospital": "hospitals",
    "nursing_home": "nursing homes",
    "ems_agency": "EMS agencies",
    "community_pharmacy": "community pharmacies",
    "ambulatory": "ambulatory practices",
    "other": "other providers",
}
# Unit types as the demo and the synthetic lake write them (organizations.Unit.unit_type is the
# provider's free text): shown by name, never the short code alone ("ld", "or").
UNIT_WORDS = {
    "med_surg": "medical-surgical",
    "icu": "intensive care (ICU)",
    "ed": "emergency department (ED)",
    "ld": "labour and delivery",
    "or": "operating room",
    "ltc": "long-term care",
    "rehab": "rehabilitation",
    "memory_care": "memory care",
    "lab": "laboratory",
    "medic_unit": "ambulance (medic unit)",
}


@dataclass
class Panel:
    """One chart with its data table; `drill` is a link relative to the dashboard's own URL
    (e.g. "signals/ab12cd34ef/") to the events behind it, or None."""

    id: str
    title: str
    svg: str
    table: pd.DataFrame
    caption: str
    suppressed: bool = False
    drill: str | None = None

    def csv(self, marks: Mapping[str, str] | None = None) -> str:
        """The panel's table as CSV; `marks` adds columns of one value on every row (what a
        released file must carry in itself: its PSWP label and release line)."""
        table = self.table.map(safe_cell)
        for name, value in (marks or {}).items():
            table[name] = safe_cell(value)
        return str(table.to_csv(index=False, lineterminator="\n"))


@dataclass(frozen=True)
class Drill:
    """What a drill-down lists: the pooled events matching these filters (non-identified rows)."""

    title: str
    months: tuple[str, str]
    category: str | None = None
    unit_type: str | None = None
    provider_type: str | None = None


@dataclass
class Dashboard:
    audience: str  # "pso" | "provider" | "system"
    title: str
    period: tuple[str, str]
    panels: list[Panel]
    months: list[str] = field(default_factory=list)  # months on offer as the period's end
    notes: list[str] = field(default_factory=list)
    drills: dict[str, Drill] = field(default_factory=dict)
    # A member or health-system dashboard is a release (openpso.nonid.release): the profile, the
    # peer groups as released (None: too few providers) and the authorising determination, for
    # the `Release` row recorded when it is built. None on the PSO analyst's own dashboard.
    release: tuple[Any, Any, Any] | None = None

    def panel(self, panel_id: str) -> Panel | None:
        return next((p for p in self.panels if p.id == panel_id), None)


def measure_words(measure: str) -> str:
    return MEASURE_WORDS.get(measure, measure.replace("_", " "))


def available_months(lake: Lake) -> list[str]:
    """Months with events in the lake, oldest first (the choices for the period's end)."""
    if not lake.exists():
        return []
    table = lake.table("agg_monthly")
    frame = lake.execute(table.select("event_month").distinct().order_by("event_month"))
    return [str(m) for m in frame["event_month"] if m]


def period_of(months: Sequence[str], end_month: str | None) -> tuple[str, str] | None:
    """The PERIOD_MONTHS months ending at `end_month` (default: the latest month with events), from
    the lake's first month at the earliest: the period shown, its label and the charts' months are
    months the lake holds, never months before it began (a lake starting in 2024-11 was once
    labelled "Months 2024-07 to 2026-06" and charted four empty months)."""
    if not months:
        return None
    end = end_month or months[-1]
    return max(shift_month(end, -(PERIOD_MONTHS - 1)), months[0]), end


def type_words(provider_type: str) -> str:
    return TYPE_WORDS.get(provider_type, provider_type.replace("_", " "))


def unit_words(unit_type: str) -> str:
    return UNIT_WORDS.get(unit_type, unit_type.replace("_", " "))


# --- control charts ------------------------------------------------------------------------------
def rate_chart(
    months: Sequence[str],
    counts: Mapping[str, int],
    exposures: Mapping[str, float],
    *,
    laney: bool,
    phase_starts: Sequence[int] = (),
) -> ControlChart | None:
    """A u chart (u′ with `laney`) of counts per PER units of exposure, months without exposure left out."""
    shown = [m for m in months if exposures.get(m, 0) > 0]
    if len(shown) < 2:
        return None
    build = laney_u_chart if laney else u_chart
    values = [counts.get(m, 0) for m in shown]
    return build(
        [None if v is None or pd.isna(v) else int(v) for v in values],  # None: hidden, skipped by the limits
        [float(exposures[m]) for m in shown],
        shown,
        per=PER,
        phase_starts=[i for i in phase_starts if 0 < i < len(shown)],
    )


def spc_panel(
    panel_id: str,
    *,
    title: str,
    what: str,
    chart: ControlChart | None,
    counts: Mapping[str, int],
    exposures: Mapping[str, float],
    measure: str,
    caption: str,
    drill: str | None = None,
) -> Panel:
    y_title = f"per {PER:,} {measure_words(measure)}"
    if chart is None:
        return empty_panel(panel_id, title=title, caption=f"{caption} Not enough months with volume data to chart.")
    kind = charts.CHART_KINDS.get(chart.kind, chart.kind)
    description = charts.describe_control_chart(chart, what=what)
    svg = charts.svg(
        charts.control_chart(chart, title=title, y_title=y_title, subtitle=f"{kind} chart"), description=description
    )
    table = pd.DataFrame(
        [
            {
                "month": p.label,
                "events": _count(counts.get(p.label, 0)),
                f"exposure ({measure_words(measure)})": exposures.get(p.label),
                f"rate per {PER:,}": _round(p.value),
                "centre": _round(p.center),
                "lower limit": _round(p.lower),
                "upper limit": _round(p.upper),
                "phase": p.phase + 1,
                "signals": "; ".join(charts.RULE_LABELS.get(s, s) for s in p.signals),
            }
            for p in chart.points
        ]
    )
    return Panel(panel_id, title, svg, table, f"{caption} {description}", drill=drill)


# --- Pareto ---------------------------------------------------------------------------------------
def pareto_panel(
    panel_id: str, *, title: str, counts: Mapping[str, int], kind: str, caption: str, drill: str | None = None
) -> Panel:
    """A Pareto of codes of `kind` (category, factor); the table lists every code, the chart the top ones."""
    if kind == "factor":
        # The factor list is OpenPSO's own: no chart of it may pass for AHRQ's
        # (see docs/decisions/0008-common-formats-as-data.md).
        caption = f"{caption} Factor codes OPSO-…: {EXTENSION_CODE}."
    counts = {k: int(v) for k, v in counts.items() if v > 0}
    if not counts:
        return empty_panel(panel_id, title=title, caption=caption)
    bars = pareto(counts)
    labels = {b.label: label(kind, b.label) for b in bars}
    chart = charts.pareto_chart(bars[:PARETO_TOP], title=title, x_title=kind.title(), labels=labels)
    vital = [labels[b.label] for b in bars if b.vital_few]
    description = (
        f"Pareto chart of {sum(counts.values()):,} events by {kind}. "
        f"{len(vital)} of {len(bars)} account for most of them: {', '.join(vital[:6])}."
    )
    table = pd.DataFrame(
        [
            {
                "code": b.label,
                kind: labels[b.label],
                "events": b.count,
                "share": round(b.share, 4),
                "cumulative share": round(b.cumulative, 4),
                "vital few": b.vital_few,
            }
            for b in bars
        ]
    )
    return Panel(
        panel_id, title, charts.svg(chart, description=description), table, f"{caption} {description}", drill=drill
    )


# --- funnel ----------------------------------------------------------------------------------------
def funnel_of(rows: pd.DataFrame) -> Funnel | None:
    """A Poisson funnel (overdispersion-adjusted) of `rows` (provider, n, exposure); no volume, no point."""
    rows = rows[rows["exposure"] > 0]
    if len(rows) < 3:
        return None
    return poisson_funnel(
        [int(n) for n in rows["n"]], [float(e) for e in rows["exposure"]], [str(p) for p in rows["provider"]], per=PER
    )


def funnel_description(funnel: Funnel, *, what: str) -> str:
    high = sum(p.flag == "high_99.8" for p in funnel.points)
    low = sum(p.flag == "low_99.8" for p in funnel.points)
    adjusted = "with" if funnel.overdispersed else "without"
    return (
        f"Funnel plot of {what} for {len(funnel.points)} providers around a pooled rate of {funnel.target:.3g} "
        f"per {PER:,}, {adjusted} an overdispersion adjustment; {high} above and {low} below the 99.8% limits."
    )


# --- helpers ---------------------------------------------------------------------------------------
def empty_panel(panel_id: str, *, title: str, caption: str, suppressed: bool = False) -> Panel:
    """A panel with nothing to draw: the caption says why (no data yet, or hidden to protect a small cell)."""
    return Panel(panel_id, title, "", pd.DataFrame(), caption, suppressed=suppressed)


def by_month(frame: pd.DataFrame, value: str) -> dict[str, Any]:
    return {str(m): v for m, v in zip(frame["event_month"], frame[value], strict=True)}


def _count(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
