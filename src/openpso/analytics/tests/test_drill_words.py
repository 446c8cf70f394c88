"""A drill-down reads in words: no 'nan' for an event without harm, unit types by name (issue 12)."""

from __future__ import annotations

import re

import pytest

from openpso.analytics.panels import unit_words
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401

pytestmark = pytest.mark.django_db


def test_unit_types_are_named_in_words() -> None:
    assert unit_words("ld") == "labour and delivery"
    assert unit_words("med_surg") == "medical-surgical"
    assert unit_words("or") == "operating room"
    assert unit_words("step_down") == "step down"  # a provider's own type, as they wrote it


def test_every_signal_drill_down_shows_harm_and_unit_type_in_words(client_for, cast_lake):  # noqa: F811
    client = client_for("pso_analyst")
    links = set(
        re.findall(r'href="(/analytics/pso/signals/[0-9a-f]{12}/)', client.get("/analytics/pso/").content.decode())
    )
    assert links
    for link in links:
        body = client.get(link).content.decode()
        cells = re.findall(r"<td>([^<]*)</td>", body)
        assert "nan" not in cells, link
        assert not {"ld", "or", "ed", "icu", "med_surg", "med surg"} & set(cells), link


def test_the_analyst_opens_the_pooled_events_behind_the_category_pareto(client_for, cast, cast_lake):  # noqa: F811
    client = client_for("pso_analyst")
    assert 'href="/analytics/pso/events/' in client.get("/analytics/pso/").content.decode()
    body = client.get("/analytics/pso/events/", {"category": "A48"}).content.decode()
    assert "<h1>Pooled events: Fall</h1>" in body
    assert "Narrative (scrubbed)" in body
    assert client.get("/analytics/pso/events/", {"category": "NOPE"}).status_code == 404
    assert client_for("safety_manager").get("/analytics/pso/events/").status_code == 404
