"""Pooled signals an analyst may attach to an alert as its evidence (non-identified by construction).

A signal is a rise in a category's rate across a provider type or unit type of the whole pool
(openpso.analytics); its description names the series, the month and counts against expectation,
never a provider. A PSO without a lake yet simply has no signals to offer.

Evidence goes to members, so it is a release (docs/decisions/0017; openpso.nonid.release): the signal's
month is given at the profile's precision (the year under release/1), a signal whose series names a
provider type the release coarsens away (fewer than k providers of it) is not offered, and each
sentence names its profile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings

from openpso.nonid.profiles import RELEASE, Profile, period_of_month
from openpso.organizations.models import Organization

if TYPE_CHECKING:
    from openpso.nonid.release import PeerRelease

log = logging.getLogger(__name__)


def signal_texts(pso: Organization) -> dict[str, str]:
    """Signal key → one-line description, newest first; empty when there is no lake."""
    # Imported here: the analytics engine (Ibis, DuckDB) loads only when an analyst writes an alert.
    from openpso.analytics.dashboards.provider import peer_release
    from openpso.analytics.engine import Lake
    from openpso.analytics.signals_pool import detect_signals
    from openpso.nonid.release import release_profile

    lake = Lake.for_pso(pso.slug)
    if not lake.exists():
        return {}
    profile, _ = release_profile(pso)
    try:
        signals = detect_signals(lake)
        released = peer_release(lake, profile)
    except Exception:  # a broken lake must not take the alert form down; the analyst writes by hand
        log.exception("feedback: signal detection failed for pso %s", pso.pk)
        return {}
    return {
        f"{s.series}@{s.label}": describe(s.series, s.label, s.observed, s.expected, s.method, profile=profile)
        for s in signals
        if releasable(s.series, released)
    }


def releasable(series: str, released: PeerRelease | None) -> bool:
    """A series naming a provider type may be released only where the release keeps that type as
    itself (k providers of it); a series of the whole pool or of a unit type needs the pool to hold
    k providers at all."""
    if released is None:
        return False
    kept = set(released.frame["provider_type"].astype(str)) if "provider_type" in released.qis else set()
    for part in series.split("|"):
        kind, _, code = part.partition(":")
        if kind == "provider_type" and code not in kept:
            return False
    return True


def series_words(series: str) -> str:
    """`category:A48|provider_type:nursing_home` -> "Fall, provider type nursing home"."""
    from openpso.analytics.measures import label

    words = []
    for part in series.split("|"):
        kind, _, code = part.partition(":")
        if kind == "category":
            words.append(label("category", code))
        else:
            words.append(f"{kind.replace('_', ' ')} {code.replace('_', ' ')}")
    return ", ".join(words)


def describe(
    series: str, month: str, observed: int, expected: float, method: str, *, profile: Profile = RELEASE
) -> str:
    """One sentence for members; a small count is given only as "fewer than N" (small-cell rule), the
    month only where the profile keeps months (otherwise its year), and the profile named."""
    ratio = observed / expected if expected else float("inf")
    minimum = settings.SMALL_CELL_MIN_COUNT
    count = f"{observed}" if observed >= minimum else f"fewer than {minimum}"
    when = period_of_month(month, profile)
    when = f"a month of {when}" if profile.date_precision == "year" else when
    return (
        f"Pooled signal ({method.replace('_', ' ')}): {series_words(series)}: {count} events in {when} "
        f"across the pool, {ratio:.1f} times the expected rate (released under {profile.id})."
    )
