"""`/api/v1/alerts`: a provider's system reads the safety alerts its provider received and acknowledges them.

The API answers exactly what the inbox page does (feedback.queries), and acknowledging is the
page's action with the page's audit event.
"""

from __future__ import annotations

import pytest
from django.test import Client

from openpso.audit.models import AuditEvent
from openpso.feedback.alerts import actions
from openpso.feedback.models import AlertStatus, AlertTarget
from openpso.feedback.tests.fixtures import cast_targets


def _csrf_client(cast, who: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users[who])
    client.cookies["csrftoken"] = "apitestc" * 4  # 32 letters: a well-formed token
    return client


def _ack(client: Client, target_id: int):
    token = client.cookies["csrftoken"].value
    return client.post(f"/api/v1/alerts/{target_id}/acknowledge", HTTP_X_CSRFTOKEN=token)


def test_the_safety_team_lists_and_reads_its_providers_alerts_in_the_inbox_order(cast, client_for):
    targets = cast_targets(cast)
    for who in ("safety_manager", "pses_committee"):
        listed = client_for(who).get("/api/v1/alerts").json()
        assert listed["count"] == 1
        [item] = listed["items"]
        assert item["id"] == targets["p1"].pk
        assert item["provider"] == cast.orgs["p1"].slug
        assert item["reference"] == targets["p1"].alert.reference
        assert item["acknowledged"] is False
        assert item["withdrawn"] is False
        detail = client_for(who).get(f"/api/v1/alerts/{targets['p1'].pk}")
        assert detail.status_code == 200
        assert detail.json() == item


def test_other_roles_see_an_empty_list_and_404_for_every_copy(cast, client_for):
    targets = cast_targets(cast)
    for who in ("reporter", "pso_analyst", "system_safety_officer"):
        client = client_for(who)
        assert client.get("/api/v1/alerts").json() == {"items": [], "count": 0, "next_cursor": None}
        assert client.get(f"/api/v1/alerts/{targets['p1'].pk}").status_code == 404
    # Another member of the same PSO got the same alert, but its copy is not p1's to read.
    other = client_for("manager_p2")
    assert other.get(f"/api/v1/alerts/{targets['p1'].pk}").status_code == 404
    assert [i["id"] for i in other.get("/api/v1/alerts").json()["items"]] == [targets["p2"].pk]


def test_acknowledging_records_who_and_when_with_the_pages_audit_event_once(cast):
    target = cast_targets(cast)["p1"]
    client = _csrf_client(cast, "safety_manager")
    first = _ack(client, target.pk)
    assert first.status_code == 200, first.content
    assert first.json()["acknowledged"] is True
    again = _ack(client, target.pk)
    assert again.status_code == 200
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    target.refresh_from_db()
    assert target.acknowledged_by == cast.users["safety_manager"]
    events = AuditEvent.objects.filter(action="feedback.alert_acknowledged", object_id=str(target.pk))
    assert events.count() == 1
    assert events.get().organization_id == cast.orgs["p1"].pk


def test_acknowledging_a_foreign_or_missing_copy_is_404_and_writes_nothing(cast):
    targets = cast_targets(cast)
    client = _csrf_client(cast, "manager_p2")
    assert _ack(client, targets["p1"].pk).status_code == 404
    assert _ack(client, 2**62).status_code == 404
    assert not AlertTarget.objects.filter(pk=targets["p1"].pk, acknowledged_at__isnull=False).exists()


def test_a_withdrawn_alert_is_marked_and_cannot_be_acknowledged(cast, client_for):
    target = cast_targets(cast)["p1"]
    actions.withdraw(actor=cast.users["pso_admin"], alert=target.alert)
    assert target.alert.status == AlertStatus.WITHDRAWN
    assert client_for("safety_manager").get(f"/api/v1/alerts/{target.pk}").json()["withdrawn"] is True
    refused = _ack(_csrf_client(cast, "safety_manager"), target.pk)
    assert refused.status_code == 409
    assert "withdrawn" in refused.json()["detail"]


@pytest.mark.parametrize("bad", ["0", "-1", str(2**63), "x"])
def test_an_id_out_of_range_is_a_422_not_a_500(client_for, bad):
    assert client_for("safety_manager").get(f"/api/v1/alerts/{bad}").status_code == 422


def test_a_write_without_the_csrf_token_is_refused(cast):
    target = cast_targets(cast)["p1"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["safety_manager"])
    assert client.post(f"/api/v1/alerts/{target.pk}/acknowledge").status_code == 403
    target.refresh_from_db()
    assert target.acknowledged_at is None
