"""API keys scoped to one organisation and one role (accounts/api_keys.py): a key sees what a
person in that role sees, nothing of another organisation (404), writes without CSRF, and a
revoked or unknown key is a 401 with WWW-Authenticate on every router."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpso.accounts.api_keys import RoleNotForKeys, issue_key, revoke_key
from openpso.accounts.events import AccountAction
from openpso.audit.models import AuditEvent
from openpso.lake.tests.export_fixtures import cast_release_exports
from openpso.reporting.models import EventReport


def _key(cast, org: str, role: str) -> dict[str, Any]:
    issued = issue_key(organization=cast.orgs[org], role=role, name="Their system", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def _ids(client: Client, headers: dict[str, Any]) -> set[str]:
    response = client.get("/api/v1/reports?limit=500", **headers)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _report_body(provider: str = "t-p1") -> dict[str, object]:
    return {
        "provider": provider,
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "narrative": "Slid from the chair.",
        "harm": "LA21150-0",
    }


def test_a_safety_manager_key_sees_what_the_safety_manager_sees_and_nothing_of_another_provider(cast, client_for):
    headers = _key(cast, "p1", "safety_manager")
    person = _ids(client_for("safety_manager"), {})
    assert person
    assert _ids(Client(), headers) == person
    foreign = EventReport.objects.exclude(provider=cast.orgs["p1"]).first()
    assert Client().get(f"/api/v1/reports/{foreign.pk}", **headers).status_code == 404


def test_a_reporter_key_sees_only_what_it_filed_and_files_without_a_csrf_token(cast):
    headers = _key(cast, "p1", "reporter")
    client = Client(enforce_csrf_checks=True)
    assert _ids(client, headers) == set()  # a reporter reads only their own reports
    filed = client.post("/api/v1/reports", data=_report_body(), content_type="application/json", **headers)
    assert filed.status_code == 201, filed.content
    assert _ids(client, headers) == {filed.json()["id"]}
    other = client.post("/api/v1/reports", data=_report_body("t-p2"), content_type="application/json", **headers)
    assert other.status_code in (403, 404, 422)
    assert not EventReport.objects.filter(provider=cast.orgs["p2"], reporter__is_service_account=True).exists()


def test_a_pso_analyst_key_reads_its_psos_exports_and_not_another_psos(cast):
    exports = cast_release_exports(cast)
    headers = _key(cast, "pso1", "pso_analyst")
    assert Client().get(f"/api/v1/release/export/{exports['pso1'].pk}", **headers).status_code == 200
    assert Client().get(f"/api/v1/release/export/{exports['pso2'].pk}", **headers).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/reports", "/api/v1/alerts", "/api/v1/forms", "/api/v1/submissions"])
def test_a_revoked_or_unknown_key_is_a_401_with_a_challenge_on_every_router(cast, url):
    issued = issue_key(organization=cast.orgs["p1"], role="safety_manager", name="x", actor=None)
    revoke_key(key=issued.key, actor=None)
    for token in (issued.token, "opso_nope_nope"):
        response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("org", "role"), [("p1", "pses_committee"), ("pso1", "pso_admin"), ("p1", "pso_analyst")])
def test_roles_a_machine_should_not_hold_are_refused(cast, org, role):
    with pytest.raises(RoleNotForKeys):
        issue_key(organization=cast.orgs[org], role=role, name="x", actor=None)


def test_making_and_revoking_a_key_is_audited_and_its_account_cannot_sign_in(cast):
    issued = issue_key(organization=cast.orgs["p1"], role="reporter", name="x", actor=cast.users["safety_manager"])
    account = issued.key.service_account
    assert account.is_service_account
    assert not account.has_usable_password()
    revoke_key(key=issued.key, actor=cast.users["safety_manager"])
    actions = list(AuditEvent.objects.filter(object_id=str(issued.key.pk)).values_list("action", flat=True))
    assert AccountAction.API_KEY_ISSUED in actions
    assert AccountAction.API_KEY_REVOKED in actions
    account.refresh_from_db()
    assert not account.is_active


def test_a_pso_administrator_makes_an_analyst_key_on_the_psos_key_page(cast, client_for):
    url = f"/pso/{cast.orgs['pso1'].slug}/keys/"
    made = client_for("pso_admin").post(url, {"action": "create", "name": "Our warehouse", "role": "pso_analyst"})
    assert made.status_code == 200
    assert "opso_" in made.content.decode()
    assert cast.orgs["pso1"].machine_keys.get().role == "pso_analyst"
    assert client_for("pso_analyst").get(url).status_code == 404
    assert client_for("admin_pso2").get(url).status_code == 404


def test_a_provider_system_posts_a_fhir_adverse_event_and_reads_back_its_events_and_alerts(cast):
    # Issue 17 item 4, done when: a provider's system, by key alone, files and reads back.
    from openpso.feedback.tests.fixtures import cast_targets
    from openpso.reporting.tests.test_fhir_adverse_event import DATA

    target = cast_targets(cast)["p1"]
    headers = _key(cast, "p1", "safety_manager")
    client = Client(enforce_csrf_checks=True)
    document = (DATA / "fall-incident.json").read_text()
    posted = client.post(
        "/api/v1/fhir/AdverseEvent?provider=t-p1", data=document, content_type="application/fhir+json", **headers
    )
    assert posted.status_code == 201, posted.content
    report_id = posted["Location"].rsplit("/", 1)[1]
    assert report_id in _ids(client, headers)
    assert client.get(posted["Location"], **headers).status_code == 200
    alerts = client.get("/api/v1/alerts", **headers).json()["items"]
    assert [a["id"] for a in alerts] == [target.pk]
