"""A provider's dashboard: its own data against its peers; and the pieces the health system's
dashboard (`system_dashboard`) shares with it.

A provider's own numbers are its own and need no suppression. Everything about other providers
reaches it only as an aggregate of its peer group (same provider type and size band) with every
count through `suppress_counts` — a small cell could identify a peer (42 CFR 3.212; docs/
decisions/0011) — or as the funnel's limits, with no other provider's point drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from openpso.analytics import charts
from openpso.analytics.engine import Lake
from openpso.analytics.measures import PER, RATE_MEASURE
from openpso.analytics.panels import (
    NO_DATA,
    Dashboard,
    Panel,
    available_months,
    by_month,
    empty_panel,
    funnel_description,
    funnel_of,
    measure_words,
    pareto_panel,
    period_of,
    rate_chart,
    spc_panel,
    type_words,
)
from openpso.analytics.queries import Scope, category_counts, factor_counts, monthly_counts, monthly_exposure
from openpso.analytics.queries import provider_counts as provider_counts_query
from openpso.analytics.stats.spc import run_chart
from openpso.analytics.suite import recent_months, recent_words
from openpso.lake.months import month_range
from openpso.nonid.suppression import suppress_counts

# A phase needs enough points for its own limits: Provost & Murray suggest at least 6 (better 12)
# before limits are recomputed after a change, so an action starts a phase only with 6 on each side.
MIN_PHASE = 6
STRONG = ("stronger", "intermediate")


def members_of(lake: Lake) -> pd.DataFrame:
    return lake.execute(lake.table("providers").select("provider", "provider_type", "size_band", "region"))


def suppressed_monthly(lake: Lake, scope: Scope, window: Sequence[str]) -> tuple[dict[str, Any], bool]:
    """Monthly counts of a group of other providers, each through small-cell suppression (None = hidden)."""
    if not scope.providers:
        return dict.fromkeys(window), True
    frame = lake.execute(monthly_counts(lake, scope))
    counts, providers = by_month(frame, "n"), by_month(frame, "providers")
    rows = [{"event_month": m, "n": int(counts.get(m, 0)), "providers": int(providers.get(m, 0))} for m in window]
    shown = suppress_counts(rows, by=["event_month"], count="n", providers="providers", with_totals=False)
    return {str(r["event_month"]): r["n"] for r in shown}, any(r["suppressed"] for r in shown)


def monthly_rates(lake: Lake, scope: Scope) -> tuple[dict[str, Any], dict[str, Any]]:
    """Events and exposure by month of `scope`'s own rows (no suppression: the viewer's own data)."""
    counts = by_month(lake.execute(monthly_counts(lake, scope)), "n")
    return counts, by_month(lake.execute(monthly_exposure(lake, scope)), "exposure")


def _rate(count: Any, exposure: Any) -> float | None:
    if count is None or not exposure:
        return None
    return round(float(count) / float(exposure) * PER, 4)


def comparison_panel(
    panel_id: str,
    *,
    title: str,
    names: tuple[str, str],
    window: Sequence[str],
    own: tuple[Mapping[str, Any], Mapping[str, Any]],
    peers: tuple[Mapping[str, Any], Mapping[str, Any]],
    caption: str,
    measure: str,
) -> Panel:
    """Own monthly rate beside a suppressed peer aggregate's; a hidden peer month shows as a gap."""
    (own_counts, own_exposure), (peer_counts, peer_exposure) = own, peers
    rows, table = [], []
    for m in window:
        mine, theirs = _rate(own_counts.get(m, 0), own_exposure.get(m)), _rate(peer_counts.get(m), peer_exposure.get(m))
        rows += [{"label": m, "series": names[0], "value": mine}, {"label": m, "series": names[1], "value": theirs}]
        table.append(
            {
                "month": m,
                f"{names[0]}: events": int(own_counts.get(m, 0)),
                f"{names[0]}: rate per {PER:,}": mine,
                f"{names[1]}: events": peer_counts.get(m),
                f"{names[1]}: rate per {PER:,}": theirs,
                f"{names[1]}: suppressed": peer_counts.get(m) is None,
            }
        )
    hidden = sum(bool(t[f"{names[1]}: suppressed"]) for t in table)
    chart = charts.series_chart(rows, title=title, y_title=f"per {PER:,} {measure_words(measure)}", series=names)
    description = f"Monthly event rates per {PER:,} {measure_words(measure)}: {names[0]} against {names[1]}."
    if hidden:
        description += f" {hidden} month(s) of the peer rate are hidden to protect small numbers."
    svg = charts.svg(chart, description=description)
    return Panel(panel_id, title, svg, pd.DataFrame(table), f"{caption} {description}", suppressed=bool(hidden))


def _phase_starts(shown: Sequence[str], actions: pd.DataFrame) -> tuple[list[int], list[str]]:
    """Phase breaks at months where a stronger or intermediate action was implemented, MIN_PHASE apart."""
    if actions.empty:
        return [], []
    done = actions[actions["strength"].isin(STRONG) & actions["implemented_month"].notna()]
    starts: list[int] = []
    for month in sorted(set(done["implemented_month"])):
        index = next((i for i, m in enumerate(shown) if m >= month), None)
        if index is None or index - (starts[-1] if starts else 0) < MIN_PHASE or len(shown) - index < MIN_PHASE:
            continue
        starts.append(index)
    return starts, [shown[i] for i in starts]


def _own_actions(lake: Lake, pseudonym: str, period: tuple[str, str]) -> pd.DataFrame:
    """The provider's actions on its events of the period (the actions table has no provider column)."""
    events = lake.table("events")
    own = events.filter((events.provider == pseudonym) & events.event_month.between(*period)).select("event_key")
    actions = lake.table("actions")
    joined = actions.filter(actions.event_month.between(*period)).join(own, "event_key")
    keys = ["action_type", "strength", "status", "implemented_month"]
    counted = joined.group_by(keys).aggregate(n=joined.count())
    return lake.execute(counted.order_by([*keys]))


def _actions_panel(actions: pd.DataFrame) -> Panel:
    title = "Your actions on these events"
    caption = "RCA² action strength (stronger, intermediate, weaker) and status of the actions on your events."
    if actions.empty:
        return empty_panel("actions", title=title, caption=f"{caption} None recorded in this period.")
    grouped = actions.groupby(["strength", "status"], dropna=False)["n"].sum().reset_index()
    rows = [
        {"what": f"{s} · {st}".replace("_", " "), "actions": int(n)}
        for s, st, n in zip(grouped["strength"], grouped["status"], grouped["n"], strict=True)
    ]
    chart = charts.bar_chart(rows, x="what", y="actions", title=title, x_title="", y_title="Actions")
    description = "Actions by strength and status: " + ", ".join(f"{r['what']} {r['actions']}" for r in rows) + "."
    table = actions.rename(columns={"action_type": "action type", "implemented_month": "implemented", "n": "actions"})
    return Panel("actions", title, charts.svg(chart, description=description), table, f"{caption} {description}")


def _harm_run_panel(window: Sequence[str], harmful: Mapping[str, int]) -> Panel:
    """Harmful events are few at one provider: a run chart of the counts (median and the run rules of
    Provost & Murray) reads them without pretending to limits that so few events cannot support."""
    title = "Your harmful events, month by month"
    counts = [int(harmful.get(m, 0)) for m in window]
    caption = "Incidents with harm from mild to death (AHRQ harm scale). Run chart: the line is the median."
    if len(window) < 2:
        return empty_panel("harm", title=title, caption=caption)
    chart = run_chart([float(c) for c in counts], list(window))
    median = chart.points[0].center
    found = [f"{p.label} ({'; '.join(charts.RULE_LABELS.get(s, s) for s in p.signals)})" for p in chart.signalled]
    pattern = (
        f"Non-random pattern in {len(found)} month(s): {', '.join(found[:5])}."
        if found
        else "No non-random pattern (shift, trend or runs)."
    )
    description = (
        f"Run chart of your harmful events per month, {window[0]} to {window[-1]}; median {median:g}. {pattern}"
    )
    svg = charts.svg(
        charts.control_chart(chart, title=title, y_title="harmful events", subtitle="Run chart"),
        description=description,
    )
    table = pd.DataFrame(
        [
            {
                "month": p.label,
                "harmful events": int(p.value or 0),
                "median": p.center,
                "signals": "; ".join(charts.RULE_LABELS.get(s, s) for s in p.signals),
            }
            for p in chart.points
        ]
    )
    return Panel("harm", title, svg, table, f"{caption} {description}")


def member_paretos(lake: Lake, scope: Scope, *, titles: tuple[str, str], captions: tuple[str, str]) -> list[Panel]:
    """Categories (with a drill-down to the events) and contributing factors of the member's own rows."""
    categories = lake.execute(category_counts(lake, scope))[["category", "n"]].values
    factors = lake.execute(factor_counts(lake, scope))[["factor", "n"]].values
    return [
        pareto_panel(
            "categories",
            title=titles[0],
            counts={str(k): int(n) for k, n in categories},
            kind="category",
            caption=captions[0],
            drill="events/",
        ),
        pareto_panel(
            "factors",
            title=titles[1],
            counts={str(k): int(n) for k, n in factors},
            kind="factor",
            caption=captions[1],
        ),
    ]


def _own_funnel(lake: Lake, pseudonym: str, provider_type: str, period: tuple[str, str]) -> Panel:
    recent = Scope(provider_type=provider_type, months=recent_months(period))
    measure = measure_words(RATE_MEASURE.get(provider_type, "encounters"))
    title = f"Where you stand among {type_words(provider_type)}: events per {PER:,} {measure}"
    funnel = funnel_of(lake.execute(provider_counts_query(lake, recent)))
    caption = (
        f"Over {recent_words(period)}. You are the black diamond; the lines are the limits for a provider of each "
        "volume. Other providers are not drawn: one provider's rate and volume could identify it."
    )
    mine = next((p for p in funnel.points if p.unit == pseudonym), None) if funnel else None
    if funnel is None or mine is None:
        return empty_panel("funnel", title=title, caption=f"{caption} Not enough providers with volume data.")
    chart = charts.funnel_plot(
        funnel,
        title=title,
        x_title=measure.capitalize(),
        y_title=f"Events per {PER:,}",
        highlight=pseudonym,
        others=False,
    )
    position = charts.FLAG_LABELS.get(mine.flag, mine.flag)
    description = f"Your rate {mine.rate:.3g} against the pooled {funnel.target:.3g} per {PER:,}: {position.lower()}. "
    description += funnel_description(funnel, what=f"events among {type_words(provider_type)}")
    table = pd.DataFrame(
        [
            {
                "your events": mine.count,
                f"your exposure ({measure})": mine.exposure,
                f"your rate per {PER:,}": round(mine.rate, 4),
                f"pooled rate per {PER:,}": round(funnel.target, 4),
                "z": round(mine.z, 3),
                "position": position,
            }
        ]
    )
    return Panel("funnel", title, charts.svg(chart, description=description), table, f"{caption} {description}")


def provider_dashboard(lake: Lake, provider_pseudonym: str, *, end_month: str | None = None) -> Dashboard:
    """One provider's own rates and SPC, against its peer group (same type and size band), suppressed."""
    months = available_months(lake)
    period = period_of(months, end_month)
    if period is None:
        return Dashboard("provider", "Your organisation", ("", ""), [], months=months, notes=[NO_DATA])
    members = members_of(lake)
    me = members[members["provider"] == provider_pseudonym]
    if me.empty:
        note = "Your organisation has no events in the pool yet: submit events to your PSO to see them here."
        return Dashboard("provider", "Your organisation", period, [], months=months, notes=[note])
    provider_type, band = str(me["provider_type"].iloc[0]), me["size_band"].iloc[0]
    same_band = members["size_band"].isna() if pd.isna(band) else members["size_band"] == band
    peer_ids = members[(members["provider_type"] == provider_type) & same_band]["provider"]
    peers = frozenset(str(p) for p in peer_ids if p != provider_pseudonym)
    measure = RATE_MEASURE.get(provider_type, "encounters")
    window = month_range(*period)
    own = Scope(providers=frozenset({provider_pseudonym}), months=period)
    counts, exposure = monthly_rates(lake, own)
    actions = _own_actions(lake, provider_pseudonym, period)
    starts, breaks = _phase_starts([m for m in window if exposure.get(m, 0) > 0], actions)
    peer_scope = Scope(providers=peers, months=period)
    peer_counts, _ = suppressed_monthly(lake, peer_scope, window)
    peer_exposure = by_month(lake.execute(monthly_exposure(lake, peer_scope)), "exposure") if peers else {}
    phase_note = f" Limits recomputed after actions implemented in {', '.join(breaks)}." if breaks else ""
    group = f"{type_words(provider_type)} of your size band"
    dashboard = Dashboard("provider", "Your organisation", period, [], months=months)
    dashboard.panels += [
        spc_panel(
            "rate",
            title=f"Your events per {PER:,} {measure_words(measure)}",
            what="your monthly event rate",
            chart=rate_chart(window, counts, exposure, laney=False, phase_starts=starts),
            counts=counts,
            exposures=exposure,
            measure=measure,
            caption=f"u chart of your own events.{phase_note}",
            drill="events/",
        ),
        _harm_run_panel(window, by_month(lake.execute(monthly_counts(lake, own, harmful_only=True)), "n")),
        comparison_panel(
            "peers",
            title=f"You and your peers: {group}",
            names=("You", "Peers"),
            window=window,
            own=(counts, exposure),
            peers=(peer_counts, peer_exposure),
            caption=f"Peers: the other {len(peers)} {group} in the pool, as one non-identified aggregate.",
            measure=measure,
        ),
        _own_funnel(lake, provider_pseudonym, provider_type, period),
        *member_paretos(
            lake,
            own,
            titles=("Your events by category", "Your top contributing factors"),
            captions=(
                "An event counts once in each of its categories.",
                "Contributing factors found in your investigations.",
            ),
        ),
        _actions_panel(actions),
    ]
    return dashboard
