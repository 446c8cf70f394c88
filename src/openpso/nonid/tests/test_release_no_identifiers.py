"""Issue 14 item 5, with issue 6's scan: no identifier planted in the demo's events reaches any release —
a member's benchmarks, a health system's, the members' learning report, alert evidence — and the
demo pool's peer attributes, unique for most providers in the pool, hold k providers once released."""

from __future__ import annotations

import re
import sys

import pytest

from openpso.analytics.dashboards.provider import members_of, provider_dashboard
from openpso.analytics.dashboards.system import system_dashboard
from openpso.analytics.engine import Lake
from openpso.analytics.signals_pool import detect_signals
from openpso.feedback.alerts.evidence import describe
from openpso.feedback.reports.actions import render_html
from openpso.feedback.reports.content import pso_learning
from openpso.lake.refresh import refresh_lake
from openpso.lake.tests.test_lake_no_identifiers import leaks
from openpso.nonid.profiles import PEER_ATTRIBUTES, RELEASE
from openpso.nonid.pseudonyms import provider_pseudonym
from openpso.nonid.release import measure_k, release_peers
from openpso.nonid.tests.pipeline_fixtures import build_pool, planted_ages, planted_numbers, planted_values

pytestmark = pytest.mark.django_db
MONTH = re.compile(r"\b(19|20)\d\d-(0[1-9]|1[0-2])\b")


def _text(dashboard) -> str:
    parts = [*dashboard.notes]
    for panel in dashboard.panels:
        parts += [panel.title, panel.caption, panel.svg, panel.csv()]
    return "\n".join(parts)


def test_no_planted_identifier_reaches_any_release_and_peers_hold_k():
    pool = build_pool(events=400)
    refresh_lake()
    lake = Lake.for_pso(pool.pso.slug)
    providers = list(pool.network.providers.values())
    codes = {p.slug: provider_pseudonym(p) for p in providers}
    members = members_of(lake)

    # The demo pool: most providers are alone on type + size band + region (issue 14 item 5).
    classes = members.groupby(list(PEER_ATTRIBUTES), dropna=False)["provider"].transform("nunique")
    unique = int((classes == 1).sum())
    assert measure_k(members, list(PEER_ATTRIBUTES)) == 1
    released = release_peers(members, profile=RELEASE)
    assert released.k_measured >= 5
    # A figure for docs/nonid.md: `pytest -s` prints it.
    sys.stdout.write(f"\ndemo pool: {unique} of {len(members)} unique; released k = {released.k_measured}\n")
    assert unique > len(members) // 2

    haystacks: dict[str, str] = {}
    for slug, code in codes.items():
        if code in set(members["provider"]):
            text = _text(provider_dashboard(lake, code))
            haystacks[f"provider:{slug}"] = text
            peers = text.split("You and your peers", 1)[-1].split("<svg", 1)[0]
            assert not MONTH.search(peers), peers[:200]
    haystacks["system"] = _text(system_dashboard(lake, frozenset(list(codes.values())[:4])))
    months = sorted(lake.execute(lake.table("agg_monthly").select("event_month").distinct())["event_month"])
    haystacks["learning"] = render_html(pso_learning(pool.pso, str(months[-1]), lambda *_: None))
    haystacks["evidence"] = "\n".join(
        describe(s.series, s.label, s.observed, s.expected, s.method) for s in detect_signals(lake)
    )
    assert not MONTH.search(haystacks["evidence"])
    # The learning report is the PSO's own, under its name: the PSO's name is its signature, not a leak.
    planted = planted_values(pool) - {pool.pso.name}
    assert leaks(haystacks, planted, planted_ages(pool), planted_numbers(pool)) == {}
    # The scan sees what a release shows: a provider's own page names no one, yet carries text.
    assert all(len(text) > 200 for where, text in haystacks.items() if where != "evidence")
