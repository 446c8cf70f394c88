"""After the lake changes in the background, the analyst's dashboard is built before anyone asks."""

from __future__ import annotations

import pytest

from openpso.analytics import pages
from openpso.analytics.dashboards import pso_dashboard
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.lake.models import LakeState
from openpso.lake.refresh import RefreshSummary
from openpso.lake.signals import lake_refreshed

pytestmark = pytest.mark.django_db


def test_a_background_refresh_warms_the_analysts_dashboard(client_for, cast, cast_lake, monkeypatch):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])
    built = []
    real = pso_dashboard

    def counting(*args, **kwargs):
        built.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "pso_dashboard", counting)
    lake_refreshed.send(sender=None, summary=RefreshSummary(added=1))
    assert len(built) == 1
    page = client_for("pso_analyst").get("/analytics/pso/")
    assert page.status_code == 200
    assert len(built) == 1  # the page was served from what the refresh built


def test_a_failure_while_warming_does_not_fail_the_refresh(cast, cast_lake, monkeypatch, caplog):  # noqa: F811
    LakeState.objects.create(pso=cast.orgs["pso1"])

    def broken(*args, **kwargs):
        raise RuntimeError("chart renderer missing")

    monkeypatch.setattr(pages, "pso_dashboard", broken)
    lake_refreshed.send(sender=None, summary=RefreshSummary(added=1))  # does not raise
    assert "warming the analytics dashboards failed" in caplog.text
