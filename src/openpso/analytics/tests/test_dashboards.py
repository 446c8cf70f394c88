"""What each audience's dashboard holds, over synthetic lakes with planted signals."""

from __future__ import annotations

import re
import shutil

import pandas as pd  # type: ignore[import-untyped]
import pytest

from openpso.analytics.dashboards import (
    Panel,
    provider_dashboard,
    pso_dashboard,
    signal_id,
    system_dashboard,
)
from openpso.analytics.dashboards.provider import MIN_PHASE, _phase_starts
from openpso.analytics.dashboards.system import BY_NAME_NOTE
from openpso.analytics.engine import Lake
from openpso.analytics.panels import NO_DATA, available_months, period_of
from openpso.analytics.tests.dashboard_lake import hospitals, large_lake, providers_of, small_lake  # noqa: F401
from openpso.analytics.themes import refresh_themes
from openpso.lake.synth import PLANTED_HOSPITAL

PSEUDONYM = re.compile(r"P-[A-Z0-9]{12}")


@pytest.fixture(scope="module")
def pool(large_lake, tmp_path_factory):  # noqa: F811
    # A copy with its themes computed (the worker's step after a refresh), so "Themes over time" is drawn too.
    root = tmp_path_factory.mktemp("themed") / "large"
    shutil.copytree(large_lake, root)
    refresh_themes(Lake(root))
    return pso_dashboard(Lake(root))


def _everything(panel: Panel) -> str:
    return " ".join([panel.title, panel.svg, panel.caption, panel.csv(), str(panel.drill)])


def test_the_pso_sees_every_pooled_panel_with_a_chart_and_a_table(pool):
    ids = [p.id for p in pool.panels]
    for expected in ("rate", "harm", "categories", "factors", "funnel", "ranking", "signals", "units", "themes"):
        assert expected in ids
    for panel in pool.panels:
        assert panel.svg.startswith("<svg"), panel.id
        assert not panel.table.empty, panel.id
        assert panel.caption
    assert pool.period == ("2024-11", "2026-10")


def test_the_planted_signals_are_found_and_lead_the_list(pool):
    series = list(pool.panel("signals").table["series"])
    assert "category:A44|unit_type:icu" in series[:3]  # device events rising on ICUs
    assert "category:A48|provider_type:nursing_home" in series  # falls rising at nursing homes
    chances = list(pool.panel("signals").table["chance (one-sided Poisson)"])
    assert chances == sorted(chances)  # most surprising first


def test_each_signal_has_evidence_and_a_drill_down_to_its_events(pool):
    table = pool.panel("signals").table
    for sid, link in zip(table["signal"], table["events"], strict=True):
        drill = pool.drills[sid]
        assert link == f"signals/{sid}/"
        assert drill.category
        assert drill.months[0] <= drill.months[1] <= pool.period[1]
    first = table["signal"].iloc[0]
    evidence = pool.panel(f"signal-{first}")
    assert evidence.drill == f"signals/{first}/"
    assert list(evidence.table.columns) == ["month", "observed", "expected", "statistic"]


def test_a_signal_id_is_stable_and_short(pool):
    table = pool.panel("signals").table
    assert all(re.fullmatch(r"[0-9a-f]{12}", s) for s in table["signal"])
    assert len(set(table["signal"])) == len(table)


def test_the_pso_ranks_and_funnels_one_provider_type_at_a_time(large_lake):  # noqa: F811
    lake = Lake(large_lake)
    nursing = pso_dashboard(lake, provider_type="nursing_home")
    kinds = {r["provider"]: r["provider_type"] for r in providers_of(large_lake)}
    assert {kinds[p] for p in nursing.panel("funnel").table["provider"]} == {"nursing_home"}
    assert {kinds[p] for p in nursing.panel("ranking").table["provider"]} == {"nursing_home"}
    assert "nursing homes" in nursing.panel("funnel").title


def test_the_period_is_two_years_ending_at_the_chosen_month(small_lake):  # noqa: F811
    months = available_months(Lake(small_lake))
    assert months[0] == "2024-11"
    assert months[-1] == "2026-10"
    assert period_of(months, None) == ("2024-11", "2026-10")
    assert period_of(months, "2026-06") == ("2024-11", "2026-06")  # never before the lake's first month
    assert period_of([], None) is None


def test_no_lake_gives_an_empty_dashboard_that_says_what_to_do(tmp_path):
    for dashboard in (
        pso_dashboard(Lake(tmp_path / "none")),
        provider_dashboard(Lake(tmp_path / "none"), "P-AAAAAAAAAAAA"),
        system_dashboard(Lake(tmp_path / "none"), {"P-AAAAAAAAAAAA"}),
    ):
        assert dashboard.panels == []
        assert dashboard.notes == [NO_DATA]
        assert "openpso lake refresh" in NO_DATA


def test_a_provider_not_in_the_pool_is_told_so(small_lake):  # noqa: F811
    dashboard = provider_dashboard(Lake(small_lake), "P-AAAAAAAAAAAA")
    assert dashboard.panels == []
    assert "no events in the pool" in dashboard.notes[0]


@pytest.fixture(scope="module")
def planted(small_lake):  # noqa: F811
    return provider_dashboard(Lake(small_lake), PLANTED_HOSPITAL)


def test_a_provider_sees_its_own_rate_peers_funnel_factors_and_actions(planted):
    assert [p.id for p in planted.panels] == ["rate", "harm", "peers", "funnel", "categories", "factors", "actions"]
    harm = planted.panel("harm")
    assert harm is not None
    assert "Run chart" in harm.svg
    assert set(harm.table["median"]) == {float(harm.table["harmful events"].median())}
    assert planted.panel("rate").drill == "events/"
    assert planted.panel("funnel").table.shape[0] == 1  # only its own row


def test_a_provider_never_sees_another_providers_pseudonym(planted, small_lake):  # noqa: F811
    for panel in planted.panels:
        others = set(PSEUDONYM.findall(_everything(panel))) - {PLANTED_HOSPITAL}
        assert not others, panel.id


def test_every_published_peer_count_is_at_least_the_threshold(small_lake, settings):  # noqa: F811
    lake = Lake(small_lake)
    for pseudonym in hospitals(small_lake)[:3]:
        table = provider_dashboard(lake, pseudonym).panel("peers").table
        shown = table["Peers: events"].dropna()
        # Zeros are published (suppression.py: a zero has no contributors); the rest reach the threshold.
        assert (shown[shown > 0] >= settings.SMALL_CELL_MIN_COUNT).all()
        assert table.loc[table["Peers: suppressed"], "Peers: rate per 1,000"].isna().all()


def test_a_peer_group_is_released_by_year_and_never_by_size_band(small_lake):  # noqa: F811
    # Issue 14 item 5: before, the peers were the same type and size band (two peers in the
    # smallest band, hidden by suppression); a release keeps no size band, so the group is the
    # hospitals (k measured on the release), compared year by year under release/1.
    members = pd.DataFrame(providers_of(small_lake))
    hospital = members[members["provider_type"] == "hospital"]
    sizes = hospital.groupby("size_band")["provider"].count()
    band = sizes[sizes <= 3].index[0]
    pseudonym = hospital[hospital["size_band"] == band]["provider"].iloc[0]
    dashboard = provider_dashboard(Lake(small_lake), pseudonym)
    panel = dashboard.panel("peers")
    assert "year" in panel.table.columns
    assert all(len(str(y)) == 4 for y in panel.table["year"])
    assert f"the other {len(hospital) - 1} hospitals" in panel.caption
    assert dashboard.notes[0].startswith("Released under release/1: dates to the year, peer groups of at least 5")


def test_a_pool_of_too_few_providers_for_k_shows_no_peer_group(small_lake, settings):  # noqa: F811
    settings.OPENPSO_RELEASE_MIN_PROVIDERS = 10_000
    members = pd.DataFrame(providers_of(small_lake))
    dashboard = provider_dashboard(Lake(small_lake), str(members["provider"].iloc[0]))
    panel = dashboard.panel("peers")
    assert panel.table.empty
    assert "too few providers" in panel.caption
    assert dashboard.panel("funnel") is None
    assert "no peer group released" in dashboard.notes[0]


def test_actions_start_new_phases_only_with_enough_months_either_side():
    months = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]
    actions = pd.DataFrame(
        {
            "strength": ["stronger", "weaker", "intermediate", "stronger", "stronger"],
            "implemented_month": ["2025-04", "2025-07", "2025-09", "2025-11", "2026-10"],
            "n": [1, 1, 1, 1, 1],
        }
    )
    starts, breaks = _phase_starts(months, actions)
    # 2025-04 leaves only 3 months before it; weaker actions do not count; 2025-11 is too close
    # to 2025-09; 2026-10 leaves too few months after.
    assert breaks == ["2025-09"]
    assert starts == [8]
    assert all(b - a >= MIN_PHASE for a, b in zip([0, *starts], [*starts, len(months)], strict=True))


def test_a_health_system_sees_its_affiliates_together_never_one_by_one_and_the_pool_suppressed(small_lake):  # noqa: F811
    chosen = frozenset(hospitals(small_lake)[:3])
    dashboard = system_dashboard(Lake(small_lake), chosen)
    assert [p.id for p in dashboard.panels] == ["rate", "pool", "categories", "factors"]
    assert dashboard.notes[0] == BY_NAME_NOTE
    assert dashboard.notes[1].startswith("Released under release/1: dates to the year")  # issue 14 item 5
    assert "3 sharing" in dashboard.panel("rate").caption
    pool = dashboard.panel("pool").table
    published = pool["Rest of the pool: events"].dropna()
    assert (published[published > 0] >= 11).all()
    for panel in dashboard.panels:
        assert not PSEUDONYM.findall(_everything(panel)), panel.id  # no pool code reaches the page


def test_a_csv_cell_that_looks_like_a_formula_is_quoted():
    panel = Panel("x", "X", "", pd.DataFrame({"name": ["=HYPERLINK(1)", "ok"], "n": [-1, 2]}), "")
    assert panel.csv() == "name,n\n'=HYPERLINK(1),-1\nok,2\n"


def test_a_signal_id_depends_on_the_series_and_month(pool):
    signals = pool.panel("signals").table
    assert signals["signal"].iloc[0] != signals["signal"].iloc[1]
    assert signal_id.__doc__


def test_the_pool_for_members_is_suppressed_and_draws_nothing_per_provider(small_lake, settings):  # noqa: F811
    dashboard = pso_dashboard(Lake(small_lake), for_members=True)
    assert [p.id for p in dashboard.panels] == ["rate", "harm", "categories", "factors", "units"]
    assert not dashboard.drills
    for panel in dashboard.panels:
        assert "provider" not in panel.table.columns
        assert not PSEUDONYM.search(_everything(panel)), panel.id
    units = dashboard.panel("units")
    assert units.suppressed  # a unit type's month is often a handful of events
    assert units.table["events"].isna().any()
    for panel_id, column in (("units", "events"), ("categories", "events"), ("rate", "events")):
        counts = dashboard.panel(panel_id).table[column].dropna()
        assert (counts[counts > 0] >= settings.SMALL_CELL_MIN_COUNT).all(), panel_id
