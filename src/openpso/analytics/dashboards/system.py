"""A health system's dashboard: its sharing affiliates together (the system's SPC and Paretos),
and the system against the rest of the pool, suppressed. No affiliate is named or shown alone:
the pool knows providers only by random code, and mapping a code to a name is the PSO's logged
re-identification, not a dashboard's.

The affiliates are those whose member agreement in force lets the system see their data
(`MemberAgreement.system_may_view`); everything about other providers is a release, as on a
provider's dashboard (`dashboards.provider`): the rest of the pool is the providers sharing the
affiliates' released provider type (grouped or suppressed until k providers share it), its numbers
carry the profile's dates (the year under release/1) and go through small-cell suppression.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from openpso.analytics.dashboards.provider import (
    by_period,
    comparison_panel,
    group_words,
    member_paretos,
    members_of,
    monthly_rates,
    peer_release,
    periods_of,
    suppressed_monthly,
)
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import Scope, monthly_exposure
from openpso.analytics.measures import PER, RATE_MEASURE
from openpso.analytics.panels import (
    NO_DATA,
    Dashboard,
    Panel,
    available_months,
    by_month,
    empty_panel,
    measure_words,
    period_of,
    rate_chart,
    spc_panel,
    type_words,
)
from openpso.lib.months import month_range
from openpso.nonid.profiles import RELEASE, Profile
from openpso.nonid.release import PeerRelease, release_line
from openpso.pswp.labels import release_label

if TYPE_CHECKING:
    from openpso.nonid.models import ExpertDetermination

# The pool holds affiliates by random code only, and only the PSO's logged re-identification turns a
# code back into a provider (nonid.pseudonyms): the system's page shows its affiliates together,
# never one by one from the pool. Each affiliate's own reports, by name, reach the system through
# their identified submissions, each read a PSA_AFFILIATED disclosure (pswp.affiliated).
BY_NAME_NOTE = (
    "Your affiliates appear here together, never one by one: the pool holds no names. "
    "Each affiliate's own reports, by name, are on its report pages, and every read is logged."
)


def system_dashboard(
    lake: Lake,
    affiliates: Collection[str],
    *,
    end_month: str | None = None,
    profile: Profile = RELEASE,
    determination: ExpertDetermination | None = None,
) -> Dashboard:
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
    released = peer_release(lake, profile)
    every = Scope(providers=frozenset(present), months=period)
    dashboard = Dashboard("system", "Your health system", period, [], months=months, notes=[BY_NAME_NOTE])
    dashboard.notes += [release_line(profile, released, determination), str(release_label(profile.id))]
    dashboard.release = (profile, released, determination)
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
        _pool_panel(lake, released, (ours, present), main, (counts, exposure), period, profile),
        *member_paretos(
            lake,
            every,
            titles=("Events by category across your affiliates", "Contributing factors across your affiliates"),
            captions=("Affiliates that share with your system only.",) * 2,
        ),
    ]
    return dashboard


def _pool_panel(
    lake: Lake,
    released: PeerRelease | None,
    systems: tuple[frozenset[str], frozenset[str]],
    main: str,
    own: tuple[dict[str, object], dict[str, object]],
    period: tuple[str, str],
    profile: Profile,
) -> Panel:
    """The system's rate against the rest of its released peer group, per period of the profile.

    The group is every provider whose released provider type is the affiliates' (region left out:
    the system's affiliates may lie in several, and a union of groups of k holds at least k)."""
    ours, affiliates = systems  # the affiliates of the main type, and every affiliate
    title = "Your system and the pool"
    if released is None or "provider_type" not in released.qis:
        caption = "The pool has too few providers for a peer group of them to be shown."
        return empty_panel("pool", title=title, caption=caption)
    first = sorted(ours)[0]
    label = released.label_of(first, "provider_type")
    same = released.frame[released.frame["provider_type"].astype(object) == label]["provider"]
    others = frozenset(str(p) for p in same) - affiliates
    words = group_words(released, first, main).split(" in the ")[0]
    types = set(members_of(lake).set_index("provider").loc[sorted(others | ours), "provider_type"].dropna())
    if len({RATE_MEASURE.get(str(t), "encounters") for t in types}) > 1:
        caption = f"The pool's peer group ({words}) mixes rate measures, so no pool rate is drawn."
        return empty_panel("pool", title=f"{title}: {words}", caption=caption)
    window = month_range(*period)
    pool_scope = Scope(providers=others, months=period)
    pool_counts, _ = suppressed_monthly(lake, pool_scope, window, profile)
    exposure = by_month(lake.execute(monthly_exposure(lake, pool_scope)), "exposure") if others else {}
    counts, own_exposure = own
    return comparison_panel(
        "pool",
        title=f"{title}: {words}",
        names=("Your system", "Rest of the pool"),
        window=periods_of(window, profile),
        own=(by_period(counts, window, profile), by_period(own_exposure, window, profile)),
        peers=(pool_counts, by_period(exposure, window, profile)),
        caption=f"The pool: the other {words} in the PSO, as one non-identified aggregate.",
        measure=RATE_MEASURE.get(main, "encounters"),
        unit=profile.date_precision,
    )
