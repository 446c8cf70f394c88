"""A health system's dashboard: its sharing affiliates by name, each one's SPC, and the system
against the rest of the pool, suppressed.

The affiliates are those whose member agreement in force lets the system see their data
(`MemberAgreement.system_may_view`); everything about other providers goes through small-cell
suppression, as on a provider's dashboard (`member_dashboards`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd  # type: ignore[import-untyped]

from openpso.analytics import charts
from openpso.analytics.engine import Lake
from openpso.analytics.measures import PER, RATE_MEASURE
from openpso.analytics.member_dashboards import (
    comparison_panel,
    member_paretos,
    members_of,
    monthly_rates,
    suppressed_monthly,
)
from openpso.analytics.panels import (
    NO_DATA,
    Dashboard,
    Panel,
    available_months,
    by_month,
    measure_words,
    period_of,
    rate_chart,
    spc_panel,
    type_words,
)
from openpso.analytics.queries import Scope, monthly_exposure
from openpso.analytics.queries import provider_counts as provider_counts_query
from openpso.analytics.stats.rates import poisson_rate
from openpso.lake.months import month_range

AFFILIATE_CHARTS = 12  # one u chart per affiliate, at most this many


def _affiliate_table(lake: Lake, affiliates: Mapping[str, str], period: tuple[str, str]) -> Panel:
    frame = lake.execute(provider_counts_query(lake, Scope(providers=frozenset(affiliates), months=period)))
    rows = []
    for p, kind, n, e in zip(frame["provider"], frame["provider_type"], frame["n"], frame["exposure"], strict=True):
        rate = poisson_rate(int(n), float(e), per=PER) if e > 0 else None
        rows.append(
            {
                "affiliate": affiliates[str(p)],
                "provider type": str(kind),
                "events": int(n),
                "exposure": float(e),
                "per": measure_words(RATE_MEASURE.get(str(kind), "encounters")),
                f"rate per {PER:,}": None if rate is None else round(rate.rate, 4),
                "lower 95%": None if rate is None else round(rate.lower, 4),
                "upper 95%": None if rate is None else round(rate.upper, 4),
            }
        )
    rows.sort(key=lambda r: str(r["affiliate"]))
    title = "Your affiliates' event rates"
    drawn = [r for r in rows if r[f"rate per {PER:,}"] is not None]
    chart = charts.bar_chart(drawn, x="affiliate", y=f"rate per {PER:,}", title=title, x_title="", y_title="Rate")
    description = (
        f"Event rates of {len(rows)} affiliate(s) over the period, each per {PER:,} of its own volume measure."
    )
    return Panel("affiliates", title, charts.svg(chart, description=description), pd.DataFrame(rows), description)


def system_dashboard(lake: Lake, affiliate_pseudonyms: Mapping[str, str], *, end_month: str | None = None) -> Dashboard:
    """A health system's sharing affiliates (by name), each one's SPC, and the system against pool peers."""
    months = available_months(lake)
    period = period_of(months, end_month)
    if period is None:
        return Dashboard("system", "Your health system", ("", ""), [], months=months, notes=[NO_DATA])
    members = members_of(lake)
    present = {p: n for p, n in affiliate_pseudonyms.items() if p in set(members["provider"])}
    if not present:
        note = "None of the affiliates that share with your system has events in the pool yet."
        return Dashboard("system", "Your health system", period, [], months=months, notes=[note])
    kinds = members[members["provider"].isin(list(present))]["provider_type"].value_counts()
    main = str(kinds.index[0])
    measure = RATE_MEASURE.get(main, "encounters")
    window = month_range(*period)
    ours = frozenset(members[members["provider"].isin(list(present)) & (members["provider_type"] == main)]["provider"])
    scope = Scope(providers=ours, months=period)
    counts, exposure = monthly_rates(lake, scope)
    others = members[(members["provider_type"] == main) & ~members["provider"].isin(list(present))]["provider"]
    pool_scope = Scope(providers=frozenset(str(p) for p in others), months=period)
    pool_counts, _ = suppressed_monthly(lake, pool_scope, window)
    pool_exposure = by_month(lake.execute(monthly_exposure(lake, pool_scope)), "exposure") if len(others) else {}
    every = Scope(providers=frozenset(present), months=period)
    dashboard = Dashboard("system", "Your health system", period, [], months=months)
    dashboard.panels += [
        spc_panel(
            "rate",
            title=f"System total: events per {PER:,} {measure_words(measure)}, {type_words(main)}",
            what=f"your affiliated {type_words(main)}' monthly event rate",
            chart=rate_chart(window, counts, exposure, laney=True),
            counts=counts,
            exposures=exposure,
            measure=measure,
            caption=f"Laney u′ chart of your {len(ours)} sharing {type_words(main)} together.",
            drill="events/",
        ),
        comparison_panel(
            "pool",
            title=f"Your system and the pool: {type_words(main)}",
            names=("Your system", "Rest of the pool"),
            window=window,
            own=(counts, exposure),
            peers=(pool_counts, pool_exposure),
            caption=f"The pool: the other {type_words(main)} in the PSO, as one non-identified aggregate.",
            measure=measure,
        ),
        _affiliate_table(lake, present, period),
        *member_paretos(
            lake,
            every,
            titles=("Events by category across your affiliates", "Contributing factors across your affiliates"),
            captions=("Affiliates that share with your system only.",) * 2,
        ),
    ]
    for index, (pseudonym, name) in enumerate(sorted(present.items(), key=lambda kv: kv[1])[:AFFILIATE_CHARTS]):
        own = Scope(providers=frozenset({pseudonym}), months=period)
        own_counts, own_exposure = monthly_rates(lake, own)
        kind = str(members[members["provider"] == pseudonym]["provider_type"].iloc[0])
        dashboard.panels.append(
            spc_panel(
                f"affiliate-{index + 1}",
                title=f"{name}: events per {PER:,} {measure_words(RATE_MEASURE.get(kind, 'encounters'))}",
                what=f"{name}'s monthly event rate",
                chart=rate_chart(window, own_counts, own_exposure, laney=False),
                counts=own_counts,
                exposures=own_exposure,
                measure=RATE_MEASURE.get(kind, "encounters"),
                caption="u chart.",
            )
        )
    return dashboard
