"""The alert pages: the analyst writes and publishes, members answer, the PSO sees who has not."""

from __future__ import annotations

import pytest

from openpso.audit.models import AuditEvent
from openpso.feedback.models import AlertStatus, AlertTarget, SafetyAlert
from openpso.feedback.tests.fixtures import cast_targets, give_products

ALERT = {
    "title": "Falls while toileting at night",
    "severity": "high",
    "categories": ["A48"],
    "hazard": "Residents walking unassisted to the toilet at night fall.",
    "evidence": "Falls at nursing homes across the pool rose for six months.",
    "recommended_actions": "Offer scheduled toileting rounds; check bed-exit alarms.",
}


def test_the_analyst_writes_a_draft_and_publishes_it_to_every_receiving_member(cast, client_for):
    give_products(cast)
    client = client_for("pso_analyst")
    page = client.get("/feedback/alerts/new/").content.decode()
    assert "Non-identified only." in page
    assert "no provider, unit, staff or patient names" in page
    response = client.post("/feedback/alerts/new/", ALERT)
    alert = SafetyAlert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/alerts/{alert.pk}/publish/"
    assert alert.status == AlertStatus.DRAFT
    assert alert.categories == ["A48"]
    page = client.get(f"/feedback/alerts/{alert.pk}/publish/").content.decode()
    assert "Cast Sister Hospital CANARY-ORG-p1b" in page  # listed as not receiving alerts
    response = client.post(f"/feedback/alerts/{alert.pk}/publish/", {"mode": "all"})
    assert response.status_code == 302
    assert AlertTarget.objects.filter(alert=alert).count() == 2
    assert AuditEvent.objects.filter(action="feedback.alert_created", object_id=str(alert.pk)).exists()
    assert "Fall (A48)" in client.get(f"/feedback/alerts/{alert.pk}/").content.decode()  # a label, not a bare code


def test_an_alert_naming_a_member_is_refused_by_field(cast, client_for):
    give_products(cast)
    response = client_for("pso_analyst").post(
        "/feedback/alerts/new/", {**ALERT, "evidence": "Most falls were at Cast General Hospital last month."}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Evidence from the pool</a>: This names a member or health system (Cast General Hospital)" in body
    assert not SafetyAlert.objects.exists()


def test_publishing_by_type_without_a_type_names_the_field(cast, client_for):
    give_products(cast)
    client = client_for("pso_admin")
    client.post("/feedback/alerts/new/", ALERT)
    alert = SafetyAlert.objects.get()
    body = client.post(f"/feedback/alerts/{alert.pk}/publish/", {"mode": "types"}).content.decode()
    assert "Provider types</a>: Choose at least one provider type." in body
    assert SafetyAlert.objects.get().status == AlertStatus.DRAFT


def test_a_member_acknowledges_and_answers_and_the_pso_sees_who_has_not(cast, client_for):
    targets = cast_targets(cast)
    manager = client_for("safety_manager")
    inbox = manager.get("/feedback/inbox/").content.decode()
    assert "Falls while toileting at night" in inbox
    assert "Not acknowledged" in inbox
    assert manager.post(f"/feedback/inbox/{targets['p1'].pk}/acknowledge/").status_code == 302
    response = manager.post(
        f"/feedback/inbox/{targets['p1'].pk}/",
        {"applicability": "applies", "action_status": "in_progress", "action_note": "Rounding pilot."},
    )
    assert response.status_code == 302
    analyst = client_for("pso_analyst")
    alert = targets["p1"].alert
    page = analyst.get(f"/feedback/alerts/{alert.pk}/").content.decode()
    assert '<dd data-count="acknowledged">1</dd>' in page
    assert '<dd data-count="not_acknowledged">1</dd>' in page
    waiting = analyst.get(f"/feedback/alerts/{alert.pk}/?acknowledged=no").content.decode()
    assert "Rival Hospital CANARY-ORG-p2" in waiting
    assert "Rounding pilot." not in waiting
    csv = analyst.get(f"/feedback/alerts/{alert.pk}/status.csv").content.decode().splitlines()
    assert csv[0].startswith("member,provider_type,acknowledged_at")
    assert any(line.startswith("Cast General Hospital,hospital,20") and "in_progress" in line for line in csv)
    assert AuditEvent.objects.filter(action="feedback.alert_status_downloaded").count() == 1


def test_a_response_form_names_each_missing_field(cast, client_for):
    target = cast_targets(cast)["p1"]
    body = (
        client_for("pses_committee")
        .post(f"/feedback/inbox/{target.pk}/", {"applicability": "does_not_apply", "action_status": "done"})
        .content.decode()
    )
    assert "Why (your assessment)</a>: Say why the hazard does not apply to you." in body
    assert "What you do</a>: Say what you do." in body
    assert "Done on, or planned for</a>: Give the date the action was done." in body
    target.refresh_from_db()
    assert target.acknowledged_at is None


def test_a_formula_in_a_member_note_is_defused_in_the_csv(cast, client_for):
    target = cast_targets(cast)["p1"]
    client_for("safety_manager").post(
        f"/feedback/inbox/{target.pk}/",
        {"applicability": "applies", "action_status": "planned", "action_note": "=HYPERLINK(1)"},
    )
    csv = client_for("pso_analyst").get(f"/feedback/alerts/{target.alert.pk}/status.csv").content.decode()
    assert "'=HYPERLINK(1)" in csv


def test_the_health_system_sees_only_affiliates_that_share(cast, client_for):
    targets = cast_targets(cast)
    body = client_for("system_safety_officer").get("/feedback/system/").content.decode()
    assert "Cast General Hospital" in body  # p1 shares with sys1
    assert "CANARY-ORG-p2" not in body  # another system's member
    assert targets["p1"].alert.title in body


@pytest.mark.parametrize("who", ["reporter", "auditor", "provider_auditor", "system_safety_officer"])
def test_people_outside_a_members_safety_team_cannot_answer_its_alert(cast, client_for, who):
    target = cast_targets(cast)["p1"]
    client = client_for(who)
    assert client.get(f"/feedback/inbox/{target.pk}/").status_code == 404
    assert client.post(f"/feedback/inbox/{target.pk}/acknowledge/").status_code == 404
    target.refresh_from_db()
    assert target.acknowledged_at is None


def test_a_withdrawn_alert_stays_in_the_inbox_marked(cast, client_for):
    target = cast_targets(cast)["p1"]
    assert client_for("pso_admin").post(f"/feedback/alerts/{target.alert.pk}/withdraw/").status_code == 302
    inbox = client_for("safety_manager").get("/feedback/inbox/").content.decode()
    assert "Withdrawn" in inbox
    page = client_for("safety_manager").get(f"/feedback/inbox/{target.pk}/").content.decode()
    assert "Your PSO withdrew this alert" in page


def test_a_pooled_signal_can_be_attached_as_the_evidence(cast, client_for, monkeypatch):
    from openpso.feedback.alerts import views as views_alerts

    key = "category:A48|provider_type:nursing_home@2026-10"
    text = "Pooled signal (poisson cusum): Fall, provider type nursing home: 40 events in 2026-10."
    monkeypatch.setattr(views_alerts, "signal_texts", lambda pso: {key: text})
    client = client_for("pso_analyst")
    assert "Attach a pooled signal as evidence" in client.get("/feedback/alerts/new/").content.decode()
    response = client.post("/feedback/alerts/new/", {**ALERT, "evidence": "", "signal": key})
    assert response.status_code == 302
    assert SafetyAlert.objects.get().evidence == text


def test_a_signal_names_its_series_in_words_and_hides_a_small_count():
    from openpso.feedback.alerts.evidence import describe

    big = describe("category:A48|provider_type:nursing_home", "2026-10", 40, 20.0, "poisson_cusum")
    # Issue 14 item 5: evidence is a release, dated to the year under release/1, naming its profile.
    assert big == (
        "Pooled signal (poisson cusum): Fall, provider type nursing home: 40 events in a month of 2026 across the "
        "pool, 2.0 times the expected rate (released under release/1)."
    )
    small = describe("category:A44|unit_type:icu", "2026-10", 4, 1.0, "poisson_cusum")
    assert "fewer than 11 events" in small
    assert " 4 events" not in small


def test_the_alert_form_claims_no_legal_status_for_the_evidence(cast, client_for):
    # The evidence is typed by PSO staff and a signal's description comes from a release: neither
    # is checked against 42 CFR 3.212 here, so neither may be called non-identified.
    give_products(cast)
    page = client_for("pso_analyst").get("/feedback/alerts/new/").content.decode()
    assert "non-identified:" not in page
    assert "non-identified" not in str(SafetyAlert._meta.get_field("evidence").help_text)
