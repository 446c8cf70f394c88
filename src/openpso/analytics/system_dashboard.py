"""A health system's dashboard: its sharing affiliates together (the system's SPC and Paretos),
and the system against the rest of the pool, suppressed. No affiliate is named or shown alone:
the pool knows providers only by random code, and mapping a code to a name is the PSO's logged
re-identification, not a dashboard's (issue 14 item 6).

The affiliates are those whose member agreement in force lets the system see their data
(`MemberAgreement.system_may_view`); everything about other providers goes through small-cell
suppression, as on a provider's dashboard (`member_dashboards`).
"""

from __future__ import annotations

from collections.abc import Collection

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
    available_months,
    by_month,
    measure_words,
    period_of,
    rate_chart,
    spc_panel,
    type_words,
)
from openpso.analytics.queries import Scope, monthly_exposure
from openpso.lake.months import month_range

# The pool holds affiliates by random code only, and only the PSO's logged re-identification turns a
# code back into a provider (nonid.pseudonyms): the system's page shows its affiliates together,
# never one by one from the pool. Each affiliate's own reports, by name, reach the system through
# their identified submissions, each read a PSA_AFFILIATED disclosure (pswp.affiliated).
BY_NAME_NOTE = (
    "Your affiliates appear here together, never one by one: the pool holds no names. "
    "Each affiliate's own reports, by name, are on its report pages, and every read is logged."
)


def system_dashboard(lake: Lake, affiliates: Collection[str], *, end_month: str | None = None) -> Dashboard:
    """A health system's sharing affiliates together (`affiliates`: their pool codes, which the page
    never shows): the system's SPC, the system against pool peers, and its Paretos."""
    months = available_months(lake)
    period = period_of(months, end_month)
    if period is None:
        return Dashboard("system", "Your health system", ("", ""), [], months=months, notes=[NO_DATA])
    members = members_of(lake)
    present = frozenset(affiliates) & {str(p) for p in members["provider"]}
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
    dashboard = Dashboard("system", "Your health system", period, [], months=months, notes=[BY_NAME_NOTE])
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
        *member_paretos(
            lake,
            every,
            titles=("Events by category across your affiliates", "Contributing factors across your affiliates"),
            captions=("Affiliates that share with your system only.",) * 2,
        ),
    ]
    return dashboard
