"""Each organisation has a time zone, set by the PSO administrator; pages and forms use it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from openpso.organizations.models import Membership, Organization
from openpso.organizations.roles import Role
from openpso.organizations.timezones import time_zone_choices, validate_time_zone, zone_for_user
from openpso.reporting.channel.forms import AnonymousReportForm
from openpso.reporting.forms import ReportForm

DENVER = zoneinfo.ZoneInfo("America/Denver")


def _edit(cast, **changes):
    p1 = cast.orgs["p1"]
    data = {"name": p1.name, "slug": p1.slug, "kind": "provider", "provider_type": "hospital", "state": "PA"}
    return {**data, **changes}


def test_a_new_organisation_takes_the_servers_zone(db, settings):
    settings.TIME_ZONE = "America/Chicago"
    pso = Organization.objects.create(slug="tz-pso", name="PSO", kind="pso")
    assert pso.time_zone == "America/Chicago"


def test_only_iana_zone_names_are_accepted():
    validate_time_zone("America/Denver")
    with pytest.raises(ValidationError, match="not a time zone name"):
        validate_time_zone("Mountain Time")


def test_the_zone_list_offers_us_zones_first():
    (first_group, us), (_, others) = time_zone_choices()
    assert first_group == "United States"
    assert us[0][0] == "America/New_York"
    assert {"America/Denver", "Pacific/Honolulu", "America/Phoenix"} <= {name for name, _ in us}
    names = [name for name, _ in others]
    assert "Europe/London" in names
    assert "America/Denver" not in names


def test_the_pso_administrator_sets_a_providers_zone(cast, client_for):
    response = client_for("pso_admin").post(
        f"/manage/{cast.orgs['p1'].slug}/edit/", _edit(cast, time_zone="America/Denver")
    )
    assert response.status_code == 302
    cast.orgs["p1"].refresh_from_db()
    assert cast.orgs["p1"].time_zone == "America/Denver"
    page = client_for("pso_admin").get(f"/manage/{cast.orgs['p1'].slug}/").content.decode()
    assert "America/Denver" in page


def test_an_unknown_zone_is_refused_by_name(cast, client_for):
    response = client_for("pso_admin").post(
        f"/manage/{cast.orgs['p1'].slug}/edit/", _edit(cast, time_zone="Mars/Olympus")
    )
    assert response.status_code == 200
    assert "Time zone: “Mars/Olympus” is not a time zone OpenPSO knows" in response.content.decode()
    cast.orgs["p1"].refresh_from_db()
    assert cast.orgs["p1"].time_zone == "America/New_York"


@pytest.mark.parametrize("who", ["safety_manager", "reporter", "system_safety_officer", "pso_analyst", "admin_pso2"])
def test_nobody_but_the_networks_pso_administrator_changes_a_zone(cast, client_for, who):
    response = client_for(who).post(f"/manage/{cast.orgs['p1'].slug}/edit/", _edit(cast, time_zone="America/Denver"))
    assert response.status_code == 404
    cast.orgs["p1"].refresh_from_db()
    assert cast.orgs["p1"].time_zone == "America/New_York"


def test_the_form_shown_to_the_admin_offers_the_zones(cast, client_for):
    page = client_for("pso_admin").get(f"/manage/{cast.orgs['p1'].slug}/edit/").content.decode()
    assert '<option value="America/New_York" selected>' in page
    assert '<optgroup label="United States">' in page


def test_a_users_zone_is_their_first_memberships(cast):
    cast.orgs["p2"].time_zone = "America/Denver"
    cast.orgs["p2"].save(update_fields=["time_zone"])
    manager_p2 = cast.users["manager_p2"]
    assert zone_for_user(manager_p2) == DENVER
    Membership.objects.create(user=manager_p2, organization=cast.orgs["p1"], role=Role.SAFETY_MANAGER)
    assert zone_for_user(manager_p2) == DENVER  # the first membership decides


def test_pages_are_shown_in_the_signed_in_users_zone(cast, settings):
    settings.TIME_ZONE = "UTC"
    cast.orgs["p1"].time_zone = "America/Denver"
    cast.orgs["p1"].save(update_fields=["time_zone"])
    client = Client()
    client.force_login(cast.users["safety_manager"])
    page = client.get("/reports/").content.decode()
    reported = timezone.localtime(cast.reports["r1"].reported_at, DENVER)
    assert f"{reported:%Y-%m-%d %H:%M} {reported.tzname()}" in page


def test_the_report_form_defaults_to_now_in_the_providers_zone_and_reads_it_there(cast):
    p1 = cast.orgs["p1"]
    p1.time_zone = "America/Denver"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):  # whatever the request's zone
        blank = ReportForm(provider=p1)
        shown = blank["discovered_at"].value()
        now_in_denver = timezone.localtime(timezone=DENVER).replace(tzinfo=None)
        assert abs(shown - now_in_denver) < dt.timedelta(minutes=2)
        assert f'value="{shown:%Y-%m-%dT%H:%M}"' in str(blank["discovered_at"])
        filled = ReportForm({"discovered_at": "2026-12-06T20:03"}, provider=p1)
        filled.is_valid()
        assert filled.cleaned_data["discovered_at"] == dt.datetime(2026, 12, 7, 3, 3, tzinfo=dt.UTC)


def test_the_anonymous_form_defaults_to_the_hour_in_the_providers_zone(cast):
    p1 = cast.orgs["p1"]
    p1.time_zone = "Asia/Kolkata"  # UTC+5:30: the local hour is not a UTC hour

    def hour() -> dt.datetime:
        local = timezone.localtime(timezone=zoneinfo.ZoneInfo("Asia/Kolkata"))
        return local.replace(minute=0, second=0, microsecond=0, tzinfo=None)

    before = hour()
    with timezone.override(dt.UTC):
        shown = AnonymousReportForm(provider=p1)["discovered_at"].value()
    assert shown in {before, hour()}


def test_a_report_time_without_an_offset_is_read_in_the_providers_zone(cast):
    from openpso.reporting.schemas import ReportIn

    cast.orgs["p1"].time_zone = "America/Denver"
    cast.orgs["p1"].save(update_fields=["time_zone"])
    body = {
        "provider": cast.orgs["p1"].slug,
        "event_type": "A6",
        "categories": ["A66"],
        "category_other": "Wrong wristband colour",
        "discovered_at": "2026-01-06T20:03:00",  # no offset (an API client, an import): Denver time, MST
        "narrative": "Allergy band missing on admission; caught at the first medication pass.",
    }
    with timezone.override(dt.UTC):  # an API key's request, or the CLI: no user's zone
        report = ReportIn.model_validate(body)
    assert report.discovered_at == dt.datetime(2026, 1, 7, 3, 3, tzinfo=dt.UTC)


def test_an_imported_report_time_is_read_in_the_providers_zone(cast, tmp_path, settings):
    import json
    from io import StringIO

    from django.core.management import call_command

    from openpso.reporting.models import EventReport
    from openpso.reporting.tests.test_fhir_import import _herf_response

    settings.TIME_ZONE = "UTC"  # the CLI runs in the server's zone
    cast.orgs["p1"].time_zone = "America/Denver"
    cast.orgs["p1"].save(update_fields=["time_zone"])
    path = tmp_path / "herf.json"
    path.write_text(json.dumps(_herf_response()))  # discovered 11/20/2026 at 09:30, no offset
    call_command("import", "--provider", cast.orgs["p1"].slug, str(path), stdout=StringIO())
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    assert report.discovered_at == dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC)  # 09:30 MST
