"""A dashboard built by other code is never served from the cache (found on a demo: after an
upgrade the file cache kept serving yesterday's dashboards, old labels and links, for a day)."""

from __future__ import annotations

import pytest

from openpso.analytics import caching, pages
from openpso.analytics.dashboards import pso_dashboard
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_dashboard_cached_by_other_code_is_built_again(client_for, cast_lake, monkeypatch):  # noqa: F811
    built = []

    def counting(*args, **kwargs):
        built.append(kwargs)
        return pso_dashboard(*args, **kwargs)

    monkeypatch.setattr(pages, "pso_dashboard", counting)
    client = client_for("pso_analyst")
    client.get("/analytics/pso/")
    client.get("/analytics/pso/")
    assert len(built) == 1
    monkeypatch.setattr(caching, "CODE_STAMP", "another release")
    client.get("/analytics/pso/")
    assert len(built) == 2


def test_the_code_stamp_follows_the_analytics_sources() -> None:
    assert caching.code_stamp() == caching.CODE_STAMP
    assert len(caching.CODE_STAMP) == 20
