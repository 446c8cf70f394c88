"""The dashboard pages, their CSV downloads and drill-downs, for the cast over a synthetic lake."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpso.analytics import pages
from openpso.analytics.dashboards import pso_dashboard
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.audit.models import AuditEvent
from openpso.lake import files
from openpso.nonid.models import ProviderPseudonym
from openpso.nonid.pseudonyms import provider_pseudonym

pytestmark = pytest.mark.django_db

PSEUDONYM = re.compile(r"P-[A-Z0-9]{12}")


def _signal_links(body: str) -> list[str]:
    return re.findall(r'href="(/analytics/pso/signals/[0-9a-f]{12}/)[^"]*"', body)


def test_the_pso_analyst_sees_pooled_spc_and_funnel_charts(client_for, cast_lake):  # noqa: F811
    response = client_for("pso_analyst").get("/analytics/pso/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "All events per 1,000 units of volume" in body
    assert "Falls per 1,000 patient-days: hospitals" in body
    assert body.count('role="img"') >= 8
    assert "<details" in body
    assert 'href="/analytics/pso/rate.csv?pso=t-pso1"' in body
    # Charts are inline SVG with presentation attributes only: the strict CSP stays intact.
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"\sstyle\s*=|<style", body)


def test_without_a_lake_the_page_says_how_to_make_one(client_for, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    response = client_for("pso_analyst").get("/analytics/pso/")
    assert response.status_code == 200
    assert "No pooled data yet" in response.content.decode()
    assert "openpso lake refresh" in response.content.decode()
    assert client_for("pso_analyst").get("/analytics/pso/rate.csv").status_code == 404


def test_a_panel_downloads_as_a_csv_attachment(client_for, cast_lake):  # noqa: F811
    response = client_for("pso_analyst").get("/analytics/pso/rate.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="openpso-pso-t-pso1-rate-2026-10.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("month,events,")
    assert len(lines) == 25  # a header and 24 months


def test_an_unknown_panel_or_signal_is_not_found(client_for, cast_lake):  # noqa: F811
    client = client_for("pso_analyst")
    assert client.get("/analytics/pso/nothing.csv").status_code == 404
    assert client.get("/analytics/pso/signals/0123456789ab/").status_code == 404


def test_a_signal_drills_down_to_pooled_events_and_the_view_is_audited(client_for, cast, cast_lake):  # noqa: F811
    client = client_for("pso_analyst")
    links = _signal_links(client.get("/analytics/pso/").content.decode())
    assert links
    response = client.get(links[0])
    body = response.content.decode()
    assert response.status_code == 200
    assert "Narrative (scrubbed)" in body
    assert PSEUDONYM.search(body)  # providers by pseudonym; no names in the lake
    event = AuditEvent.objects.get(action="analytics.events_viewed")
    assert event.organization_id == cast.orgs["pso1"].pk
    assert event.actor_id == cast.users["pso_analyst"].pk


def test_the_month_selector_moves_the_period_and_ignores_a_bad_month(client_for, cast_lake):  # noqa: F811
    client = client_for("pso_analyst")
    # The synthetic lake holds 2024-11 to 2026-10: a period ending 2026-06 starts where the data does.
    assert "Months 2024-11 to 2026-06" in client.get("/analytics/pso/?end=2026-06").content.decode()
    assert "Months 2024-11 to 2026-10" in client.get("/analytics/pso/?end=2031-01").content.decode()
    csv = client.get("/analytics/pso/rate.csv?end=2026-06").content.decode().splitlines()
    assert csv[-1].startswith("2026-06,")


def test_a_built_dashboard_is_reused_until_the_lake_changes(client_for, cast, cast_lake, monkeypatch):  # noqa: F811
    built = []
    real = pso_dashboard

    def counting(*args, **kwargs):
        built.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "pso_dashboard", counting)
    client = client_for("pso_analyst")
    client.get("/analytics/pso/")
    client.get("/analytics/pso/")
    client.get("/analytics/pso/factors.csv")
    assert len(built) == 1
    path = files.table_path(cast_lake, "providers")
    files.write(files.read(path), path)  # the same rows, a new file: a refresh happened
    client.get("/analytics/pso/")
    assert len(built) == 2


def test_a_safety_manager_sees_own_data_against_peers_and_no_other_pseudonym(client_for, cast, cast_lake):  # noqa: F811
    own = provider_pseudonym(cast.orgs["p1"])
    response = client_for("safety_manager").get("/analytics/provider/t-p1/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your events per 1,000 patient-days" in body
    assert ">You<" in body  # its own point on the funnel
    assert set(PSEUDONYM.findall(body)) <= {own}


def test_a_provider_drills_only_into_its_own_rows(client_for, cast, cast_lake):  # noqa: F811
    own = provider_pseudonym(cast.orgs["p1"])
    client = client_for("pses_committee")
    body = client.get("/analytics/provider/t-p1/events/").content.decode()
    assert set(PSEUDONYM.findall(body)) == {own}
    falls = client.get("/analytics/provider/t-p1/events/?category=A48").content.decode()
    assert "Your pooled events: Fall" in falls
    assert client.get("/analytics/provider/t-p1/events/?category=A99").status_code == 404


def test_a_system_officer_sees_sharing_affiliates_together_with_no_pool_code_and_no_name(client_for, cast, cast_lake):  # noqa: F811
    # Issue 14 item 6: the pool's codes are never mapped back to names outside the PSO's logged
    # re-identification, so the system's page names no affiliate from the pool and shows no code.
    with CaptureQueriesContext(connection) as queries:
        response = client_for("system_safety_officer").get("/analytics/system/t-sys1/")
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Your affiliates appear here together, never one by one" in body
    assert "System total" in body  # p1 shares with its system: its rows are in the total
    assert "Cast General Hospital" not in body
    assert "CANARY-ORG-p1b" not in body  # p1b does not share
    assert not PSEUDONYM.search(body)
    codes = ProviderPseudonym.objects.values_list("code", flat=True)
    assert codes
    assert not [code for code in codes if code in body]
    # Provider → code only: no query on the table selects by code (that is `reidentify`'s alone).
    table = ProviderPseudonym._meta.db_table
    by_code = [q["sql"] for q in queries.captured_queries if table in q["sql"] and '."code" =' in q["sql"]]
    assert by_code == []


def test_the_chooser_lists_the_dashboards_a_person_may_open(client_for, cast_lake):  # noqa: F811
    body = client_for("pso_admin").get("/analytics/").content.decode()
    assert 'href="/analytics/pso/?pso=t-pso1"' in body
    body = client_for("safety_manager").get("/analytics/").content.decode()
    assert 'href="/analytics/provider/t-p1/"' in body
    assert client_for("reporter").get("/analytics/").status_code == 404


def test_a_system_officers_drill_shows_affiliates_events_with_no_pool_code_and_no_name(client_for, cast, cast_lake):  # noqa: F811
    client = client_for("system_safety_officer")
    body = client.get("/analytics/system/t-sys1/events/").content.decode()
    assert "Your affiliates&#x27; pooled events" in body
    assert "An affiliate" in body
    assert "Cast General Hospital" not in body
    assert "CANARY-ORG-p1b" not in body
    assert not PSEUDONYM.search(body)
