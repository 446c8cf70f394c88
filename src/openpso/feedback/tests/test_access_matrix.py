"""Every feedback URL × every cast role, own and foreign objects (invariant 1).

The policy is written out plainly here, apart from the code it checks. Foreign objects answer
404 (never 403, never data), and no page shows a foreign organisation's canary text.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from openpso.feedback.tests.fixtures import cast_alerts, cast_reports, cast_targets
from openpso.testing.cast import CAST_ROLES

PSO_STAFF = {"pso_analyst", "pso_admin", "admin_pso2"}
SAFETY_TEAM = {"safety_manager", "pses_committee", "manager_p2"}
# Which org each cast role holder belongs to.
HOME = {
    "reporter": "p1",
    "safety_manager": "p1",
    "pses_committee": "p1",
    "system_safety_officer": "sys1",
    "pso_analyst": "pso1",
    "pso_admin": "pso1",
    "auditor": "pso1",
    "provider_auditor": "p1",
    "manager_p2": "p2",
    "admin_pso2": "pso2",
}
PAGES = {
    "feedback:alerts": PSO_STAFF,
    "feedback:alert-new": PSO_STAFF,
    "feedback:member-alerts": SAFETY_TEAM,
    "feedback:system-alerts": {"system_safety_officer"},
    "feedback:reports": {"reporter", "system_safety_officer"} | SAFETY_TEAM | PSO_STAFF,
    "feedback:digest": {"reporter"} | SAFETY_TEAM,
}
ALERT_ROUTES = ["feedback:alert-detail", "feedback:alert-edit", "feedback:alert-publish", "feedback:alert-csv"]
REPORT_ROUTES = ["feedback:report", "feedback:report-progress", "feedback:report-pdf"]
POST_ONLY = {"feedback:alert-withdraw": "alert_id", "feedback:member-acknowledge": "target_id"}
# Organisations whose names each role may see on a feedback page (its PSO's staff know the network).
NAMES_SEEN = {
    "pso_analyst": {"pso1", "p1", "p1b", "p2", "sys1", "sys2"},
    "pso_admin": {"pso1", "p1", "p1b", "p2", "sys1", "sys2"},
    "admin_pso2": {"pso2", "p3"},
    "system_safety_officer": {"sys1", "p1"},
}


def alert_visible(who, pso_key):
    return who in PSO_STAFF and HOME[who] == pso_key


def target_visible(who, provider_key):
    return who in SAFETY_TEAM and HOME[who] == provider_key


def report_visible(who, kind, org_key):
    home = HOME[who]
    if kind == "provider_monthly":
        return who in SAFETY_TEAM and home == org_key
    if kind == "reporter_digest":
        return who in SAFETY_TEAM | {"reporter"} and home == org_key
    if kind == "system":
        return who == "system_safety_officer" and home == org_key
    # The PSO learning report: its staff, and the safety teams of members whose agreement includes it
    # (p1 and p2 do in the cast; p1b has no product; p3 is in the other PSO).
    member_of = {"p1": "pso1", "p2": "pso1", "p3": "pso2"}
    return (who in PSO_STAFF and home == org_key) or (who in SAFETY_TEAM and member_of.get(home) == org_key)


def assert_no_foreign_names(cast, who, url, body):
    seen = NAMES_SEEN.get(who, {HOME[who]})
    leaked = [key for key in cast.orgs if key not in seen and f"CANARY-ORG-{key}" in body]
    assert not leaked, f"{who} saw {leaked} at {url}"


@pytest.mark.parametrize("who", CAST_ROLES)
def test_pages_without_parameters_answer_their_audience_only(cast, client_for, who):
    cast_alerts(cast)
    cast_reports(cast)
    client = client_for(who)
    for name, audience in PAGES.items():
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == (200 if who in audience else 404), (who, url, response.status_code)
        assert_no_foreign_names(cast, who, url, response.content.decode())


@pytest.mark.parametrize("who", CAST_ROLES)
def test_alerts_answer_404_outside_their_pso(cast, client_for, who):
    client = client_for(who)
    for pso_key, alert in cast_alerts(cast).items():
        for name in ALERT_ROUTES:
            url = reverse(name, kwargs={"alert_id": alert.pk})
            response = client.get(url)
            assert response.status_code == (200 if alert_visible(who, pso_key) else 404), (who, url)
            assert_no_foreign_names(cast, who, url, response.content.decode())
            if not alert_visible(who, pso_key):
                assert client.post(url, {"mode": "all"}).status_code == 404
        withdraw = reverse("feedback:alert-withdraw", kwargs={"alert_id": alert.pk})
        assert client.get(withdraw).status_code == 405
        if not alert_visible(who, pso_key):
            assert client.post(withdraw).status_code == 404


@pytest.mark.parametrize("who", CAST_ROLES)
def test_a_members_alert_answers_404_outside_its_safety_team(cast, client_for, who):
    client = client_for(who)
    for provider_key, target in cast_targets(cast).items():
        url = reverse("feedback:member-alert", kwargs={"target_id": target.pk})
        response = client.get(url)
        assert response.status_code == (200 if target_visible(who, provider_key) else 404), (who, url)
        assert_no_foreign_names(cast, who, url, response.content.decode())
        acknowledge = reverse("feedback:member-acknowledge", kwargs={"target_id": target.pk})
        assert client.get(acknowledge).status_code == 405
        if not target_visible(who, provider_key):
            assert client.post(url, {"applicability": "applies", "action_status": "none"}).status_code == 404
            assert client.post(acknowledge).status_code == 404


@pytest.mark.parametrize("who", CAST_ROLES)
def test_a_report_is_read_only_inside_its_organisation(cast, client_for, who):
    client = client_for(who)
    for key, report in cast_reports(cast).items():
        kind, org_key = key.split(":")
        visible = report_visible(who, kind, org_key)
        for name in REPORT_ROUTES:
            url = reverse(name, kwargs={"feedback_report_id": report.pk})
            response = client.get(url)
            assert response.status_code == (200 if visible else 404), (who, key, url, response.status_code)
            if name != "feedback:report-pdf":
                assert_no_foreign_names(cast, who, url, response.content.decode())
