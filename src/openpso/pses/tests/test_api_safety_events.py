"""`/api/v1/safety-events` and `/api/v1/rca-actions`: a provider's system reads its safety events, their
status and their RCA² actions, as the safety team's pages show them, with the pages' audit events."""

from __future__ import annotations

from openpso.audit.models import AuditEvent
from openpso.pses.events import PsesAction
from openpso.pses.models import EventStatus
from openpso.pses.safety_events import actions
from openpso.pses.tests.fixtures import cast_events
from openpso.pses.tests.rca_fixtures import cast_actions


def test_the_safety_team_lists_its_providers_events_with_status_severity_and_reports(cast, client_for):
    events = cast_events(cast)
    actions.change_status(user=None, event=events["r1"], status=EventStatus.IN_TRIAGE)
    for who in ("safety_manager", "pses_committee"):
        listed = client_for(who).get("/api/v1/safety-events").json()
        assert {item["id"] for item in listed["items"]} == {str(events["r1"].pk)}
        [item] = listed["items"]
        assert item["status"] == "in_triage"
        assert item["provider"] == cast.orgs["p1"].slug
        assert item["report_ids"] == [str(cast.reports["r1"].pk)]
        assert item["harm"] == "LA21150-0"  # the cast's reports: mild harm
        assert item["severity"] == "Mild harm"
        assert item["updated_at"] >= item["created_at"]
    filtered = client_for("safety_manager").get("/api/v1/safety-events?status=closed").json()
    assert filtered == {"items": [], "count": 0}
    assert client_for("safety_manager").get("/api/v1/safety-events?status=shelved").status_code == 422


def test_reading_an_event_is_audited_as_its_page_and_others_get_404(cast, client_for):
    event = cast_events(cast)["r1"]
    response = client_for("safety_manager").get(f"/api/v1/safety-events/{event.pk}")
    assert response.status_code == 200
    assert response.json()["title"] == "CANARY-EVENT-r1"
    assert AuditEvent.objects.filter(action=PsesAction.EVENT_VIEWED, object_id=str(event.pk)).count() == 1
    for who in ("manager_p2", "reporter", "pso_analyst", "system_safety_officer"):
        assert client_for(who).get(f"/api/v1/safety-events/{event.pk}").status_code == 404
    assert client_for("manager_p2").get("/api/v1/safety-events").json()["items"][0]["id"] == str(
        cast_events(cast)["r2"].pk
    )


def test_rca_actions_carry_their_strength_and_status_and_filter_by_status_and_event(cast, client_for):
    found = cast_actions(cast)
    client = client_for("safety_manager")
    listed = client.get("/api/v1/rca-actions").json()
    assert {item["id"] for item in listed["items"]} == {str(found["r1"].pk)}
    [item] = listed["items"]
    assert (item["action_type"], item["strength"], item["status"]) == ("forcing_function", "stronger", "planned")
    assert item["event_id"] == str(cast_events(cast)["r1"].pk)
    assert client.get("/api/v1/rca-actions?status=done").json()["count"] == 0
    assert client.get(f"/api/v1/rca-actions?event_id={cast_events(cast)['r2'].pk}").json()["count"] == 0
    assert client.get(f"/api/v1/rca-actions?event_id={item['event_id']}&status=planned").json()["count"] == 1


def test_reading_an_rca_action_is_audited_as_its_page_and_others_get_404(cast, client_for):
    action = cast_actions(cast)["r1"]
    response = client_for("pses_committee").get(f"/api/v1/rca-actions/{action.pk}")
    assert response.status_code == 200
    assert response.json()["action"] == "Install bed alarms CANARY-RCA-r1"
    assert AuditEvent.objects.filter(action=PsesAction.ACTION_VIEWED, object_id=str(action.pk)).count() == 1
    for who in ("manager_p2", "reporter", "pso_admin"):
        assert client_for(who).get(f"/api/v1/rca-actions/{action.pk}").status_code == 404
