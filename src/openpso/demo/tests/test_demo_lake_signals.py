"""The demo lake holds the signals planted in the demo generator (demo.signals), and analyses.

Read straight from the Parquet files, as any analytics engine would: nursing-home falls per
1,000 patient-days rise over the last six months, one hospital's medication events rise over
the last four, other hospitals' falls do not; and the pool has contributing factors and actions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from openpso.demo.generate import seed_demo
from openpso.demo.network import PSO_SLUG
from openpso.demo.submissions import seed_submissions
from openpso.lake.files import lake_dir
from openpso.lake.refresh import refresh_lake
from openpso.nonid.pseudonyms import provider_pseudonym
from openpso.organizations.models import Organization

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 15)  # the window is Nov 2024 – Oct 2026
EVENTS = 3000  # half the demo: the rises hold at this size for every seed tried (1.9× and more)


def read(root: Path, name: str) -> list[dict[str, Any]]:
    return pa.concat_tables(pq.read_table(p) for p in sorted(root.glob(f"{name}/**/part.parquet"))).to_pylist()


def rate_ratio(root: Path, *, providers: set[str], category: str, last: int) -> float:
    """Events of `category` per 1,000 patient-days at `providers`: the last `last` months against the earlier ones."""
    months = sorted({row["month"] for row in read(root, "denominators")})
    recent = set(months[-last:])
    events = {True: 0, False: 0}
    for row in read(root, "events"):
        if row["provider"] in providers and category in row["categories"]:
            events[row["event_month"] in recent] += 1
    days = {True: 0, False: 0}
    for row in read(root, "denominators"):
        if row["provider"] in providers and row["measure"] == "patient_days":
            days[row["month"] in recent] += row["value"]
    return (events[True] / days[True]) / (events[False] / days[False])


def test_the_demo_lake_shows_the_planted_rises_and_carries_analyses():
    seed_demo(events=EVENTS, today=TODAY)
    seed_submissions()
    refresh_lake()
    root = lake_dir(PSO_SLUG)
    by_type: dict[str, set[str]] = {}
    for row in read(root, "providers"):
        by_type.setdefault(row["provider_type"], set()).add(row["provider"])

    assert rate_ratio(root, providers=by_type["nursing_home"], category="A48", last=6) >= 1.5
    assert rate_ratio(root, providers=by_type["hospital"], category="A48", last=6) < 1.3
    tillbrook = provider_pseudonym(Organization.objects.get(slug="cedar-gap-hospital-tillbrook"))
    assert rate_ratio(root, providers={tillbrook}, category="A54", last=4) >= 1.8
    others = by_type["hospital"] - {tillbrook}
    assert rate_ratio(root, providers=others, category="A54", last=4) < 1.3

    factors, actions = read(root, "contributing_factors"), read(root, "actions")
    events = {row["event_key"] for row in read(root, "events")}
    assert len({row["event_key"] for row in factors}) > EVENTS // 10
    assert {row["event_key"] for row in actions} <= {row["event_key"] for row in factors} <= events
    assert {row["status"] for row in actions} == {"planned", "in_progress", "done"}

    # The PSO analyst's dashboard over the same lake finds the planted nursing-home falls rise,
    # with SPC and funnel charts drawn and a drill-down to the events behind the signal.
    from openpso.analytics.dashboards import pso_dashboard
    from openpso.analytics.engine import Lake

    dashboard = pso_dashboard(Lake(root))
    for panel_id in ("rate", "harm", "funnel", "ranking", "signals"):
        panel = dashboard.panel(panel_id)
        assert panel is not None
        assert panel.svg.startswith("<svg")
    signals = dashboard.panel("signals")
    assert signals is not None
    assert "category:A48|provider_type:nursing_home" in set(signals.table["series"])
    falls = [d for d in dashboard.drills.values() if (d.category, d.provider_type) == ("A48", "nursing_home")]
    assert falls, "the nursing-home falls signal has a drill-down"
