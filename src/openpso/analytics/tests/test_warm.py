"""After the lake changes in the background, the dashboards are built before anyone asks (issue 12 item 6)."""

from __future__ import annotations

import pytest

from openpso import flows
from openpso.analytics import pages
from openpso.analytics.dashboards import pso_dashboard
from openpso.analytics.tasks import warm_dashboards_task
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.analytics.warm import members_to_warm, warm_dashboards
from openpso.lake.models import LakeState
from openpso.nonid.pseudonyms import provider_pseudonym

pytestmark = pytest.mark.django_db


def test_a_background_refresh_warms_the_analysts_dashboard(client_for, cast, cast_lake, monkeypatch):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])
    built = []
    real = pso_dashboard

    def counting(*args, **kwargs):
        built.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "pso_dashboard", counting)
    flows.pool_refreshed()
    assert len(built) == 1
    page = client_for("pso_analyst").get("/analytics/pso/")
    assert page.status_code == 200
    assert len(built) == 1  # the page was served from what the refresh built


def test_a_failure_while_warming_does_not_fail_the_refresh(cast, cast_lake, monkeypatch, caplog):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])

    def broken(*args, **kwargs):
        raise RuntimeError("chart renderer missing")

    monkeypatch.setattr(pages, "pso_dashboard", broken)
    flows.pool_refreshed()  # does not raise
    assert "warming the analytics dashboards failed" in caplog.text


def _counting(monkeypatch, name):
    """Replace pages.<name> (a dashboard builder) by one that records each build."""
    built = []
    real = getattr(pages, name)

    def counting(*args, **kwargs):
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, name, counting)
    return built


def test_a_background_refresh_warms_every_dashboard_a_member_may_open(client_for, cast, cast_lake, monkeypatch):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])
    providers = _counting(monkeypatch, "provider_dashboard")
    systems = _counting(monkeypatch, "system_dashboard")
    flows.pool_refreshed()
    # p1 and p2 have a safety manager; p1b has nobody who may open its dashboard, nor has sys2.
    pseudonyms = {args[1] for args in providers}
    assert pseudonyms == {provider_pseudonym(cast.orgs["p1"]), provider_pseudonym(cast.orgs["p2"])}
    assert len(systems) == 1
    assert set(systems[0][1]) == {provider_pseudonym(cast.orgs["p1"])}  # sys1's sharing affiliate
    for key, url in (
        ("safety_manager", "/analytics/provider/t-p1/"),
        ("manager_p2", "/analytics/provider/t-p2/"),
        ("system_safety_officer", "/analytics/system/t-sys1/"),
    ):
        assert client_for(key).get(url).status_code == 200
    assert (len(providers), len(systems)) == (2, 1)  # every page was served from what the refresh built


def test_warming_is_bounded_systems_first(cast, cast_lake, monkeypatch):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])
    providers = _counting(monkeypatch, "provider_dashboard")
    systems = _counting(monkeypatch, "system_dashboard")
    assert [m.pk for m in members_to_warm(cast.orgs["pso1"])] == [
        cast.orgs[k].pk
        for k in ("sys1", "p1", "p2")  # names: "Cast General Hospital" < "Rival Hospital …"
    ]
    assert warm_dashboards(limit=1) == 2  # the PSO's own and one member's
    assert (len(providers), len(systems)) == (0, 1)


def test_openpso_demo_can_warm_only_its_logins_dashboards_now(cast, cast_lake, monkeypatch):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])
    providers = _counting(monkeypatch, "provider_dashboard")
    systems = _counting(monkeypatch, "system_dashboard")
    assert warm_dashboards(only=[cast.orgs["p2"].pk]) == 2
    assert [args[1] for args in providers] == [provider_pseudonym(cast.orgs["p2"])]
    assert systems == []
    assert warm_dashboards_task.call() == 4  # the rest, in the worker; p2's is not built again
    assert (len(providers), len(systems)) == (2, 1)
