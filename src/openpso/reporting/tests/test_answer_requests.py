"""A structured request: the safety team picks questions, the reporter answers them as fields
(signed in or anonymous), and the answers become an amendment by the reporter."""

from __future__ import annotations

import re

from django.test import Client

from openpso.audit.models import AuditEvent
from openpso.reporting.completeness import missing_answers
from openpso.reporting.models import AnswerAmendment, AnswerRequest
from openpso.reporting.queries import effective_answers
from openpso.reporting.tests.test_channel_anonymous_filing import PASSPHRASE, file_anonymously, hidden
from openpso.submissions.tests.helpers import file

ASSISTED, INJURY = "m__Fall__assisted", "m__Fall__injury"


def _ask(client, report, link_ids, note=""):
    return client.post(f"/reports/{report.pk}/answers/", {"action": "ask", "ask-link_ids": link_ids, "ask-note": note})


def test_the_identified_reporter_answers_the_requested_questions_and_the_report_becomes_complete(cast, client_for):
    report = file(cast.users["reporter"], answers={})
    manager = client_for("safety_manager")
    page = manager.get(f"/reports/{report.pk}/answers/").content.decode()
    assert re.search(r'value="Fall/assisted"[^>]*checked', page)  # missing questions are offered first
    assert _ask(manager, report, ["Fall/assisted", "Fall/injury"]).status_code == 302
    answer_request = AnswerRequest.objects.get(report=report)
    assert answer_request.link_ids == ["Fall/assisted", "Fall/injury"]

    reporter = client_for("reporter")
    mine = reporter.get("/reports/mine/").content.decode()
    assert f'name="{ASSISTED}"' in mine  # the questions themselves, as fields
    assert f'name="{INJURY}"' in mine
    assert 'name="m__Fall__injury_type"' not in mine  # only what was asked
    sent = reporter.post(
        f"/reports/mine/{report.pk}/answers/",
        {"request": str(answer_request.pk), ASSISTED: "OPSO-FALL-UNASSISTED", INJURY: "A18"},
    )
    assert sent.status_code == 302

    amendment = AnswerAmendment.objects.get(report=report)
    assert amendment.by_reporter is True
    assert amendment.author_id is None
    assert amendment.request_id == answer_request.pk
    assert missing_answers(report, effective_answers(report)) == []
    assert AuditEvent.objects.filter(
        action="report.answers_amended", object_id=str(report.pk), actor_id=cast.users["reporter"].pk
    ).exists()
    assert "You answered these questions" in reporter.get("/reports/mine/").content.decode()
    staff = manager.get(f"/reports/{report.pk}/").content.decode()
    assert "The reporter" in staff  # the amendment history names the reporter as its author
    assert "Ready to submit" in staff


def test_an_anonymous_reporter_answers_through_the_receipt_with_nothing_finer_than_the_hour(cast, client_for):
    client, report, code, page = file_anonymously(cast, event_type="A3", categories=["A48"], harm="LA21150-0")
    client.post("/anonymous/passphrase/", {"token": hidden(page, "token"), "code": code, "passphrase": PASSPHRASE})
    assert report.modules == ["cfer-h-1.2/fall"]
    _ask(client_for("safety_manager"), report, ["Fall/assisted", "Fall/injury"])
    answer_request = AnswerRequest.objects.get(report=report)

    status = Client().post("/anonymous/follow-up/", {"code": code, "passphrase": PASSPHRASE}).content.decode()
    assert f'name="{ASSISTED}"' in status
    sent = Client().post(
        "/anonymous/follow-up/answers/",
        {
            "token": hidden(status, "token"),
            "request": str(answer_request.pk),
            ASSISTED: "OPSO-FALL-ASSISTED",
            INJURY: "A18",
        },
    )
    assert sent.status_code == 200
    assert "You answered these questions" in sent.content.decode()
    assert "Your answers to the form's questions" in sent.content.decode()  # their own answers, as they count

    amendment = AnswerAmendment.objects.get(report=report)
    assert (amendment.by_reporter, amendment.author_id) == (True, None)
    at = amendment.created_at
    assert (at.minute, at.second, at.microsecond) == (0, 0, 0)
    audit = AuditEvent.objects.get(action="report.answers_amended", object_id=str(report.pk))
    assert audit.actor_id is None
    assert (audit.at.minute, audit.at.second) == (0, 0)
    assert missing_answers(report, effective_answers(report)) == []


def test_a_request_is_answered_once_and_only_on_its_own_report(cast, client_for):
    report = file(cast.users["reporter"], answers={})
    other = file(cast.users["reporter"], answers={})
    _ask(client_for("safety_manager"), report, ["Fall/assisted"])
    answer_request = AnswerRequest.objects.get(report=report)
    reporter = client_for("reporter")
    wrong = reporter.post(
        f"/reports/mine/{other.pk}/answers/", {"request": str(answer_request.pk), ASSISTED: "OPSO-FALL-ASSISTED"}
    )
    assert wrong.status_code == 404
    body = {"request": str(answer_request.pk), ASSISTED: "OPSO-FALL-ASSISTED"}
    reporter.post(f"/reports/mine/{report.pk}/answers/", body)
    reporter.post(f"/reports/mine/{report.pk}/answers/", {**body, ASSISTED: "UNK"})
    assert AnswerAmendment.objects.filter(report=report).count() == 1
    assert effective_answers(report)["Fall/assisted"] == "OPSO-FALL-ASSISTED"


def test_another_reporter_cannot_answer_a_request_on_my_report(cast, client_for):
    report = file(cast.users["reporter"], answers={})
    _ask(client_for("safety_manager"), report, ["Fall/assisted"])
    answer_request = AnswerRequest.objects.get(report=report)
    response = client_for("reporter_p2").post(
        f"/reports/mine/{report.pk}/answers/", {"request": str(answer_request.pk), ASSISTED: "UNK"}
    )
    assert response.status_code == 404
    assert not AnswerAmendment.objects.exists()


def test_the_api_shows_the_answers_in_words_identifying_ones_to_the_safety_team_only(cast, client_for):
    report = file(
        cast.users["reporter"],
        answers={"Fall/assisted": "OPSO-FALL-UNASSISTED", "Fall/injury": "A18", "HERF/DE46": "Jane CANARY-NAME"},
    )
    team = client_for("safety_manager").get(f"/api/v1/reports/{report.pk}").json()
    assert team["modules"] == ["cfer-h-1.2/fall"]
    rows = {a["link_id"]: a for a in team["answers"]}
    assert rows["Fall/assisted"] == {
        "link_id": "Fall/assisted",
        "question": "Was the fall assisted or unassisted?",
        "value": "Unassisted",
        "codes": ["OPSO-FALL-UNASSISTED"],
        "extension_codes": ["OPSO-FALL-UNASSISTED"],  # OpenPSO's own, not an AHRQ code (issue 15 item 8)
    }
    assert rows["Fall/injury"]["extension_codes"] == []  # A18 is AHRQ's
    assert rows["HERF/DE46"]["value"] == "Jane CANARY-NAME"
    own = client_for("reporter").get(f"/api/v1/reports/{report.pk}").json()
    assert "CANARY-NAME" not in str(own)
    assert {a["link_id"] for a in own["answers"]} == {"Fall/assisted", "Fall/injury"}


def test_the_submit_page_lists_every_missing_question_with_a_link_to_it(cast, client_for):
    report = file(cast.users["reporter"], answers={"Fall/injury": "A15"})
    page = client_for("safety_manager").get("/submissions/").content.decode()
    base = f"/reports/{report.pk}/answers/"
    assert f'href="{base}#field-{ASSISTED}"' in page
    assert f'href="{base}#field-m__Fall__injury_type"' in page
    assert "2 required questions open" in page
    assert "Was the fall assisted or unassisted?" in page


def test_the_event_page_shows_each_reports_answers_and_what_is_missing(cast, client_for):
    from openpso.pses.safety_events.actions import create_event

    report = file(cast.users["reporter"], answers={"Fall/injury": "A18"})
    event = create_event(user=cast.users["safety_manager"], report=report, title="Fall")
    page = client_for("safety_manager").get(f"/pses/events/{event.pk}/").content.decode()
    assert "Did the patient have an injury from the fall?" in page
    assert "Not ready to submit" in page
    assert f'href="/reports/{report.pk}/answers/#field-{ASSISTED}"' in page


def test_a_requested_question_with_an_other_choice_shows_its_text_box_only_for_other(cast, client_for):
    # The 'please say what' box of a requested open-choice question was always shown on the
    # reporter's page: the request's form had no form logic and the box no data-other-of.
    report = file(cast.users["reporter"], event_type="A9", categories=["A54"], harm="", answers={})
    assert _ask(client_for("safety_manager"), report, ["Medication/DE270"]).status_code == 302
    mine = client_for("reporter").get("/reports/mine/").content.decode()
    form = re.search(r'<form[^>]*action="/reports/mine/[^"]*/answers/"[^>]*>.*?</form>', mine, re.S)
    assert form is not None
    assert "data-form-logic" in form.group(0).split(">")[0]
    wrapper = re.search(r'<div data-other-of="m__Medication__DE270" data-other-codes="([^"]+)"', form.group(0))
    assert wrapper is not None
    assert "A1224" not in wrapper.group(1).split()  # not every code: only those that ask for text
    assert 'name="m__Medication__DE270__other"' in form.group(0)[wrapper.end() :]


def test_a_requested_answer_that_another_requested_answer_makes_inapplicable_is_dropped_not_refused(cast, client_for):
    # The reporter answered 'Unsafe condition' (DE288) and 'prescribed: Yes' (DE333, which
    # does not apply to an unsafe condition) in one go: everything was refused, with the
    # question named twice and its linkId ('… [Medication/DE333]: … (Medication …): …').
    report = file(cast.users["reporter"], event_type="A9", categories=["A54"], harm="", answers={})
    _ask(client_for("safety_manager"), report, ["Medication/DE270", "Medication/DE288", "Medication/DE333"])
    answer_request = AnswerRequest.objects.get(report=report)
    sent = client_for("reporter").post(
        f"/reports/mine/{report.pk}/answers/",
        {
            "request": str(answer_request.pk),
            "m__Medication__DE270": "A1197",
            "m__Medication__DE288": "A1260",
            "m__Medication__DE333": "A15",
        },
        follow=True,
    )
    assert "were sent to the safety team" in sent.content.decode()
    answers = effective_answers(report)
    assert answers["Medication/DE288"] == "A1260"
    assert "Medication/DE333" not in answers


def test_an_answer_problem_that_already_names_its_question_is_not_named_again():
    from openpso.reporting.errors import in_words

    message = (
        "Was this medication/substance prescribed for this patient? (Medication or Other Substance): "
        "this question does not apply given the other answers"
    )
    assert in_words("answers.Medication/DE333", message) == message
    assert in_words("answers.Medication/DE333", "required").startswith(
        "Was this medication/substance prescribed for this patient? [Medication/DE333]: "
    )
