"""Information collected for another purpose is not PSWP from the start (issue 15 item 1;
81 FR 32655): the provider's PSES policy names the purpose, the safety manager files it with
`collected_for`, the first ledger row says so, and it never reaches the PSO as PSWP."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.organizations.queries import agreement_in_force
from openpso.pswp import ledger
from openpso.pswp.actions import add_policy_version
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport
from openpso.submissions.document import refusal_of
from openpso.testing.payloads import fall_report

QUALITY_LOG = "Quality department incident log"


def _post(client, body):
    return client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")


def _policy(cast, *, purposes: str = f"{QUALITY_LOG}\nState survey log", days_ago: int = 1):
    return add_policy_version(
        provider=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        effective_from=timezone.localdate() - dt.timedelta(days=days_ago),
        what_enters="Event reports filed for the PSO",
        who_may_see="Safety manager, PSES committee",
        when_reported="Monthly",
        non_pses_purposes=purposes,
    )


def test_the_safety_manager_records_information_collected_for_another_purpose_as_not_pswp_from_the_start(
    cast, client_for
):
    _policy(cast)  # version 1
    policy = _policy(cast)  # version 2, the one in effect
    response = _post(client_for("safety_manager"), fall_report(cast, collected_for="quality department  incident LOG"))
    assert response.status_code == 201, response.content
    assert response.json()["pswp_status"] == PswpStatus.NOT_PSWP
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.pswp_status == PswpStatus.NOT_PSWP

    [first] = PswpTransition.objects.filter(object_id=str(report.pk))
    assert (first.from_status, first.to_status, first.actor) == ("", PswpStatus.NOT_PSWP, cast.users["safety_manager"])
    assert QUALITY_LOG in first.reason
    assert "PSES policy v2" in first.reason
    assert first.at == report.pswp_status_at

    kept = AuditEvent.objects.get(action="report.recorded_outside_pses", object_id=str(report.pk))
    assert kept.detail == {"policy": policy.pk, "policy_version": 2}
    assert AuditEvent.objects.filter(object_id=str(report.pk), action=ledger.AUDIT_ACTION).count() == 1

    # Never reported to the PSO as PSWP: submission refuses it, and the ledger cannot make it so.
    refusal = refusal_of(report, agreement_in_force(report.provider))
    assert refusal is not None
    assert refusal.field == "pswp_status"
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.enter_pses(artefact=report, actor=cast.users["safety_manager"])


@pytest.mark.parametrize(
    ("who", "overrides", "code"),
    [
        ("reporter", {}, "not_allowed"),  # a PSES policy matter, not the reporter's choice
        ("pses_committee", {}, "not_allowed"),
        ("safety_manager", {"anonymous": True}, "not_with_anonymous"),
        ("safety_manager", {"collected_for": "Risk management claims file"}, "not_in_policy"),
    ],
)
def test_recording_outside_the_pses_is_refused_unless_the_policy_and_the_role_allow_it(
    cast, client_for, who, overrides, code
):
    _policy(cast)
    body = fall_report(cast, **{"collected_for": QUALITY_LOG, **overrides})
    before = EventReport.objects.count()
    response = _post(client_for(who), body)
    assert response.status_code == 422, response.content
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("collected_for", code)]
    assert EventReport.objects.count() == before


def test_recording_outside_the_pses_needs_a_policy_in_effect_naming_the_purpose(cast, client_for):
    client = client_for("safety_manager")
    assert _post(client, fall_report(cast, collected_for=QUALITY_LOG)).json()["errors"][0]["code"] == "not_in_policy"
    _policy(cast, days_ago=-3)  # not yet in effect
    assert _post(client, fall_report(cast, collected_for=QUALITY_LOG)).json()["errors"][0]["code"] == "not_in_policy"
    _policy(cast, purposes="")  # in effect, names nothing
    assert _post(client, fall_report(cast, collected_for=QUALITY_LOG)).json()["errors"][0]["code"] == "not_in_policy"


def test_without_collected_for_a_report_still_enters_the_pses_as_a_candidate(cast, client_for):
    _policy(cast)
    response = _post(client_for("safety_manager"), fall_report(cast))
    assert response.json()["pswp_status"] == PswpStatus.CANDIDATE
