"""The PSO administrator re-identifies a pool pseudonym on a page, logged as the CLI logs it (issue 12)."""

from __future__ import annotations

import logging
import re

import pytest

from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.audit.models import AuditEvent
from openpso.nonid.pseudonyms import provider_pseudonym

URL = "/pso/reidentify/"
REASON = "Signal review 2026-11: confirm the member before calling them"


def test_the_administrator_finds_the_provider_and_the_look_up_is_audited_as_on_the_cli(cast, client_for, caplog):
    p1 = cast.orgs["p1"]
    pseudonym = provider_pseudonym(p1)
    with caplog.at_level(logging.DEBUG):
        response = client_for("pso_admin").post(URL, {"pseudonym": pseudonym.lower(), "reason": REASON})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{pseudonym} is {p1.name}" in body
    event = AuditEvent.objects.get(action="nonid.provider_reidentified")
    assert (event.actor_id, event.object_id, event.purpose) == (cast.users["pso_admin"].pk, str(p1.pk), REASON)
    assert event.organization_id == cast.orgs["pso1"].pk
    assert event.detail == {"pseudonym": pseudonym}
    assert REASON not in caplog.text  # the reason may name someone: audit trail only, never the app log


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_a_missing_or_short_reason_is_refused_naming_the_field_and_nothing_is_looked_up(cast, client_for, reason):
    pseudonym = provider_pseudonym(cast.orgs["p1"])
    response = client_for("pso_admin").post(URL, {"pseudonym": pseudonym, "reason": reason})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Reason for re-identifying:" in body
    assert cast.orgs["p1"].name not in body
    assert not AuditEvent.objects.filter(action__startswith="nonid.").exists()


def test_a_malformed_pseudonym_is_refused_naming_the_field(cast, client_for):
    response = client_for("pso_admin").post(URL, {"pseudonym": "P-123", "reason": REASON})
    assert response.status_code == 400
    assert "Provider pseudonym: not a provider pseudonym" in response.content.decode()


def test_another_psos_member_is_not_found_and_the_attempt_is_audited(cast, client_for):
    pseudonym = provider_pseudonym(cast.orgs["p1"])
    response = client_for("admin_pso2").post(URL, {"pseudonym": pseudonym, "reason": REASON})
    body = response.content.decode()
    assert response.status_code == 400
    assert "no member provider of your PSO" in body
    assert cast.orgs["p1"].name not in body
    assert AuditEvent.objects.get(action="nonid.reidentification_failed").actor_id == cast.users["admin_pso2"].pk


@pytest.mark.parametrize(
    "who", ["pso_analyst", "auditor", "safety_manager", "system_safety_officer", "reporter", "provider_auditor"]
)
def test_only_pso_administrators_reach_the_page(cast, client_for, who):
    pseudonym = provider_pseudonym(cast.orgs["p1"])
    client = client_for(who)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"pseudonym": pseudonym, "reason": REASON}).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="nonid.").exists()


def test_the_page_takes_the_pseudonym_from_the_link(cast, client_for):
    pseudonym = provider_pseudonym(cast.orgs["p1"])
    body = client_for("pso_admin").get(URL, {"pseudonym": pseudonym}).content.decode()
    assert f'value="{pseudonym}"' in body
    assert not AuditEvent.objects.filter(action__startswith="nonid.").exists()  # opening the page looks nothing up


def test_the_pool_drill_down_links_each_pseudonym_to_the_page_for_administrators_only(cast, client_for, cast_lake):  # noqa: F811
    admin, analyst = client_for("pso_admin"), client_for("pso_analyst")
    signal = re.search(r'href="(/analytics/pso/signals/[0-9a-f]{12}/)', admin.get("/analytics/pso/").content.decode())
    assert signal
    links = re.findall(
        r'href="/pso/reidentify/\?pseudonym=(P-[A-Z2-7]{12})"', admin.get(signal.group(1)).content.decode()
    )
    assert links
    assert client_for("pso_admin").get(URL, {"pseudonym": links[0]}).status_code == 200
    assert "/pso/reidentify/" not in analyst.get(signal.group(1)).content.decode()
