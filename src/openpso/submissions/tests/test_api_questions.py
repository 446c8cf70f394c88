"""`/api/v1/questions` and `/api/v1/submissions/{report_id}`: a provider's system reads the PSO's questions
about its events and answers them through the question page's own action, and follows where each of
its events stands with the PSO."""

from __future__ import annotations

from django.test import Client

from openpso.audit.models import AuditEvent
from openpso.submissions.events import SubmissionAction
from openpso.submissions.models import Question
from openpso.submissions.tests.fixtures import cast_questions


def _csrf_client(cast, who: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users[who])
    client.cookies["csrftoken"] = "apitestc" * 4  # 32 letters: a well-formed token
    return client


def _answer(client: Client, question_id: object, body: object):
    token = client.cookies["csrftoken"].value
    url = f"/api/v1/questions/{question_id}/answers"
    return client.post(url, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token)


def test_each_side_lists_and_reads_its_threads_and_the_read_is_audited(cast, client_for):
    questions = cast_questions(cast)
    question = questions["r1"]
    mine = client_for("safety_manager").get("/api/v1/questions").json()
    assert {item["id"] for item in mine["items"]} == {str(questions[key].pk) for key in ("r1", "r1anon")}
    assert {item["awaits"] for item in mine["items"]} == {"provider"}
    pso_side = client_for("pso_analyst").get("/api/v1/questions").json()
    assert str(question.pk) in {item["id"] for item in pso_side["items"]}
    thread = client_for("safety_manager").get(f"/api/v1/questions/{question.pk}").json()
    assert thread["side"] == "provider"
    assert [(m["side"], m["body"]) for m in thread["messages"]] == [("pso", "Which pump? CANARY-REPORT-r1")]
    viewed = AuditEvent.objects.filter(action=SubmissionAction.QUESTION_VIEWED, object_id=str(question.pk))
    assert viewed.get().organization_id == cast.orgs["p1"].pk
    assert client_for("pso_analyst").get(f"/api/v1/questions/{question.pk}").json()["side"] == "pso"


def test_another_provider_and_roles_outside_the_thread_get_404(cast, client_for):
    question = cast_questions(cast)["r1"]
    for who in ("manager_p2", "pses_committee", "reporter", "system_safety_officer", "admin_pso2"):
        client = client_for(who)
        assert client.get(f"/api/v1/questions/{question.pk}").status_code == 404
        assert str(question.pk) not in client.get("/api/v1/questions").content.decode()
    assert _answer(_csrf_client(cast, "manager_p2"), question.pk, {"text": "Not mine"}).status_code == 404
    assert _answer(_csrf_client(cast, "manager_p2"), question.pk, {}).status_code == 404


def test_an_answer_through_the_api_changes_the_thread_as_the_page_does(cast):
    question = cast_questions(cast)["r1"]
    response = _answer(_csrf_client(cast, "safety_manager"), question.pk, {"text": "Pump 4, see the RCA."})
    assert response.status_code == 201, response.content
    assert response.json()["awaits"] == "pso"
    assert [m["body"] for m in response.json()["messages"]][-1] == "Pump 4, see the RCA."
    question.refresh_from_db()
    assert question.awaits == "pso"
    assert [(m.side, m.author_id) for m in question.messages.all()][-1] == ("provider", cast.users["safety_manager"].pk)
    answered = AuditEvent.objects.get(action=SubmissionAction.QUESTION_ANSWERED, object_id=str(question.pk))
    assert answered.organization_id == cast.orgs["p1"].pk


def test_an_empty_or_malformed_answer_is_refused_naming_the_field_and_nothing_is_written(cast):
    question = cast_questions(cast)["r1"]
    client = _csrf_client(cast, "safety_manager")
    for body in ({}, {"text": ""}, {"text": "x" * 4001}, {"text": "ok", "extra": 1}):
        response = _answer(client, question.pk, body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] in {"text", "extra"}
    assert _answer(client, question.pk, "not json").status_code == 422
    assert _answer(client, question.pk, {"text": "   "}).json()["errors"][0]["field"] == "text"
    assert Question.objects.get(pk=question.pk).messages.count() == 1


def test_the_submission_state_of_an_event_sent_or_not(cast, client_for):
    client = client_for("safety_manager")
    waiting = client.get(f"/api/v1/submissions/{cast.reports['r1'].pk}").json()
    assert (waiting["pswp_status"], waiting["submitted"], waiting["current"], waiting["versions"]) == (
        "candidate",
        False,
        None,
        [],
    )
    cast_questions(cast)  # submits r1 (and every cast report) and asks about each
    sent = client.get(f"/api/v1/submissions/{cast.reports['r1'].pk}").json()
    assert sent["pswp_status"] == "reported"
    assert sent["submitted"] is True
    assert sent["current"]["current"] is True
    assert [v["version"] for v in sent["versions"]] == [sent["current"]["version"]]
    assert sent["questions_awaiting_you"] == 1
    listed = client.get("/api/v1/submissions").json()["items"]
    assert str(cast.reports["r1"].pk) in {item["event_id"] for item in listed}
    assert client_for("pses_committee").get(f"/api/v1/submissions/{cast.reports['r1'].pk}").status_code == 404
    assert client_for("manager_p2").get(f"/api/v1/submissions/{cast.reports['r1'].pk}").status_code == 404
