"""Issue 14 item 5: a release carries the month only while a recorded, unexpired expert determination
authorises it; otherwise the year. Recording one is the PSO administrator's, on a page whose errors
name the field; every release is a row with its profile and measured k, and an audit event."""

from __future__ import annotations

import datetime as dt

import pandas as pd  # type: ignore[import-untyped]
import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.nonid.models import ExpertDetermination, Release
from openpso.nonid.profiles import PSO_POOL, RELEASE, RELEASE_ED
from openpso.nonid.release import period_of_month, record_release, release_line, release_peers, release_profile

URL = "/pso/determinations/"
TODAY = dt.date(2026, 12, 7)


def determination(pso, **fields):
    values = {
        "expert": "Dr Ada Example",
        "qualification": "PhD statistics; 12 years of disclosure-risk work",
        "determined_on": dt.date(2026, 1, 5),
        "method": "Prosecutor risk on the release extract, simulated linkage to State discharge data.",
        "risk_measured": "0.040000",
        "risk_measure": "highest probability a record is matched to its provider",
        "scope": RELEASE_ED.id,
        "expires_on": dt.date(2027, 1, 5),
    }
    return ExpertDetermination.objects.create(pso=pso, **(values | fields))


def peers(n=7):
    return release_peers(
        pd.DataFrame({"provider": [f"P-{i}" for i in range(n)], "provider_type": ["hospital"] * n}), profile=RELEASE
    )


def test_without_a_determination_releases_carry_the_year(cast):
    profile, found = release_profile(cast.orgs["pso1"], on=TODAY)
    assert (profile, found) == (RELEASE, None)
    assert period_of_month("2026-03", profile) == "2026"


def test_an_unexpired_determination_authorises_the_month_and_the_line_names_it(cast):
    made = determination(cast.orgs["pso1"])
    profile, found = release_profile(cast.orgs["pso1"], on=TODAY)
    assert (profile, found) == (RELEASE_ED, made)
    assert period_of_month("2026-03", profile) == "2026-03"
    line = release_line(profile, peers(), found)
    assert line.startswith("Released under release-ed/1: dates to the month, as expert determination")
    assert "Dr Ada Example" in line
    assert "until 2027-01-05" in line
    assert "(measured k = 7)" in line


@pytest.mark.parametrize(
    "fields",
    [
        {"expires_on": dt.date(2026, 12, 7)},  # expired today
        {"expires_on": dt.date(2026, 6, 1)},
        {"scope": "release/2"},  # authorises something else
    ],
)
def test_an_expired_or_other_determination_falls_back_to_the_year(cast, fields):
    determination(cast.orgs["pso1"], **fields)
    assert release_profile(cast.orgs["pso1"], on=TODAY) == (RELEASE, None)


def test_a_withdrawn_or_another_psos_determination_does_not_authorise(cast):
    determination(cast.orgs["pso2"])
    determination(cast.orgs["pso1"], withdrawn_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert release_profile(cast.orgs["pso1"], on=TODAY) == (RELEASE, None)


def test_the_year_line_claims_no_determination():
    line = release_line(RELEASE, peers())
    assert line == "Released under release/1: dates to the year, peer groups of at least 5 providers (measured k = 7)."
    assert "expert" not in line.lower()
    assert "safe harbor" not in line.lower()
    with pytest.raises(ValueError, match="needs an expert determination"):
        release_line(RELEASE_ED, peers())  # the month with no determination is refused, not labelled


def test_a_release_is_recorded_with_its_profile_and_measured_k_and_audited(cast):
    release = record_release(
        pso=cast.orgs["pso1"], what="test", profile=RELEASE, peers=peers(), recipient=cast.orgs["p1"]
    )
    assert (release.profile, release.k_required, release.k_measured, release.rows) == ("release/1", 5, 7, 7)
    event = AuditEvent.objects.get(action="nonid.released")
    assert event.detail["k_measured"] == 7
    assert event.object_id == str(release.pk)
    with pytest.raises(AppendOnlyError):
        release.save()
    with pytest.raises(ValueError, match="not released"):
        record_release(pso=cast.orgs["pso1"], what="pool", profile=PSO_POOL, peers=None)
    with pytest.raises(ValueError, match="needs an expert determination"):
        record_release(pso=cast.orgs["pso1"], what="month", profile=RELEASE_ED, peers=None)
    assert Release.objects.count() == 1


def test_the_administrator_records_a_determination_and_sees_it_listed_with_its_expiry(cast, client_for):
    client = client_for("pso_admin")
    today = timezone.localdate()
    data = {
        "expert": "Dr Ada Example",
        "qualification": "PhD statistics",
        "determined_on": f"{today - dt.timedelta(days=30):%Y-%m-%d}",
        "method": "Prosecutor risk on the extract.",
        "risk_measured": "0.04",
        "risk_measure": "highest match probability",
        "scope": RELEASE_ED.id,
        "expires_on": f"{today + dt.timedelta(days=300):%Y-%m-%d}",
    }
    response = client.post(URL, data)
    assert response.status_code == 302
    made = ExpertDetermination.objects.get()
    assert (made.pso, made.recorded_by) == (cast.orgs["pso1"], cast.users["pso_admin"])
    body = client.get(URL).content.decode()
    assert "Dr Ada Example" in body
    assert f"{today + dt.timedelta(days=300):%Y-%m-%d}" in body
    assert "in force" in body
    assert AuditEvent.objects.filter(action="nonid.determination_recorded", object_id=str(made.pk)).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expert": ""}, "Expert&#x27;s name: This field is required."),
        ({"risk_measured": "4"}, "Measured risk (0 to 1): give the risk as a number from 0 to 1"),
        ({"expires_on": "2020-01-01"}, "Expires on: the expiry must come after the date of the determination"),
        ({"expires_on": "2099-01-01"}, "Expires on: at most 3 years after the determination"),
        ({"risk_measure": ""}, "What the risk measures: This field is required."),
    ],
)
def test_a_bad_determination_is_refused_naming_the_field(cast, client_for, change, message):
    data = {
        "expert": "Dr Ada Example",
        "qualification": "PhD statistics",
        "determined_on": "2026-01-05",
        "method": "Prosecutor risk.",
        "risk_measured": "0.04",
        "risk_measure": "highest match probability",
        "scope": RELEASE_ED.id,
        "expires_on": "2027-01-05",
    }
    response = client_for("pso_admin").post(URL, data | change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExpertDetermination.objects.exists()


def test_only_a_pso_administrator_reaches_the_page(cast, client_for):
    assert client_for("pso_analyst").get(URL).status_code == 404
    assert client_for("pso_admin").get(URL).status_code == 200
