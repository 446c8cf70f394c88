"""A provider's dashboard: its own data against its peers; and the pieces the health system's
dashboard (`dashboards.system`) shares with it.

A provider's own numbers are its own and need no suppression. Everything about other providers
is a release (docs/decisions/0017; `openpso.nonid.release`, docs/nonid.md): the peer group is the
providers sharing its released peer attributes, coarsened until every group holds at least k
providers; peer numbers carry the profile's dates (the year under release/1, the month only where
an expert determination authorises release-ed/1); every count goes through `suppress_counts` — a
small cell could identify a peer (42 CFR 3.212; docs/decisions/0011) — and the funnel shows the
group's limits with no other provider's point drawn. The dashboard says which profile it was
released under and the k measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd  # type: ignore[import-untyped]

from openpso.analytics import charts
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import Scope, category_counts, factor_counts, monthly_counts, monthly_exposure
from openpso.analytics.expressions import provider_counts as provider_counts_query
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
from openpso.analytics.stats.spc import run_chart
from openpso.analytics.suite import recent_months, recent_words
from openpso.lib.months import month_range
from openpso.nonid.profiles import RELEASE, Profile
from openpso.nonid.release import (
    PeerRelease,
    ReleaseRefused,
    period_of_month,
    release_line,
    release_peers,
    type_group_words,
)
from openpso.nonid.suppression import suppress_counts
from openpso.pswp.labels import release_label

if TYPE_CHECKING:
    from openpso.nonid.models import ExpertDetermination

# A phase needs enough points for its own limits: Provost & Murray suggest at least 6 (better 12)
# before limits are recomputed after a change, so an action starts a phase only with 6 on each side.
MIN_PHASE = 6
STRONG = ("stronger", "intermediate")


def members_of(lake: Lake) -> pd.DataFrame:
    return lake.execute(lake.table("providers").select("provider", "provider_type", "size_band", "region"))


def peer_release(lake: Lake, profile: Profile = RELEASE) -> PeerRelease | None:
    """The pool's providers with their peer attributes as `profile` may release them (None: too few)."""
    try:
        return release_peers(members_of(lake), profile=profile)
    except ReleaseRefused:
        return None


def periods_of(window: Sequence[str], profile: Profile) -> list[str]:
    """The dates a release of `window`'s months may carry: the months, or their years."""
    return list(dict.fromkeys(period_of_month(m, profile) for m in window))


def by_period(values: Mapping[str, Any], window: Sequence[str], profile: Profile) -> dict[str, Any]:
    """Monthly values (own counts, exposures) summed into the profile's periods."""
    summed: dict[str, Any] = {}
    for m in window:
        if values.get(m) is not None:
            key = period_of_month(m, profile)
            summed[key] = summed.get(key, 0) + values[m]
    return summed


def suppressed_monthly(
    lake: Lake, scope: Scope, window: Sequence[str], profile: Profile = RELEASE
) -> tuple[dict[str, Any], bool]:
    """Counts of a group of other providers per period of `profile` (month or year), each through
    small-cell suppression (None = hidden).

    A year's providers are counted as its busiest month's: never more than the distinct providers
    of the year, so a year is hidden whenever its true count of providers would hide it."""
    periods = periods_of(window, profile)
    if not scope.providers:
        return dict.fromkeys(periods), True
    frame = lake.execute(monthly_counts(lake, scope))
    counts, providers = by_month(frame, "n"), by_month(frame, "providers")
    cells: dict[str, dict[str, int]] = {p: {"n": 0, "providers": 0} for p in periods}
    for m in window:
        cell = cells[period_of_month(m, profile)]
        cell["n"] += int(counts.get(m, 0))
        cell["providers"] = max(cell["providers"], int(providers.get(m, 0)))
    rows = [{"period": p, **cells[p]} for p in periods]
    shown = suppress_counts(rows, by=["period"], count="n", providers="providers", with_totals=False)
    return {str(r["period"]): r["n"] for r in shown}, any(r["suppressed"] for r in shown)


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
    unit: str = "month",
) -> Panel:
    """Own rate per period (`window`: months or years, `unit`) beside a suppressed peer aggregate's;
    a hidden peer period shows as a gap."""
    (own_counts, own_exposure), (peer_counts, peer_exposure) = own, peers
    rows, table = [], []
    for m in window:
        mine, theirs = _rate(own_counts.get(m, 0), own_exposure.get(m)), _rate(peer_counts.get(m), peer_exposure.get(m))
        rows += [{"label": m, "series": names[0], "value": mine}, {"label": m, "series": names[1], "value": theirs}]
        table.append(
            {
                unit: m,
                f"{names[0]}: events": int(own_counts.get(m, 0)),
                f"{names[0]}: rate per {PER:,}": mine,
                f"{names[1]}: events": peer_counts.get(m),
                f"{names[1]}: rate per {PER:,}": theirs,
                f"{names[1]}: suppressed": peer_counts.get(m) is None,
            }
        )
    hidden = sum(bool(t[f"{names[1]}: suppressed"]) for t in table)
    chart = charts.series_chart(
        rows,
        title=title,
        y_title=f"per {PER:,} {measure_words(measure)}",
        series=names,
        x_title="Month" if unit == "month" else "Year",
    )
    every = "Monthly" if unit == "month" else "Yearly"
    description = f"{every} event rates per {PER:,} {measure_words(measure)}: {names[0]} against {names[1]}."
    if hidden:
        description += f" {hidden} {unit}(s) of the peer rate are hidden to protect small numbers."
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


def _own_funnel(
    lake: Lake, pseudonym: str, group: frozenset[str], words: str, window: tuple[str, str], span: str
) -> Panel:
    recent = Scope(providers=group, months=window)
    measure = measure_words(_measure_of(lake, group) or "encounters")
    title = f"Where you stand among {words}: events per {PER:,} {measure}"
    funnel = funnel_of(lake.execute(provider_counts_query(lake, recent)))
    caption = (
        f"Over {span}. You are the black diamond; the lines are the limits for a provider of each "
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
    description += funnel_description(funnel, what=f"events among {words}")
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


def _measure_of(lake: Lake, group: frozenset[str]) -> str | None:
    """The one rate measure of a group's provider types; None where they mix measures."""
    members = members_of(lake)
    types = set(members[members["provider"].isin(sorted(group))]["provider_type"].dropna())
    measures = {RATE_MEASURE.get(str(t), "encounters") for t in types}
    return measures.pop() if len(measures) == 1 else None


def group_words(released: PeerRelease, provider: str, own_type: str) -> str:
    """The released peer group in words: "hospitals in the South", "hospitals and nursing homes"."""
    label = released.label_of(provider, "provider_type")
    words = type_words(own_type) if label == own_type else (type_group_words(label or "*") or type_words(own_type))
    region = released.label_of(provider, "region")
    return f"{words} in the {region}" if region and region != "<none>" else words


def release_window(period: tuple[str, str], profile: Profile) -> tuple[str, str]:
    """The months a funnel of peers covers: the last 12 under a month profile; the period end's
    calendar year (so far) under a year profile, so no month boundary is released."""
    if profile.date_precision == "month":
        return recent_months(period)
    return max(period[0], f"{period[1][:4]}-01"), period[1]


def release_span(period: tuple[str, str], profile: Profile) -> str:
    """`release_window` in words."""
    return recent_words(period) if profile.date_precision == "month" else f"{period[1][:4]} (the year so far)"


def provider_dashboard(
    lake: Lake,
    provider_pseudonym: str,
    *,
    end_month: str | None = None,
    profile: Profile = RELEASE,
    determination: ExpertDetermination | None = None,
) -> Dashboard:
    """One provider's own rates and SPC, against its released peer group (`profile`), suppressed."""
    months = available_months(lake)
    period = period_of(months, end_month)
    if period is None:
        return Dashboard("provider", "Your organisation", ("", ""), [], months=months, notes=[NO_DATA])
    members = members_of(lake)
    me = members[members["provider"] == provider_pseudonym]
    if me.empty:
        note = "Your organisation has no events in the pool yet: submit events to your PSO to see them here."
        return Dashboard("provider", "Your organisation", period, [], months=months, notes=[note])
    provider_type = str(me["provider_type"].iloc[0])
    released = peer_release(lake, profile)
    measure = RATE_MEASURE.get(provider_type, "encounters")
    window = month_range(*period)
    own = Scope(providers=frozenset({provider_pseudonym}), months=period)
    counts, exposure = monthly_rates(lake, own)
    actions = _own_actions(lake, provider_pseudonym, period)
    starts, breaks = _phase_starts([m for m in window if exposure.get(m, 0) > 0], actions)
    phase_note = f" Limits recomputed after actions implemented in {', '.join(breaks)}." if breaks else ""
    dashboard = Dashboard("provider", "Your organisation", period, [], months=months)
    dashboard.notes += [release_line(profile, released, determination), str(release_label(profile.id))]
    dashboard.release = (profile, released, determination)
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
        *_peer_panels(lake, released, provider_pseudonym, provider_type, (counts, exposure), period, profile),
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


def _peer_panels(
    lake: Lake,
    released: PeerRelease | None,
    me: str,
    provider_type: str,
    own: tuple[Mapping[str, Any], Mapping[str, Any]],
    period: tuple[str, str],
    profile: Profile,
) -> list[Panel]:
    """The provider against its released peer group: rates per period of the profile, and the funnel."""
    title = "You and your peers"
    if released is None:
        caption = "The pool has too few providers for any peer group to hold enough of them to be shown."
        return [empty_panel("peers", title=title, caption=caption)]
    group = released.peers_of(me)
    peers = group - {me}
    words = group_words(released, me, provider_type)
    measure = _measure_of(lake, group)
    if measure is None:
        caption = f"Your peer group ({words}) mixes rate measures, so no peer rate is drawn."
        return [empty_panel("peers", title=title, caption=caption)]
    window = month_range(*period)
    periods, unit = periods_of(window, profile), profile.date_precision
    peer_scope = Scope(providers=peers, months=period)
    peer_counts, _ = suppressed_monthly(lake, peer_scope, window, profile)
    peer_exposure = by_period(by_month(lake.execute(monthly_exposure(lake, peer_scope)), "exposure"), window, profile)
    counts, exposure = own
    return [
        comparison_panel(
            "peers",
            title=f"{title}: {words}",
            names=("You", "Peers"),
            window=periods,
            own=(by_period(counts, window, profile), by_period(exposure, window, profile)),
            peers=(peer_counts, peer_exposure),
            caption=f"Peers: the other {len(peers)} {words} in the pool, as one non-identified aggregate.",
            measure=measure,
            unit=unit,
        ),
        _own_funnel(lake, me, group, words, release_window(period, profile), release_span(period, profile)),
    ]
