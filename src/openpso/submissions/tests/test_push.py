"""POST /api/v1/submissions: idempotent per event version, resumable, all-or-nothing per event."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from openpso.audit.models import AuditEvent
from openpso.pses.rca import actions as rca
from openpso.pses.safety_events.actions import create_event
from openpso.pswp.ledger import PswpTransitionRefused, drop_out
from openpso.pswp.models import PswpTransition
from openpso.submissions.document import build_document
from openpso.submissions.models import Submission
from openpso.submissions.push import actions, api
from openpso.submissions.tests.helpers import URL, file, post, pso_state


@pytest.fixture
def manager(client_for):
    return client_for("safety_manager")


def _results(response):
    assert response.status_code == 200, response.content
    return {r["event_id"]: r for r in response.json()["results"]}


def test_a_safety_manager_submits_a_batch_and_each_event_is_accepted(cast, manager):
    ids = [str(cast.reports[k].pk) for k in ("r1", "r1anon")]
    body = post(manager, ids).json()
    assert (body["accepted"], body["unchanged"], body["refused"]) == (2, 0, 0)
    assert [r["event_id"] for r in body["results"]] == ids
    assert all(len(r["version"]) == 64 for r in body["results"])
    assert Submission.objects.filter(current=True).count() == 2


def test_the_first_submission_reports_the_event_in_the_ledger_with_its_audit_event(cast, manager):
    report = cast.reports["r1"]
    post(manager, [str(report.pk)])
    report.refresh_from_db()
    assert report.pswp_status == "reported"
    rows = list(PswpTransition.objects.filter(object_id=str(report.pk)).order_by("id"))
    assert [(r.from_status, r.to_status) for r in rows][-1] == ("candidate", "reported")
    assert AuditEvent.objects.filter(object_id=str(report.pk), action="pswp.status_changed").exists()
    assert AuditEvent.objects.filter(action="submission.received").count() == 1
    with pytest.raises(PswpTransitionRefused):  # 42 CFR 3.20: no drop-out after reporting
        drop_out(artefact=report, actor=None, reason="changed our mind")


def test_resending_a_batch_creates_no_duplicate(cast, manager):
    ids = [str(cast.reports[k].pk) for k in ("r1", "r1anon")]
    first = _results(post(manager, ids))
    before = pso_state()
    again = _results(post(manager, ids))
    assert {r["status"] for r in again.values()} == {"unchanged"}
    assert {k: r["version"] for k, r in again.items()} == {k: r["version"] for k, r in first.items()}
    assert all(r["reason"] == "already received" for r in again.values())
    assert pso_state() == before
    assert Submission.objects.count() == 2


def test_a_changed_event_makes_a_new_version_and_keeps_the_old_one(cast, manager):
    report = cast.reports["r1"]
    first = _results(post(manager, [str(report.pk)]))[str(report.pk)]
    event = create_event(user=None, report=report, title="Fall")
    investigation = rca.start_investigation(user=None, event=event)
    rca.set_contributing_factors(user=None, investigation=investigation, codes=["OPSO-SIR-CF-COMMUNICATION"])
    second = _results(post(manager, [str(report.pk)]))[str(report.pk)]
    assert second["status"] == "accepted"
    assert second["reason"] == "new version"
    assert second["version"] != first["version"]
    versions = Submission.objects.filter(event_id=report.pk).order_by("submitted_at")
    assert [(v.version, v.current) for v in versions] == [(first["version"], False), (second["version"], True)]
    # Reported once: the ledger does not move again for a new version.
    assert PswpTransition.objects.filter(object_id=str(report.pk), to_status="reported").count() == 1


def test_refused_events_name_the_field_and_the_reason(cast, manager):
    outside = file(cast.users["reporter"], categories=["A44"], answers={})
    dropped = file(cast.users["reporter"])
    drop_out(artefact=dropped, actor=cast.users["safety_manager"], reason="Not a safety event")
    incomplete = file(cast.users["reporter"], answers={"Fall/injury": "A15"})
    foreign = cast.reports["r2"]
    sent = ["not-a-uuid", str(uuid.uuid4()), str(foreign.pk), str(outside.pk), str(dropped.pk), str(incomplete.pk)]
    results = post(manager, sent).json()["results"]
    assert {r["status"] for r in results} == {"refused"}
    reasons = [(r["field"], r["reason"]) for r in results]
    assert reasons[0] == ("event_id", "not an event id (a report UUID, DE2)")
    assert reasons[1] == reasons[2] == ("event_id", "no report of this provider has this id")  # foreign = missing
    assert reasons[3][0] == "categories"
    assert "A44" in reasons[3][1]
    assert reasons[4][0] == "pswp_status"
    assert "dropped out" in reasons[4][1]
    # Named in words (question text and module), the linkId in brackets, and how many more are open.
    assert reasons[5] == (
        "answers.Fall/assisted",
        "“Was the fall assisted or unassisted?” (Fall) must be answered before submission [Fall/assisted], "
        "and 1 more question",
    )
    assert not Submission.objects.exists()


def test_an_event_without_an_agreement_in_force_is_refused(cast, manager):
    agreement = cast.agreements["p1"]
    agreement.effective_to = agreement.effective_from
    agreement.save()
    result = post(manager, [str(cast.reports["r1"].pk)]).json()["results"][0]
    assert result["field"] == "agreement"
    assert "no member agreement" in result["reason"]


def test_only_the_providers_safety_manager_submits_by_session(cast, client_for):
    for who in ("reporter", "pses_committee", "pso_analyst", "system_safety_officer"):
        result = post(client_for(who), [str(cast.reports["r1"].pk)]).json()["results"][0]
        assert result["status"] == "refused", who
    assert not Submission.objects.exists()


def test_a_batch_above_the_limit_is_refused_whole_naming_the_field(cast, manager):
    response = post(manager, [str(uuid.uuid4()) for _ in range(actions.MAX_BATCH + 1)])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "events"


def test_without_a_session_or_key_the_api_answers_401(cast, client):
    assert post(client, [str(cast.reports["r1"].pk)]).status_code == 401


def test_submissions_are_rate_limited_per_caller(cast, manager, monkeypatch):
    monkeypatch.setattr(api, "RATE", "2/m")
    ids = [str(cast.reports["r1"].pk)]
    answers = [post(manager, ids) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2]["Retry-After"] == "60"  # the window is at most a minute long
    assert "at most 2 a minute" in answers[2].json()["detail"]


def test_killing_the_submission_mid_batch_and_resending_gives_exactly_the_same_pso_state(cast, manager, monkeypatch):
    reports = [cast.reports[k] for k in ("r1", "r1anon")] + [file(cast.users["reporter"]) for _ in range(3)]
    ids = [str(r.pk) for r in reports]
    # A clean run, measured, then undone: the reference state.
    with transaction.atomic():
        assert post(manager, ids).json()["accepted"] == 5
        clean = pso_state()
        transaction.set_rollback(True)
    assert not Submission.objects.exists()

    real = build_document
    calls = {"n": 0}

    def dies_on_the_third(report, agreement, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionResetError("the connection dropped")
        return real(report, agreement, **kw)

    monkeypatch.setattr(actions, "build_document", dies_on_the_third)
    with pytest.raises(ConnectionResetError):
        post(manager, ids)
    assert Submission.objects.count() == 2  # the first two are in; the third left nothing behind
    monkeypatch.setattr(actions, "build_document", real)
    results = post(manager, ids).json()["results"]
    assert [r["status"] for r in results] == ["unchanged", "unchanged", "accepted", "accepted", "accepted"]
    assert pso_state() == clean


def test_the_list_shows_the_callers_own_submissions_only(cast, manager, client_for):
    post(manager, [str(cast.reports["r1"].pk)])
    post(client_for("manager_p2"), [str(cast.reports["r2"].pk)])
    listed = manager.get(URL).json()
    assert [row["event_id"] for row in listed["items"]] == [str(cast.reports["r1"].pk)]
    assert client_for("pso_analyst").get(URL).json()["items"] == []


def test_the_openapi_document_describes_the_submission_route(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    post_op = doc["paths"]["/api/v1/submissions"]["post"]
    assert "unchanged" in post_op["description"]
    assert {"ApiKeyAuth", "SessionAuth"} <= {name for entry in post_op["security"] for name in entry}
