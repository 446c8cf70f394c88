"""Pooled signals an analyst may attach to an alert as its evidence (non-identified by construction).

A signal is a rise in a category's rate across a provider type or unit type of the whole pool
(openpso.analytics); its description names the series, the month and counts against expectation,
never a provider. A PSO without a lake yet simply has no signals to offer.
"""

from __future__ import annotations

import logging

from django.conf import settings

from openpso.organizations.models import Organization

log = logging.getLogger(__name__)


def signal_texts(pso: Organization) -> dict[str, str]:
    """Signal key → one-line description, newest first; empty when there is no lake."""
    # Imported here: the analytics engine (Ibis, DuckDB) loads only when an analyst writes an alert.
    from openpso.analytics.engine import Lake
    from openpso.analytics.signals_pool import detect_signals

    lake = Lake.for_pso(pso.slug)
    if not lake.exists():
        return {}
    try:
        signals = detect_signals(lake)
    except Exception:  # a broken lake must not take the alert form down; the analyst writes by hand
        log.exception("feedback: signal detection failed for pso %s", pso.pk)
        return {}
    return {f"{s.series}@{s.label}": describe(s.series, s.label, s.observed, s.expected, s.method) for s in signals}


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


def describe(series: str, month: str, observed: int, expected: float, method: str) -> str:
    """One sentence for members; a small count is given only as "fewer than N" (small-cell rule)."""
    ratio = observed / expected if expected else float("inf")
    minimum = settings.SMALL_CELL_MIN_COUNT
    count = f"{observed}" if observed >= minimum else f"fewer than {minimum}"
    return (
        f"Pooled signal ({method.replace('_', ' ')}): {series_words(series)}: {count} events in {month} "
        f"across the pool, {ratio:.1f} times the expected rate."
    )
