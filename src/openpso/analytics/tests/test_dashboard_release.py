"""A member's or health system's dashboard is a release: recorded, labelled, and under the profile in force."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.nonid.models import Release
from openpso.nonid.profiles import RELEASE, RELEASE_ED
from openpso.nonid.tests.test_release_profiles import determination

pytestmark = pytest.mark.django_db


def test_a_providers_dashboard_records_one_release_per_build_with_its_recipient(client_for, cast, cast_lake):  # noqa: F811
    client = client_for("safety_manager")
    assert client.get("/analytics/provider/t-p1/").status_code == 200
    client.get("/analytics/provider/t-p1/")  # served from the cache: released once
    [release] = Release.objects.filter(what="analytics.dashboard:provider")
    assert release.recipient == cast.orgs["p1"]
    assert release.pso == cast.orgs["pso1"]
    assert release.profile == RELEASE.id
    assert release.k_measured is None or release.k_measured >= release.k_required


def test_the_pso_analysts_own_dashboard_is_not_a_release(client_for, cast_lake):  # noqa: F811
    assert client_for("pso_analyst").get("/analytics/pso/").status_code == 200
    assert not Release.objects.exists()


def test_the_dashboard_and_its_csv_say_they_are_pswp_released_under_the_profile(client_for, cast, cast_lake):  # noqa: F811
    client = client_for("safety_manager")
    body = client.get("/analytics/provider/t-p1/").content.decode()
    assert f"released under {RELEASE.id}; not labelled non-identified" in body
    rows = list(csv.DictReader(io.StringIO(client.get("/analytics/provider/t-p1/rate.csv").content.decode())))
    assert rows
    assert {row["pswp_status"] for row in rows} == {
        f"PSWP: developed by the PSO, released under {RELEASE.id}; not labelled non-identified (42 CFR 3.212) "
        "(42 CFR 3.20, PSWP para (1)(i)(B))"
    }
    assert {row["release"].split(",")[0] for row in rows} == {f"Released under {RELEASE.id}: dates to the year"}


def test_an_expert_determination_in_force_moves_the_members_dashboard_to_its_profile(client_for, cast, cast_lake):  # noqa: F811
    client = client_for("system_safety_officer")
    client.get("/analytics/system/t-sys1/")
    today = timezone.localdate()
    determination(
        cast.orgs["pso1"], determined_on=today - dt.timedelta(days=1), expires_on=today + dt.timedelta(days=365)
    )
    body = client.get("/analytics/system/t-sys1/").content.decode()
    assert f"Released under {RELEASE_ED.id}: dates to the month" in body
    profiles = list(Release.objects.filter(what="analytics.dashboard:system").values_list("profile", flat=True))
    assert sorted(profiles) == sorted([RELEASE.id, RELEASE_ED.id])
