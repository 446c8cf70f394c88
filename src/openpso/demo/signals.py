"""Signals planted in the demo data, so the PSO analyst's dashboards have something real to find.

Each signal multiplies the rate of one category at some providers over the last months of
the demo window. The cell's report volume grows by what the extra events add
(`volume_factor`, used by `volumes.plan`) and the category's weight in the cell's mix grows
by the ratio (`category_weights`, used by `reports`), so the other categories keep their
rate and only the planted one rises:

- falls (A48) at the nursing homes rise over the last 6 months, a ramp to 3 times the
  rate in the last month (2.2 times over the six months on average: the three homes report
  only a few falls a month, so a smaller rise would hide in the noise);
- medication events (A54) at Cedar Gap Hospital Tillbrook are 2.5 times the rate for the
  last 4 months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from openpso.demo.network import NURSING_HOME, ProviderSpec


@dataclass(frozen=True)
class DemoSignal:
    category: str  # DE21 code
    last_months: int
    ratio: float  # in the last month; a ramp rises linearly to it
    ramp: bool
    provider_type: str | None = None
    provider_slug: str | None = None

    def applies_to(self, spec: ProviderSpec) -> bool:
        return (self.provider_type is None or spec.provider_type == self.provider_type) and (
            self.provider_slug is None or spec.slug == self.provider_slug
        )

    def multiplier(self, month: dt.date, last: dt.date) -> float:
        before_end = (last.year - month.year) * 12 + last.month - month.month
        if before_end >= self.last_months or before_end < 0:
            return 1.0
        if not self.ramp:
            return self.ratio
        return 1.0 + (self.ratio - 1.0) * (self.last_months - before_end) / self.last_months


SIGNALS = (
    DemoSignal("A48", 6, 3.0, ramp=True, provider_type=NURSING_HOME),
    DemoSignal("A54", 4, 2.5, ramp=False, provider_slug="cedar-gap-hospital-tillbrook"),
)


def boosts(spec: ProviderSpec, month: dt.date, last: dt.date) -> dict[str, float]:
    """Category → rate multiplier for this provider and month (empty: nothing planted)."""
    found: dict[str, float] = {}
    for signal in SIGNALS:
        if signal.applies_to(spec):
            factor = signal.multiplier(month, last)
            if factor != 1.0:
                found[signal.category] = found.get(signal.category, 1.0) * factor
    return found


def category_weights(weights: Mapping[str, float], boost: Mapping[str, float]) -> dict[str, float]:
    return {code: weight * boost.get(code, 1.0) for code, weight in weights.items()}


def volume_factor(weights: Mapping[str, float], boost: Mapping[str, float]) -> float:
    """How much the cell's report volume grows when `boost` raises some categories' rates."""
    whole = sum(weights.values())
    return sum(category_weights(weights, boost).values()) / whole if whole else 1.0
