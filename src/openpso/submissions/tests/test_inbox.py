"""The PSO inbox: members' submitted events for the PSO's own staff, questions, status."""

from __future__ import annotations

from openpso.audit.models import AuditEvent
from openpso.pses.models import Notification
from openpso.submissions.models import Question
from openpso.submissions.tests.fixtures import cast_submissions


def test_pso_analysts_see_only_their_own_members_submissions(cast, client_for):
    submissions = cast_submissions(cast)
    body = client_for("pso_analyst").get("/pso/inbox/").content.decode()
    for key in ("r1", "r1anon", "r1b", "r2"):
        assert f"/pso/inbox/{submissions[key].pk}/" in body
    assert str(submissions["r3"].pk) not in body  # another PSO's member
    assert client_for("pso_analyst").get(f"/pso/inbox/{submissions['r3'].pk}/").status_code == 404
    assert client_for("admin_pso2").get(f"/pso/inbox/{submissions['r1'].pk}/").status_code == 404


def test_the_inbox_filters_by_member_category_month_and_method(cast, client_for):
    submissions = cast_submissions(cast)
    client = client_for("pso_analyst")
    by_member = client.get("/pso/inbox/", {"member": cast.orgs["p2"].slug}).content.decode()
    assert str(submissions["r2"].pk) in by_member
    assert str(submissions["r1"].pk) not in by_member
    assert str(submissions["r1"].pk) not in client.get("/pso/inbox/", {"category": "A54"}).content.decode()
    assert str(submissions["r1"].pk) in client.get("/pso/inbox/", {"category": "A48"}).content.decode()
    assert str(submissions["r1"].pk) not in client.get("/pso/inbox/", {"method": "functional"}).content.decode()
    month = submissions["r1"].event_month.strftime("%Y-%m")
    assert str(submissions["r1"].pk) in client.get("/pso/inbox/", {"month": month}).content.decode()


def test_reading_a_submitted_event_is_audited_and_marked_pswp(cast, client_for):
    submission = cast_submissions(cast)["r1"]
    body = client_for("pso_analyst").get(f"/pso/inbox/{submission.pk}/").content.decode()
    assert "Patient Safety Work Product" in body
    assert "CANARY-REPORT-r1" in body  # the narrative, identified to the PSO
    event = AuditEvent.objects.get(action="submission.viewed", object_id=str(submission.pk))
    assert event.actor_id == cast.users["pso_analyst"].pk
    assert event.organization_id == cast.orgs["pso1"].pk


def test_a_provider_never_sees_another_providers_submissions_or_the_inbox(cast, client_for):
    submissions = cast_submissions(cast)
    for who in ("manager_p2", "safety_manager", "reporter", "system_safety_officer"):
        client = client_for(who)
        assert client.get("/pso/inbox/").status_code == 404, who
        assert client.get(f"/pso/inbox/{submissions['r1'].pk}/").status_code == 404, who
    listed = client_for("manager_p2").get("/api/v1/submissions").json()["items"]
    assert [row["event_id"] for row in listed] == [str(cast.reports["r2"].pk)]


def test_the_analyst_asks_the_provider_and_its_safety_manager_answers(cast, client_for):
    submission = cast_submissions(cast)["r1"]
    analyst, manager = client_for("pso_analyst"), client_for("safety_manager")
    response = analyst.post(f"/pso/inbox/{submission.pk}/", {"text": "Was the bed alarm on?"})
    question = Question.objects.get()
    assert response.status_code == 302
    assert question.awaits == "provider"
    notice = Notification.objects.get(user=cast.users["safety_manager"])
    assert "Was the bed alarm" not in notice.text  # a pointer, never the words
    assert "Was the bed alarm on?" in manager.get(f"/submissions/questions/{question.pk}/").content.decode()
    manager.post(f"/submissions/questions/{question.pk}/", {"text": "It was off; see the RCA."})
    question.refresh_from_db()
    assert question.awaits == "pso"
    assert Notification.objects.filter(user=cast.users["pso_analyst"]).exists()
    assert [m.side for m in question.messages.all()] == ["pso", "provider"]
    assert client_for("manager_p2").get(f"/submissions/questions/{question.pk}/").status_code == 404


def test_the_status_page_counts_each_members_submissions(cast, client_for):
    cast_submissions(cast)
    body = client_for("pso_analyst").get("/pso/members/").content.decode()
    assert cast.orgs["p1"].name in body
    assert cast.orgs["p3"].name not in body  # another PSO's member
    assert client_for("manager_p2").get("/pso/members/").status_code == 404
