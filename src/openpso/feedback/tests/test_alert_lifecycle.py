"""Publishing an alert to the members whose agreement includes it, and each member's response."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.audit.models import AuditEvent
from openpso.feedback.alerts import actions as alerts
from openpso.feedback.models import ActionState, AlertStatus, AlertTarget, Applicability, SafetyAlert
from openpso.feedback.tests.fixtures import cast_targets, give_products


def draft(cast, **fields):
    values = {
        "title": "Falls at night",
        "hazard": "Unassisted toileting at night.",
        "evidence": "Pooled falls rose.",
        "recommended_actions": "Scheduled rounds.",
    }
    alert = SafetyAlert(pso=cast.orgs["pso1"], **{**values, **fields})
    return alerts.save_draft(actor=cast.users["pso_analyst"], alert=alert, changed=["title"])


def test_only_members_whose_agreement_includes_alerts_are_in_the_audience(cast):
    give_products(cast)  # every product for every member but p1b
    audience = alerts.audience(cast.orgs["pso1"])
    assert [p.name for p in audience.receiving] == ["Cast General Hospital", "Rival Hospital CANARY-ORG-p2"]
    assert [p.name for p in audience.not_receiving] == ["Cast Sister Hospital CANARY-ORG-p1b"]


def test_an_expired_agreement_takes_the_member_out_of_the_audience(cast):
    give_products(cast)
    agreement = cast.agreements["p2"]
    agreement.effective_to = dt.date(2021, 1, 1)
    agreement.save()
    assert [p.name for p in alerts.audience(cast.orgs["pso1"]).receiving] == ["Cast General Hospital"]


def test_publishing_creates_one_target_per_chosen_member_and_is_audited(cast):
    give_products(cast)
    alert = draft(cast)
    everyone = [cast.orgs[k] for k in ("p1", "p1b", "p2", "p3")]
    assert alerts.publish(actor=cast.users["pso_analyst"], alert=alert, providers=everyone) == 2
    assert alert.status == AlertStatus.PUBLISHED
    assert alert.published_at is not None
    assert set(AlertTarget.objects.filter(alert=alert).values_list("provider__slug", flat=True)) == {"t-p1", "t-p2"}
    event = AuditEvent.objects.get(action="feedback.alert_published")
    assert event.detail == {"targets": 2}
    assert event.organization_id == cast.orgs["pso1"].pk


def test_targets_can_be_chosen_by_provider_type_or_by_hand(cast):
    give_products(cast)
    pso = cast.orgs["pso1"]
    assert len(alerts.choose_targets(pso, mode="types", provider_types=["hospital"])) == 2
    assert alerts.choose_targets(pso, mode="types", provider_types=["nursing_home"]) == []
    picked = alerts.choose_targets(pso, mode="picked", picked=[cast.orgs["p2"].pk, cast.orgs["p1b"].pk])
    assert [p.pk for p in picked] == [cast.orgs["p2"].pk]


def test_an_alert_is_published_once_and_its_text_is_then_fixed(cast):
    give_products(cast)
    alert = draft(cast)
    alerts.publish(actor=None, alert=alert, providers=[cast.orgs["p1"]])
    with pytest.raises(alerts.AlertStateError):
        alerts.publish(actor=None, alert=alert, providers=[cast.orgs["p2"]])
    alert.title = "Changed"
    with pytest.raises(alerts.AlertStateError):
        alerts.save_draft(actor=None, alert=alert)
    assert AlertTarget.objects.filter(alert=alert).count() == 1


def test_publishing_to_nobody_who_receives_alerts_is_refused(cast):
    give_products(cast)
    with pytest.raises(alerts.AlertStateError, match="at least one member"):
        alerts.publish(actor=None, alert=draft(cast), providers=[cast.orgs["p1b"]])


def test_acknowledging_twice_records_it_once(cast):
    target = cast_targets(cast)["p1"]
    manager = cast.users["safety_manager"]
    assert alerts.acknowledge(actor=manager, target=target) is True
    first = target.acknowledged_at
    assert alerts.acknowledge(actor=cast.users["pses_committee"], target=target) is False
    target.refresh_from_db()
    assert target.acknowledged_at == first
    assert target.acknowledged_by == manager
    assert AuditEvent.objects.filter(action="feedback.alert_acknowledged").count() == 1


def test_a_response_records_applicability_and_action_and_audits_field_names_only(cast):
    target = cast_targets(cast)["p1"]
    response = alerts.Response(
        applicability=Applicability.APPLIES,
        applicability_note="Our med-surg units see the same pattern.",
        action_status=ActionState.IN_PROGRESS,
        action_note="Rounding pilot on 4 West.",
        action_date=dt.date(2026, 12, 1),
    )
    changed = alerts.respond(actor=cast.users["safety_manager"], target=target, response=response)
    assert set(changed) == {"applicability", "applicability_note", "action_status", "action_note", "action_date"}
    assert target.acknowledged_at is not None  # answering acknowledges
    assert (target.applicability, target.action_status) == ("applies", "in_progress")
    event = AuditEvent.objects.get(action="feedback.alert_response_recorded")
    assert event.detail["applicability"] == "applies"
    assert "Rounding" not in str(event.detail)
    assert "med-surg" not in str(event.detail)
    assert alerts.respond(actor=cast.users["safety_manager"], target=target, response=response) == []


def test_a_withdrawn_alert_cannot_be_acknowledged(cast):
    target = cast_targets(cast)["p1"]
    alerts.withdraw(actor=cast.users["pso_analyst"], alert=target.alert)
    with pytest.raises(alerts.AlertStateError):
        alerts.acknowledge(actor=cast.users["safety_manager"], target=target)


def test_counts_say_how_many_have_not_acknowledged(cast):
    targets = cast_targets(cast)
    alerts.acknowledge(actor=cast.users["safety_manager"], target=targets["p1"])
    counts = alerts.status_counts(AlertTarget.objects.filter(alert=targets["p1"].alert))
    assert (counts.targeted, counts.acknowledged, counts.not_acknowledged) == (2, 1, 1)
    assert counts.under_review == 2
