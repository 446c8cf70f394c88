"""The three dashboards: the PSO's pool, one provider against its peers, one health system's affiliates.

Who sees what (DESIGN invariant 1; docs/decisions/0003-tenancy.md):
- the PSO analyst sees the whole pool, providers by pseudonym only (the lake holds no names);
- a provider sees its own numbers in full and its peers only as aggregates under the release profile, every
  peer count through small-cell suppression (`openpso.nonid.suppression.suppress_counts`);
- a health system sees the affiliates that share with it by name (their agreements allow it) and
  the rest of the pool as suppressed aggregates.

The builders take a `Lake` and return plain data (`Dashboard` of `Panel`s); deciding who may ask
is `openpso.analytics.access`, caching is `openpso.analytics.caching`. One module per audience:
`pso`, `provider`, `system`; the names pages need are re-exported here.
"""

from openpso.analytics.dashboards.provider import provider_dashboard
from openpso.analytics.dashboards.pso import pso_dashboard, signal_id
from openpso.analytics.dashboards.system import system_dashboard
from openpso.analytics.panels import Dashboard, Drill, Panel, available_months, period_of

__all__ = [
    "Dashboard",
    "Drill",
    "Panel",
    "available_months",
    "period_of",
    "provider_dashboard",
    "pso_dashboard",
    "signal_id",
    "system_dashboard",
]
