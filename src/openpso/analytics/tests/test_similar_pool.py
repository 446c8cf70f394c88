"""Similar events across the pool: counts under the release profile, small cells suppressed,
no provider pseudonym; the RCA² panel for the event's own team only, and the PSO analyst's page."""

from __future__ import annotations

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from django.urls import reverse

from openpso.analytics import similar_pool
from openpso.analytics.similar_pool import RELEASED_AS, similar_in_pool
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.lake import files
from openpso.nonid.models import Release
from openpso.pses.safety_events.actions import create_event
from openpso.pses.tests.fixtures import cast_events

FALL = "Patient was found on the floor beside the bed after an unwitnessed fall; the bed alarm was off."


@pytest.fixture(autouse=True)
def _fresh_pools():
    similar_pool._pools.clear()
    yield
    similar_pool._pools.clear()


def _pseudonyms(pso_slug: str) -> set[str]:
    table = pq.read_table(files.lake_dir(pso_slug) / "providers" / "part.parquet", columns=["provider"])
    return {str(p) for p in table.column("provider").to_pylist()}


def test_similar_pool_events_are_counted_by_release_groups_with_no_provider_pseudonym(cast, cast_lake):  # noqa: F811
    pso = cast.orgs["pso1"]
    result = similar_in_pool(pso, FALL)
    assert result.available
    assert result.total is not None
    assert result.total > 0
    assert [b.title for b in result.breakdowns] == ["Category", "Harm", "Provider type", "Period"]
    assert "Fall" in {line.label for line in result.breakdowns[0].lines if line.count}
    periods = {line.label for line in result.breakdowns[3].lines}
    assert all(len(p) == 4 and p.isdigit() for p in periods)  # release/1: the year only
    shown = repr(result)
    assert not any(pseudonym in shown for pseudonym in _pseudonyms(pso.slug))
    assert "Released under release/1" in result.note


def test_small_groups_of_similar_events_are_suppressed(cast, cast_lake, monkeypatch, settings):  # noqa: F811
    monkeypatch.setattr(similar_pool, "LIMIT", 40)  # few events found: some groups fall under the minimum
    result = similar_in_pool(cast.orgs["pso1"], FALL)
    lines = [line for b in result.breakdowns for line in b.lines]
    assert any(line.count is None for line in lines)
    assert all(line.count is None or line.count == 0 or line.count >= settings.SMALL_CELL_MIN_COUNT for line in lines)


def test_without_a_pool_nothing_is_searched(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    result = similar_in_pool(cast.orgs["pso1"], FALL)
    assert not result.available
    assert result.breakdowns == ()


def test_the_rca_panel_shows_similar_pool_events_to_the_events_own_team_only(cast, client_for, cast_lake):  # noqa: F811
    event = cast_events(cast)["r1"]
    url = reverse("analytics:event-similar", kwargs={"event_id": event.pk})
    own = client_for("safety_manager").get(url)
    assert own.status_code == 200
    body = own.content.decode()
    assert "similar event" in body
    assert not any(pseudonym in body for pseudonym in _pseudonyms(cast.orgs["pso1"].slug))
    assert "CANARY" not in body
    release = Release.objects.get(what=RELEASED_AS)  # it left the PSO: recorded, with its k
    assert release.recipient == event.provider
    assert release.profile == "release/1"
    assert release.k_measured is not None
    assert release.k_measured >= release.k_required
    assert client_for("manager_p2").get(url).status_code == 404
    assert client_for("pso_analyst").get(url).status_code == 404


def test_the_rca_page_loads_the_pool_panel_once_the_investigation_has_started(cast, client_for):
    event = create_event(user=cast.users["safety_manager"], report=cast.reports["r1"])
    page = reverse("pses:rca-investigation", kwargs={"event_id": event.pk})
    client = client_for("safety_manager")
    panel = reverse("analytics:event-similar", kwargs={"event_id": event.pk})
    assert panel not in client.get(page).content.decode()
    client.post(reverse("pses:rca-start", kwargs={"event_id": event.pk}))
    body = client.get(page).content.decode()
    assert "Similar events in the pool" in body
    assert panel in body


def test_a_pso_analyst_searches_the_pool_by_a_narrative_and_sees_only_counts(cast, client_for, cast_lake):  # noqa: F811
    url = reverse("analytics:pso-similar")
    analyst = client_for("pso_analyst")
    assert f"{url}?pso=" in analyst.get(reverse("analytics:pso")).content.decode()  # linked from the dashboard
    assert analyst.get(url).status_code == 200
    response = analyst.post(url, {"text": FALL})
    assert response.status_code == 200
    body = response.content.decode()
    assert "similar event" in body
    assert "By category" in body
    assert not any(pseudonym in body for pseudonym in _pseudonyms(cast.orgs["pso1"].slug))
    assert client_for("safety_manager").post(url, {"text": FALL}).status_code == 404
