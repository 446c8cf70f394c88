"""Charts as Vega-Lite (Altair) specifications, rendered on the server to accessible SVG.

The page never runs a charting script: `svg()` turns a chart into SVG markup with vl-convert
(embedded, no network), so the strict CSP (`script-src 'self'`, `style-src 'self'`) holds. The
SVG carries presentation attributes only, never a `style` attribute or element (which that CSP
would block); `svg()` refuses output that does. Each chart gets `role="img"` with a <title> and
<desc>, so a screen reader announces what the picture shows; the data table beside it in the
page carries the numbers (WCAG 1.1.1).

Builders take the statistics' dataclasses (openpso.analytics.stats) or plain rows, and pass the
data inline as records (not a DataFrame), so no row limit or pandas coercion applies.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import vl_convert

from openpso.analytics.stats.funnel import Funnel, FunnelLimit
from openpso.analytics.stats.pareto import ParetoBar
from openpso.analytics.stats.shrinkage import ShrunkRate
from openpso.analytics.stats.signals import Signal
from openpso.analytics.stats.spc import ControlChart

# Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
INK, MUTED, ACCENT, SIGNAL, WARN, CALM = "#1b1f24", "#4a5360", "#0b5cad", "#a4161a", "#b35900", "#1a7f37"
WIDTH, HEIGHT = 560, 220
FLAG_COLOURS = {
    "high_99.8": SIGNAL,
    "high_95": WARN,
    "in_control": "#6b7785",
    "low_95": "#2f7d8c",
    "low_99.8": CALM,
}
FLAG_LABELS = {
    "high_99.8": "Above 99.8% limit",
    "high_95": "Above 95% limit",
    "in_control": "Within limits",
    "low_95": "Below 95% limit",
    "low_99.8": "Below 99.8% limit",
}
RULE_LABELS = {
    "beyond_limits": "point beyond a limit",
    "shift": "shift (run on one side of the centre)",
    "trend": "trend",
    "two_of_three": "two of three near a limit",
    "too_few_runs": "too few runs",
    "too_many_runs": "too many runs",
    "astronomical": "astronomical point",
}
CHART_KINDS = {"u_prime": "Laney u′", "p_prime": "Laney p′", "xmr": "XmR", "run": "Run"}
CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans",
    "background": "white",
    "view": {"stroke": None},
    "title": {"anchor": "start", "fontSize": 14, "color": INK, "subtitleColor": MUTED},
    "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "titleFontSize": 12},
    "legend": {"labelColor": INK, "titleColor": INK, "orient": "bottom"},
}
# An Altair top-level chart (single, layered or faceted); Altair's own unions do not narrow well.
ChartSpec = Any
_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')
_FORBIDDEN = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def data(rows: Sequence[Mapping[str, Any]]) -> alt.InlineData:
    """Rows as inline data, non-finite numbers as null (Vega-Lite breaks a line there)."""
    return alt.InlineData(values=[{k: _clean(v) for k, v in row.items()} for row in rows])


def _months_axis(labels: Sequence[str], title: str = "Month") -> alt.X:
    # An explicit domain keeps the months in order across layers with different data.
    return alt.X("label:O", title=title, scale=alt.Scale(domain=list(labels)), axis=alt.Axis(labelAngle=-45))


def control_chart(chart: ControlChart, *, title: str, y_title: str, subtitle: str = "") -> ChartSpec:
    """Values joined by a line, the centre line and control limits per phase (stepped, as limits
    change with each point's exposure), phase breaks as dotted rules, signal points as red diamonds."""
    rows = [
        {
            "label": p.label,
            "value": p.value,
            "center": p.center,
            "lower": p.lower,
            "upper": p.upper,
            "phase": p.phase,
            "rules": ", ".join(RULE_LABELS.get(s, s) for s in p.signals),
            "signalled": bool(p.signals),
        }
        for p in chart.points
    ]
    labels = [p.label for p in chart.points]
    source = data(rows)
    x = _months_axis(labels)
    base = alt.Chart(source).encode(x=x)
    # Not from zero: the month-to-month variation against the limits is what the chart is for.
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
    layers: list[Any] = [
        base.mark_line(color=MUTED, interpolate="step", strokeWidth=1.5).encode(y="center:Q", detail="phase:N"),
        base.mark_line(color=MUTED, interpolate="step", strokeDash=[5, 3]).encode(y="upper:Q", detail="phase:N"),
        base.mark_line(color=MUTED, interpolate="step", strokeDash=[5, 3]).encode(y="lower:Q", detail="phase:N"),
        base.mark_line(color=ACCENT, point=alt.OverlayMarkDef(color=ACCENT, size=28)).encode(y=y),
        base.transform_filter("datum.signalled")
        .mark_point(shape="diamond", size=110, filled=True, color=SIGNAL)
        .encode(y="value:Q"),
    ]
    breaks = [p.label for i, p in enumerate(chart.points) if i and p.phase != chart.points[i - 1].phase]
    if breaks:
        layers.append(
            alt.Chart(data([{"label": b} for b in breaks]))
            .mark_rule(color=INK, strokeDash=[2, 2])
            .encode(x=_months_axis(labels))
        )
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle or alt.Undefined), width=WIDTH, height=HEIGHT
    )


def describe_control_chart(chart: ControlChart, *, what: str) -> str:
    """One or two sentences a screen reader can say instead of looking at the chart."""
    if not chart.points:
        return f"{what}: no months to show."
    first, last = chart.points[0], chart.points[-1]
    text = (
        f"{CHART_KINDS.get(chart.kind, chart.kind)} chart of {what} from {first.label} to {last.label}; "
        f"centre line {last.center:.3g} in the latest phase."
    )
    flagged = chart.signalled
    if flagged:
        months = ", ".join(f"{p.label} ({', '.join(RULE_LABELS.get(s, s) for s in p.signals)})" for p in flagged[:6])
        text += f" Signals in {len(flagged)} month(s): {months}."
    else:
        text += " No special-cause signal: common-cause variation only."
    return text


def funnel_plot(
    funnel: Funnel,
    *,
    title: str,
    x_title: str,
    y_title: str,
    highlight: str | None = None,
    subtitle: str = "",
    others: bool = True,
) -> ChartSpec:
    """Each provider's rate against its exposure, with 95% and 99.8% limits around the target.

    With `highlight`, that unit is drawn as a large black diamond. `others=False` (what a member
    sees) draws no other provider: one provider's rate and volume is a cell of one, and a member
    who knows its competitors' sizes could tell whose point is whose. The limits are then drawn
    only near the member's own volume, so their ends do not give away the smallest and largest
    peers' volumes either."""
    own = next((p for p in funnel.points if p.unit == highlight), None)
    if not others and own is None:
        raise ValueError("others=False needs the highlighted unit among the funnel's points")
    drawn = funnel.limits if others or own is None else _near(funnel, own.exposure)
    limits = [
        {"exposure": lim.exposure, "limit": name, "side": side, "rate": getattr(lim, f"{side}{key}")}
        for lim in drawn
        for key, name in (("95", "95% limits"), ("998", "99.8% limits"))
        for side in ("lower", "upper")
    ]
    points = [
        {"exposure": p.exposure, "rate": p.rate, "flag": FLAG_LABELS.get(p.flag, p.flag), "own": p.unit == highlight}
        for p in funnel.points
        if others or p.unit == highlight
    ]
    x = alt.X("exposure:Q", title=x_title, scale=alt.Scale(type="log"))
    y = alt.Y("rate:Q", title=y_title)
    flags = [FLAG_LABELS[f] for f in FLAG_COLOURS]
    colour = alt.Color(
        "flag:N",
        title="Position",
        scale=alt.Scale(domain=flags, range=list(FLAG_COLOURS.values())),
    )
    layers: list[Any] = [
        alt.Chart(data(limits))
        .mark_line(color=MUTED)
        .encode(
            x=x,
            y=y,
            detail="side:N",
            strokeDash=alt.StrokeDash(
                "limit:N",
                title="Limits",
                scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=[[5, 3], [1, 0]]),
            ),
        ),
        alt.Chart(data([{"target": funnel.target}])).mark_rule(color=INK).encode(y="target:Q"),
        alt.Chart(data(points)).mark_circle(size=30, opacity=0.85).encode(x=x, y=y, color=colour),
    ]
    if highlight is not None:
        layers.append(
            alt.Chart(data(points))
            .transform_filter("datum.own")
            .mark_point(shape="diamond", size=220, filled=True, color=INK)
            .encode(x=x, y=y)
        )
        layers.append(
            alt.Chart(data(points))
            .transform_filter("datum.own")
            .mark_text(dx=12, align="left", fontWeight="bold", color=INK)
            .encode(x=x, y=y, text=alt.value("You"))
        )
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle or alt.Undefined), width=WIDTH, height=HEIGHT + 40
    )


def _near(funnel: Funnel, exposure: float, *, factor: float = 4.0) -> tuple[FunnelLimit, ...]:
    return tuple(lim for lim in funnel.limits if exposure / factor <= lim.exposure <= exposure * factor)


def pareto_chart(
    bars: Sequence[ParetoBar], *, title: str, x_title: str, labels: Mapping[str, str] | None = None
) -> ChartSpec:
    """Bars in descending order with the cumulative share as a line on its own axis; the
    "vital few" bars (up to the 80% mark) are darker."""
    rows = [
        {
            "label": (labels or {}).get(b.label, b.label),
            "count": b.count,
            "cumulative": b.cumulative,
            "group": "Vital few" if b.vital_few else "Others",
        }
        for b in bars
    ]
    order = [str(r["label"]) for r in rows]
    x = alt.X("label:N", title=x_title, sort=order, axis=alt.Axis(labelAngle=-40, labelLimit=140))
    base = alt.Chart(data(rows)).encode(x=x)
    columns = base.mark_bar().encode(
        y=alt.Y("count:Q", title="Events"),
        color=alt.Color(
            "group:N", title=None, scale=alt.Scale(domain=["Vital few", "Others"], range=[ACCENT, "#8fb3d9"])
        ),
    )
    line = base.mark_line(color=SIGNAL, point=alt.OverlayMarkDef(color=SIGNAL)).encode(
        y=alt.Y("cumulative:Q", title="Cumulative share", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    )
    return alt.layer(columns, line).resolve_scale(y="independent").properties(title=title, width=WIDTH, height=HEIGHT)


def caterpillar(
    rates: Sequence[ShrunkRate], *, title: str, x_title: str, highlight: str | None = None, subtitle: str = ""
) -> ChartSpec:
    """Shrunken (empirical-Bayes) rates with their intervals, highest first; the raw rate is a
    hollow mark, so the reader sees how far a small provider was pulled towards its group.
    (Not by `rank`: ranks count within a peer group, and the chart may show several groups.)"""
    rows = [
        {
            "unit": r.unit,
            "raw": r.raw,
            "shrunk": r.shrunk,
            "lower": r.lower,
            "upper": r.upper,
            "own": r.unit == highlight,
        }
        for r in rates
    ]
    order = [r.unit for r in sorted(rates, key=lambda r: (-r.shrunk, r.unit))]
    y = alt.Y("unit:N", title=None, sort=order, axis=alt.Axis(labelLimit=120))
    base = alt.Chart(data(rows)).encode(y=y)
    layers = [
        base.mark_rule(color=MUTED).encode(x=alt.X("lower:Q", title=x_title), x2="upper:Q"),
        base.mark_point(shape="circle", color=MUTED, size=30).encode(x="raw:Q"),
        base.mark_circle(size=50).encode(
            x="shrunk:Q",
            color=alt.condition("datum.own", alt.value(SIGNAL), alt.value(ACCENT)),
        ),
    ]
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle or alt.Undefined), width=WIDTH - 120, height=max(120, 14 * len(rows))
    )


def small_multiples(
    rows: Sequence[Mapping[str, Any]],
    *,
    facet: str,
    y: str,
    title: str,
    y_title: str,
    columns: int = 3,
    order: Sequence[str] | None = None,
) -> ChartSpec:
    """One small line chart per `facet` value (in `order` where given, else alphabetical), months on
    x, shared y scale for comparison."""
    labels = sorted({str(r["label"]) for r in rows})
    return (
        alt.Chart(data(rows))
        .mark_line(color=ACCENT, point=alt.OverlayMarkDef(color=ACCENT, size=12))
        .encode(
            x=alt.X("label:O", title=None, scale=alt.Scale(domain=labels), axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y(f"{y}:Q", title=y_title),
        )
        .properties(width=150, height=80)
        .facet(facet=alt.Facet(f"{facet}:N", title=None, sort=list(order) if order else alt.Undefined), columns=columns)
        .properties(title=title)
    )


def series_chart(
    rows: Sequence[Mapping[str, Any]], *, title: str, y_title: str, series: Sequence[str], x_title: str = "Month"
) -> ChartSpec:
    """Lines by period (months, or years under a release profile) for a few named series (e.g. own
    rate and peer rate); a null value (a suppressed peer period) leaves a gap rather than a guess."""
    labels = sorted({str(r["label"]) for r in rows})
    dashes = [[1, 0], [5, 3], [2, 2], [8, 2]]
    return (
        alt.Chart(data(rows))
        .mark_line(point=True)
        .encode(
            x=_months_axis(labels, x_title),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "series:N", title=None, scale=alt.Scale(domain=list(series), range=[ACCENT, INK, WARN, CALM])
            ),
            strokeDash=alt.StrokeDash(
                "series:N", title=None, scale=alt.Scale(domain=list(series), range=dashes[: len(series)])
            ),
        )
        .properties(title=title, width=WIDTH, height=HEIGHT)
    )


def bar_chart(
    rows: Sequence[Mapping[str, Any]], *, x: str, y: str, title: str, x_title: str, y_title: str
) -> ChartSpec:
    """Plain horizontal bars in the order given."""
    order = [str(r[x]) for r in rows]
    return (
        alt.Chart(data(rows))
        .mark_bar(color=ACCENT)
        .encode(
            y=alt.Y(f"{x}:N", title=x_title, sort=order, axis=alt.Axis(labelLimit=200)),
            x=alt.X(f"{y}:Q", title=y_title),
        )
        .properties(title=title, width=WIDTH - 160, height=max(60, 22 * len(rows)))
    )


def signal_evidence(signal: Signal, *, title: str) -> ChartSpec:
    """Observed counts (bars) against the counts expected from the baseline rate (black ticks),
    per evidence row (usually months): how the excess built up."""
    rows = [{"label": e.label, "observed": e.observed, "expected": e.expected} for e in signal.evidence]
    labels = [e.label for e in signal.evidence]
    base = alt.Chart(data(rows)).encode(x=_months_axis(labels, title=""))
    layers = [
        base.mark_bar(color="#8fb3d9").encode(y=alt.Y("observed:Q", title="Events")),
        base.mark_tick(color=INK, thickness=3, size=18).encode(y="expected:Q"),
    ]
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle="Bars: observed events; black marks: expected from the baseline rate"),
        width=WIDTH,
        height=HEIGHT - 40,
    )


# --- rendering --------------------------------------------------------------------------------
def _title_of(spec: Mapping[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    return str(title or "Chart")


def svg(chart: Any, *, description: str | None = None, title: str | None = None) -> str:
    """The chart as SVG markup to put inline in a page (or a PDF), titled and described.

    Raises ValueError if the markup would need inline styles: the CSP would silently drop them.
    """
    # The builders above make valid specs (the tests render each); skipping validation saves a third.
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else dict(chart)
    spec["config"] = {**CONFIG, **spec.get("config", {})}
    title = title or _title_of(spec)
    description = description or title
    markup = vl_convert.vegalite_to_svg(spec)
    if _FORBIDDEN.search(markup):
        raise ValueError("chart SVG carries inline style, which the Content-Security-Policy would block")
    return accessible(markup, title=title, description=description)


def accessible(markup: str, *, title: str, description: str) -> str:
    """Give the root <svg> `role="img"`, a <title> and a <desc> (ids unique per chart content)."""
    tag_end = markup.index(">", markup.index("<svg")) + 1
    uid = "chart-" + hashlib.sha1((title + description + markup).encode(), usedforsecurity=False).hexdigest()[:10]
    head = markup[: tag_end - 1] + f' role="img" aria-labelledby="{uid}-t" aria-describedby="{uid}-d">'
    # Vega labels its marks for screen readers (roles, aria-label) inside the picture; under one
    # named image those are noise, and axe flags them (svg-img-alt). The data table has the numbers.
    body = _INNER_ARIA.sub("", markup[tag_end:])
    return (
        head
        + f'<title id="{uid}-t">{html.escape(title)}</title><desc id="{uid}-d">{html.escape(description)}</desc>'
        + body
    )
