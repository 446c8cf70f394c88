"""The safety team asks and tells; the reporter answers — anonymously or under "My reports"."""

from __future__ import annotations

import json
import re

from django.db import connection
from django.test import Client

from openpso.audit.models import AuditEvent
from openpso.reporting.models import FollowUpKind, FollowUpMessage
from openpso.reporting.tests.test_channel_anonymous_filing import PASSPHRASE, file_with_passphrase

QUESTION = "Was the bin labelled? CANARY-QUESTION"
ANSWER = "No label on the bin, only tape. CANARY-ANSWER"
CHANGED = "Bins now have printed, colour-coded labels. CANARY-CHANGED"


def _post(client: Client, report, kind: str, body: str):
    return client.post(f"/reports/{report.pk}/follow-up/", {"kind": kind, "body": body})


def _status_page(code: str) -> str:
    return Client().post("/anonymous/follow-up/", {"code": code, "passphrase": PASSPHRASE}).content.decode()


def _reply_fields(page: str) -> dict[str, str]:
    token = re.search(r'name="token" value="([^"]+)"', page)
    question = re.search(r'name="question" value="([^"]+)"', page)
    assert token, "the status page should carry a signed token"
    assert question, "the status page should offer a reply form"
    return {"token": token.group(1), "question": question.group(1)}


def test_the_manager_asks_the_reporter_answers_through_the_receipt_and_the_manager_reads_it(cast, client_for):
    _, report, code = file_with_passphrase(cast)
    manager = client_for("safety_manager")
    posted = _post(manager, report, FollowUpKind.QUESTION, QUESTION)
    assert posted.status_code == 302
    assert posted["Location"] == f"/reports/{report.pk}/#follow-up"

    page = _status_page(code)
    assert QUESTION in page
    sent = Client().post("/anonymous/follow-up/reply/", {**_reply_fields(page), "body": ANSWER})
    assert sent.status_code == 200
    assert "Your answer was sent" in sent.content.decode()
    assert ANSWER in sent.content.decode()

    detail = manager.get(f"/reports/{report.pk}/").content.decode()
    assert QUESTION in detail
    assert ANSWER in detail
    answer = FollowUpMessage.objects.get(kind=FollowUpKind.ANSWER)
    assert answer.author_id is None
    assert (answer.posted_at.minute, answer.posted_at.second, answer.posted_at.microsecond) == (0, 0, 0)


def test_what_changed_reaches_the_anonymous_and_the_identified_reporter(cast, client_for):
    _, anonymous_report, code = file_with_passphrase(cast)
    identified_report = cast.reports["r1"]
    manager = client_for("pses_committee")
    _post(manager, anonymous_report, FollowUpKind.WHAT_CHANGED, CHANGED)
    _post(manager, identified_report, FollowUpKind.WHAT_CHANGED, CHANGED + " r1")
    assert CHANGED in _status_page(code)
    mine = client_for("reporter").get("/reports/mine/").content.decode()
    assert CHANGED + " r1" in mine
    assert "What changed because you reported" in mine


def test_the_identified_reporter_answers_under_my_reports(cast, client_for):
    report = cast.reports["r1"]
    _post(client_for("safety_manager"), report, FollowUpKind.QUESTION, QUESTION)
    reporter = client_for("reporter")
    mine = reporter.get("/reports/mine/").content.decode()
    assert report.short_id in mine
    assert QUESTION in mine
    assert cast.reports["r1anon"].short_id not in mine  # anonymous ones only through their receipt
    question = FollowUpMessage.objects.get(kind=FollowUpKind.QUESTION)
    sent = reporter.post(f"/reports/mine/{report.pk}/reply/", {"question": str(question.pk), "body": ANSWER})
    assert sent.status_code == 302
    assert ANSWER in client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    answered = AuditEvent.objects.get(action="report.follow_up_answered")
    assert answered.actor_id == cast.users["reporter"].pk


def test_my_reports_lists_only_my_own_identified_reports(cast, client_for):
    mine = client_for("reporter_p2").get("/reports/mine/").content.decode()
    assert cast.reports["r2"].short_id in mine
    assert cast.reports["r1"].short_id not in mine
    assert "not filed a report" in client_for("safety_manager").get("/reports/mine/").content.decode()


def test_a_reporter_cannot_answer_on_someone_elses_report(cast, client_for):
    _post(client_for("safety_manager"), cast.reports["r1"], FollowUpKind.QUESTION, QUESTION)
    question = FollowUpMessage.objects.get()
    response = client_for("reporter_p2").post(
        f"/reports/mine/{cast.reports['r1'].pk}/reply/", {"question": str(question.pk), "body": ANSWER}
    )
    assert response.status_code == 404
    assert not FollowUpMessage.objects.filter(kind=FollowUpKind.ANSWER).exists()


def test_an_answer_to_a_question_of_another_report_is_refused(cast, client_for):
    _, report, code = file_with_passphrase(cast)
    _post(client_for("safety_manager"), report, FollowUpKind.QUESTION, QUESTION)
    _post(client_for("safety_manager"), cast.reports["r1"], FollowUpKind.QUESTION, "Other report's question")
    other = FollowUpMessage.objects.get(report=cast.reports["r1"])
    fields = _reply_fields(_status_page(code))
    response = Client().post("/anonymous/follow-up/reply/", {**fields, "question": str(other.pk), "body": ANSWER})
    assert "that question is not on this report" in response.content.decode()
    assert not FollowUpMessage.objects.filter(kind=FollowUpKind.ANSWER).exists()


def test_a_foreign_providers_manager_can_neither_see_nor_post_to_the_thread(cast, client_for):
    _, report, _ = file_with_passphrase(cast)
    _post(client_for("safety_manager"), report, FollowUpKind.QUESTION, QUESTION)
    foreign = client_for("manager_p2")
    assert foreign.get(f"/reports/{report.pk}/").status_code == 404
    assert _post(foreign, report, FollowUpKind.QUESTION, "foreign question").status_code == 404
    assert FollowUpMessage.objects.count() == 1


def test_only_pses_roles_run_the_thread(cast, client_for):
    report = cast.reports["r1"]  # shared with the health system, filed by "reporter"
    _post(client_for("safety_manager"), report, FollowUpKind.QUESTION, QUESTION)
    for who in ("system_safety_officer", "reporter"):
        client = client_for(who)
        detail = client.get(f"/reports/{report.pk}/").content.decode()
        assert "Follow-up with the reporter" not in detail, who
        assert _post(client, report, FollowUpKind.QUESTION, "not mine to ask").status_code == 404, who
    assert "Follow-up with the reporter" in client_for("pses_committee").get(f"/reports/{report.pk}/").content.decode()


def test_each_post_is_audited_with_ids_only(cast, client_for):
    _, report, code = file_with_passphrase(cast)
    _post(client_for("safety_manager"), report, FollowUpKind.QUESTION, QUESTION)
    Client().post("/anonymous/follow-up/reply/", {**_reply_fields(_status_page(code)), "body": ANSWER})
    posted = AuditEvent.objects.get(action="report.follow_up_posted")
    answered = AuditEvent.objects.get(action="report.follow_up_answered")
    assert posted.actor_id == cast.users["safety_manager"].pk
    assert posted.organization_id == cast.orgs["p1"].pk
    assert set(posted.detail) == {"message", "kind"}
    assert answered.actor_id is None
    assert (answered.at.minute, answered.at.second) == (0, 0)
    for event in AuditEvent.objects.all():
        assert "CANARY" not in json.dumps(event.detail) + event.actor_label


def test_messages_are_encrypted_at_rest(cast, client_for):
    _post(client_for("safety_manager"), cast.reports["r1"], FollowUpKind.QUESTION, QUESTION)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM reporting_followupmessage")
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc2:")
    assert "CANARY" not in stored


def test_an_empty_post_is_refused_with_a_message(cast, client_for):
    manager = client_for("safety_manager")
    response = _post(manager, cast.reports["r1"], FollowUpKind.QUESTION, "   ")
    assert response.status_code == 302
    assert not FollowUpMessage.objects.exists()
    assert "Not posted" in manager.get(response["Location"].split("#")[0]).content.decode()
