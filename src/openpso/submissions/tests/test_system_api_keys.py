"""A health system's API keys (`/system/<slug>/keys/`): made by its safety officers in the
safety officer's role, shown once, revocable, audited; nobody else reaches the page."""

from __future__ import annotations

import re

from django.test import Client

from openpso.accounts.api_keys import issue_key
from openpso.accounts.events import AccountAction
from openpso.accounts.models import ApiKey
from openpso.audit.models import AuditEvent


def _url(cast, key: str = "sys1") -> str:
    return f"/system/{cast.orgs[key].slug}/keys/"


def test_a_system_officer_makes_a_key_shown_once_in_the_officers_role(cast, client_for):
    client = client_for("system_safety_officer")
    made = client.post(_url(cast), {"action": "create", "name": "Our dashboard", "role": "system_safety_officer"})
    assert made.status_code == 200
    key = ApiKey.objects.get()
    assert (key.organization, key.role) == (cast.orgs["sys1"], "system_safety_officer")
    token = re.search(rf"opso_{key.prefix}_[A-Za-z0-9_-]+", made.content.decode())
    assert token is not None
    assert made["Cache-Control"].startswith("max-age=0")  # the secret stays out of the browser's cache
    listed = client.get(_url(cast)).content.decode()
    assert f"opso_{key.prefix}_…" in listed
    assert "Our dashboard" in listed
    assert token.group(0) not in listed  # shown once: the page lists the key by its prefix only


def test_a_system_key_cannot_hold_another_role(cast, client_for):
    client = client_for("system_safety_officer")
    refused = client.post(_url(cast), {"action": "create", "name": "x", "role": "safety_manager"})
    assert refused.status_code == 200
    assert not ApiKey.objects.exists()


def test_a_system_officer_revokes_a_key_and_both_are_audited(cast, client_for):
    client = client_for("system_safety_officer")
    client.post(_url(cast), {"action": "create", "name": "Our dashboard", "role": "system_safety_officer"})
    key = ApiKey.objects.get()
    revoked = client.post(_url(cast), {"action": "revoke", "key_id": key.pk})
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert not key.service_account.is_active
    rows = AuditEvent.objects.filter(object_id=str(key.pk)).order_by("seq")
    assert [(r.action, r.actor_id, r.organization_id) for r in rows] == [
        (AccountAction.API_KEY_ISSUED, cast.users["system_safety_officer"].pk, cast.orgs["sys1"].pk),
        (AccountAction.API_KEY_REVOKED, cast.users["system_safety_officer"].pk, cast.orgs["sys1"].pk),
    ]


def test_a_system_key_reads_the_reports_its_officer_reads(cast, client_for):
    issued = issue_key(organization=cast.orgs["sys1"], role="system_safety_officer", name="y", actor=None)
    person = client_for("system_safety_officer").get("/api/v1/reports?limit=500").json()["items"]
    assert person, "the cast shares some affiliate's reports with sys1"
    by_key = Client().get("/api/v1/reports?limit=500", HTTP_AUTHORIZATION=f"Bearer {issued.token}").json()["items"]
    assert {r["id"] for r in by_key} == {r["id"] for r in person}


def test_nobody_but_the_systems_own_officer_reaches_its_key_page(cast, client_for):
    for who in ("safety_manager", "pso_admin", "auditor", "reporter"):
        assert client_for(who).get(_url(cast)).status_code == 404, who
        assert client_for(who).post(_url(cast), {"action": "create", "name": "x"}).status_code == 404, who
    # The officer of sys1 reaches no other system's page.
    assert client_for("system_safety_officer").get(_url(cast, "sys2")).status_code == 404
    assert not ApiKey.objects.exists()
