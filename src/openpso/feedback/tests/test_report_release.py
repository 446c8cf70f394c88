"""Issue 14 item 5: a generated report is a release. Its peer and pooled parts carry no date finer
than its profile allows, it says which profile and the measured k, claims no Safe Harbor or expert
determination it does not have, and is recorded as a Release."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from openpso.analytics.engine import Lake
from openpso.analytics.panels import available_months
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.feedback.models import FeedbackReport, ReportKind
from openpso.feedback.reports import actions as reports
from openpso.feedback.tests.fixtures import give_products
from openpso.nonid.models import ExpertDetermination, Release
from openpso.nonid.profiles import RELEASE_ED

MONTH = re.compile(r"\b(19|20)\d\d-(0[1-9]|1[0-2])\b")


def section(html: str, name: str) -> str:
    start = html.index(f'id="section-{name}"')
    end = html.find("<section", start + 1)
    return html[start : end if end > 0 else len(html)]


def generate(cast, kind, key, month):
    give_products(cast)
    report = FeedbackReport.objects.create(
        kind=kind, organization=cast.orgs[key], period=dt.date.fromisoformat(month + "-01")
    )
    return reports.generate(report.pk)


def test_a_provider_report_releases_its_peers_by_year_and_records_the_release(cast, cast_lake):  # noqa: F811
    month = available_months(Lake(cast_lake))[-1]
    report = generate(cast, ReportKind.PROVIDER_MONTHLY, "p1", month)
    peers = section(report.html, "peers")
    assert "Released under release/1: dates to the year, peer groups of at least 5 providers (measured k = " in peers
    assert not MONTH.search(re.sub(r"<svg.*?</svg>", "", peers, flags=re.S)), MONTH.findall(peers)
    for html in (report.html,):
        assert "safe harbor" not in html.lower()
        assert "expert determination" not in html.lower()
    release = Release.objects.get(object_id=str(report.pk))
    assert (release.profile, release.recipient, release.what) == (
        "release/1",
        cast.orgs["p1"],
        "feedback.report:provider_monthly",
    )
    assert release.k_measured is not None
    assert release.k_measured >= release.k_required == 5
    assert f"(measured k = {release.k_measured})" in peers


def test_a_determination_in_force_releases_the_month_and_names_itself(cast, cast_lake):  # noqa: F811
    month = available_months(Lake(cast_lake))[-1]
    made = ExpertDetermination.objects.create(
        pso=cast.orgs["pso1"],
        expert="Dr Ada Example",
        qualification="PhD statistics",
        determined_on=dt.date(2020, 1, 1),
        method="Prosecutor risk.",
        risk_measured="0.04",
        risk_measure="highest match probability",
        scope=RELEASE_ED.id,
        expires_on=dt.date(2099, 1, 1),
    )
    report = generate(cast, ReportKind.PROVIDER_MONTHLY, "p1", month)
    peers = section(report.html, "peers")
    assert (
        f"Released under release-ed/1: dates to the month, as expert determination {made.pk} (Dr Ada Example" in peers
    )
    release = Release.objects.get(object_id=str(report.pk))
    assert (release.profile, release.determination) == ("release-ed/1", made)


@pytest.mark.parametrize("kind", [ReportKind.PSO_LEARNING])
def test_the_members_learning_report_gives_the_pool_by_year(cast, cast_lake, kind):  # noqa: F811
    month = available_months(Lake(cast_lake))[-1]
    report = generate(cast, kind, "pso1", month)
    for name in ("rates", "peers"):
        text = re.sub(r"<svg.*?</svg>", "", section(report.html, name), flags=re.S)
        assert not MONTH.search(text), (name, MONTH.findall(text))
    assert "Events in the pool per year" in report.html
    assert Release.objects.get(object_id=str(report.pk)).recipient is None


def test_evidence_leaves_out_a_signal_naming_a_provider_type_with_fewer_than_k_providers():
    import pandas as pd  # type: ignore[import-untyped]

    from openpso.feedback.alerts.evidence import releasable
    from openpso.nonid.profiles import RELEASE
    from openpso.nonid.release import release_peers

    types = ["hospital"] * 6 + ["nursing_home"] * 5 + ["ems_agency"] * 2
    frame = pd.DataFrame({"provider": [f"P-{i}" for i in range(len(types))], "provider_type": types})
    released = release_peers(frame, profile=RELEASE, k=5)
    # Two EMS agencies are suppressed; the suppressed class then takes the nursing homes to reach 5.
    assert releasable("category:A48|provider_type:hospital", released)
    assert not releasable("category:A48|provider_type:nursing_home", released)
    assert not releasable("category:A48|provider_type:ems_agency", released)
    assert releasable("category:A44|unit_type:icu", released)
    assert not releasable("category:A44|unit_type:icu", None)  # a pool under k releases no signal


def _alert_with(cast, evidence):
    from openpso.feedback.alerts import actions as alerts
    from openpso.feedback.models import SafetyAlert

    give_products(cast)
    alert = SafetyAlert(
        pso=cast.orgs["pso1"], title="Falls", hazard="Night.", evidence=evidence, recommended_actions="Rounds."
    )
    return alerts.save_draft(actor=cast.users["pso_analyst"], alert=alert, changed=["title"])


SIGNAL = "Pooled signal (poisson cusum): Fall: 40 events in {when} across the pool, 2.0 times (released under {p})."


def test_publishing_evidence_from_a_signal_records_the_release(cast, cast_lake):  # noqa: F811
    from openpso.feedback.alerts import actions as alerts

    alert = _alert_with(cast, SIGNAL.format(when="a month of 2026", p="release/1"))
    alerts.publish(actor=cast.users["pso_analyst"], alert=alert, providers=[cast.orgs["p1"]])
    release = Release.objects.get(what="feedback.alert_evidence")
    assert (release.object_id, release.profile, release.determination) == (str(alert.pk), "release/1", None)
    assert release.k_measured is not None
    assert release.k_measured >= 5


def test_evidence_given_by_month_is_not_published_once_its_determination_has_expired(cast):
    from openpso.feedback.alerts import actions as alerts

    alert = _alert_with(cast, SIGNAL.format(when="2026-10", p="release-ed/1"))
    with pytest.raises(alerts.AlertStateError, match="no longer in force"):
        alerts.publish(actor=cast.users["pso_analyst"], alert=alert, providers=[cast.orgs["p1"]])
    assert not Release.objects.exists()


def test_evidence_written_by_hand_is_not_a_recorded_release(cast):
    from openpso.feedback.alerts import actions as alerts

    alert = _alert_with(cast, "Falls rose in our members' reports.")
    alerts.publish(actor=cast.users["pso_analyst"], alert=alert, providers=[cast.orgs["p1"]])
    assert not Release.objects.exists()
