"""The submission dead end (issue 12 item 1): a fall filed on the web form with its module
questions left blank is completed by the safety manager, audited, and then submitted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.reporting import answer_actions
from openpso.reporting.errors import ReportInvalid
from openpso.reporting.models import AnswerAmendment, EventReport
from openpso.reporting.queries import effective_answers
from openpso.submissions.models import Submission
from openpso.submissions.tests.helpers import file

ASSISTED, INJURY, INJURY_TYPE = "m__Fall__assisted", "m__Fall__injury", "m__Fall__injury_type"


def _web_fall(cast, client_for) -> EventReport:
    """A fall filed through the real report page, every module question left blank."""
    before = set(EventReport.objects.values_list("pk", flat=True))
    response = client_for("reporter").post(
        "/reports/new/",
        {
            "event_type": "A3",
            "categories": ["A48"],
            "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "unit": str(cast.units["p1"].pk),
            "narrative": "Found on the floor beside the bed.",
            "harm": "LA21150-0",
            "patient_age_years": "81",
            "patient_sex": "M",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = EventReport.objects.exclude(pk__in=before).get()
    assert report.modules == ["cfer-h-1.2/fall"]
    assert report.answers == {}
    return report


def _submit(client, report: EventReport) -> str:
    return client.post("/submissions/", {"events": [str(report.pk)]}).content.decode()


def test_a_web_fall_with_blank_module_answers_is_completed_by_the_safety_manager_and_then_submitted(cast, client_for):
    report = _web_fall(cast, client_for)
    manager = client_for("safety_manager")

    refused = _submit(manager, report)
    assert not Submission.objects.filter(event_id=report.pk).exists()
    assert "“Was the fall assisted or unassisted?” (Fall) must be answered before submission" in refused

    page = manager.get(f"/reports/{report.pk}/answers/").content.decode()
    assert "Not ready to submit: 2 required questions unanswered" in page
    assert f'href="#field-{ASSISTED}"' in page
    assert f'href="#field-{INJURY}"' in page
    assert f'id="field-{ASSISTED}"' in page  # the anchor the link leads to

    saved = manager.post(
        f"/reports/{report.pk}/answers/",
        {"action": "amend", ASSISTED: "OPSO-FALL-UNASSISTED", INJURY: "A15", INJURY_TYPE: ["OPSO-FALL-INJ-FRACTURE"]},
    )
    assert saved.status_code == 302

    report.refresh_from_db()
    assert report.answers == {}  # the reporter's original is kept as filed
    assert effective_answers(report) == {
        "Fall/assisted": "OPSO-FALL-UNASSISTED",
        "Fall/injury": "A15",
        "Fall/injury_type": ["OPSO-FALL-INJ-FRACTURE"],
    }
    amendment = AnswerAmendment.objects.get(report=report)
    assert amendment.author == cast.users["safety_manager"]
    assert amendment.link_ids == ["Fall/assisted", "Fall/injury", "Fall/injury_type"]
    assert amendment.before == {"Fall/assisted": None, "Fall/injury": None, "Fall/injury_type": None}
    audit = AuditEvent.objects.get(action="report.answers_amended", object_id=str(report.pk))
    assert audit.actor_id == cast.users["safety_manager"].pk
    assert "FRACTURE" not in str(audit.detail)  # values stay in the encrypted amendment only

    detail = manager.get(f"/reports/{report.pk}/").content.decode()
    assert "Ready to submit" in detail
    assert "Was the fall assisted or unassisted?" in detail
    assert "Unassisted" in detail
    assert "Changes to the answers" in detail

    _submit(manager, report)
    submission = Submission.objects.get(event_id=report.pk, current=True)
    assert submission.document["answers"]["Fall/injury_type"] == ["OPSO-FALL-INJ-FRACTURE"]
    report.refresh_from_db()
    assert report.pswp_status == "reported"


def test_a_correction_after_reporting_reaches_the_pso_as_a_new_version_on_resubmission(cast, client_for):
    report = file(cast.users["reporter"])
    manager = client_for("safety_manager")
    _submit(manager, report)
    first = Submission.objects.get(event_id=report.pk, current=True)
    answer_actions.amend_answers(
        report=report, changes={"Fall/assisted": "OPSO-FALL-ASSISTED"}, user=cast.users["safety_manager"]
    )
    page = manager.get("/submissions/?show=all").content.decode()
    assert "changed since sent" in page
    _submit(manager, report)
    current = Submission.objects.get(event_id=report.pk, current=True)
    assert current.pk != first.pk
    assert current.document["answers"]["Fall/assisted"] == "OPSO-FALL-ASSISTED"


def test_a_correction_that_no_longer_applies_removes_the_dependent_answer(cast, client_for):
    report = file(cast.users["reporter"], answers={"Fall/injury": "A15", "Fall/injury_type": ["OPSO-FALL-INJ-HEAD"]})
    client_for("safety_manager").post(
        f"/reports/{report.pk}/answers/", {"action": "amend", ASSISTED: "OPSO-FALL-ASSISTED", INJURY: "A18"}
    )
    amendment = AnswerAmendment.objects.get(report=report)
    assert amendment.after["Fall/injury_type"] is None
    assert "Fall/injury_type" not in effective_answers(report)


def test_an_invalid_answer_is_refused_naming_the_question_in_words(cast):
    report = file(cast.users["reporter"])
    with pytest.raises(ReportInvalid) as refused:
        answer_actions.amend_answers(
            report=report, changes={"Fall/assisted": "A9999"}, user=cast.users["safety_manager"]
        )
    assert refused.value.errors[0].message.endswith(
        "Was the fall assisted or unassisted? (Fall): that answer is not one of its choices"
    )
    assert not AnswerAmendment.objects.exists()


def test_amendments_are_append_only(cast):
    report = file(cast.users["reporter"])
    amendment = answer_actions.amend_answers(
        report=report, changes={"Fall/assisted": "OPSO-FALL-ASSISTED"}, user=cast.users["safety_manager"]
    )
    assert amendment is not None
    amendment.link_ids = []
    with pytest.raises(AppendOnlyError):
        amendment.save()
    with pytest.raises(AppendOnlyError):
        AnswerAmendment.objects.all().delete()


def test_the_pses_committee_may_complete_answers_too(cast, client_for):
    report = file(cast.users["reporter"], answers={})
    response = client_for("pses_committee").post(
        f"/reports/{report.pk}/answers/", {"action": "amend", ASSISTED: "OPSO-FALL-ASSISTED"}
    )
    assert response.status_code == 302
    assert effective_answers(report)["Fall/assisted"] == "OPSO-FALL-ASSISTED"


def test_another_providers_manager_and_the_reporter_get_404_on_the_completion_page(cast, client_for):
    report = file(cast.users["reporter"], answers={})
    for key in ("manager_p2", "reporter", "system_safety_officer"):
        assert client_for(key).get(f"/reports/{report.pk}/answers/").status_code == 404
        post = client_for(key).post(f"/reports/{report.pk}/answers/", {"action": "amend", ASSISTED: "UNK"})
        assert post.status_code == 404
    assert not AnswerAmendment.objects.exists()


def test_free_text_of_an_open_choice_answer_is_kept_when_other_answers_are_completed(cast, client_for):
    report = file(cast.users["reporter"], answers={"Fall/activity": "Dancing"})
    manager = client_for("safety_manager")
    assert 'name="m__Fall__activity"' not in manager.get(f"/reports/{report.pk}/answers/").content.decode()
    manager.post(f"/reports/{report.pk}/answers/", {"action": "amend", ASSISTED: "OPSO-FALL-ASSISTED"})
    assert effective_answers(report)["Fall/activity"] == "Dancing"
    assert effective_answers(report)["Fall/assisted"] == "OPSO-FALL-ASSISTED"


def test_the_saved_message_counts_the_answers_in_words(cast, client_for):
    report = _web_fall(cast, client_for)
    manager = client_for("safety_manager")
    one = manager.post(
        f"/reports/{report.pk}/answers/", {"action": "amend", ASSISTED: "OPSO-FALL-UNASSISTED"}, follow=True
    )
    assert "Saved: 1 answer changed." in one.content.decode()
    two = manager.post(
        f"/reports/{report.pk}/answers/",
        {"action": "amend", ASSISTED: "OPSO-FALL-ASSISTED", INJURY: "A18"},
        follow=True,
    )
    assert "Saved: 2 answers changed." in two.content.decode()


def test_a_required_group_without_text_is_named_by_its_question_not_its_link_id(cast, client_for):
    # A medication report with no module answers listed 'Medication/SEC01/74080-3' and
    # 'Medication/SEC02/74078-7' (untitled required groups) as the questions to answer.
    from openpso.reporting.completeness import missing_answers

    report = file(cast.users["reporter"], event_type="A9", categories=["A54"], harm="", answers={})
    missing = missing_answers(report, effective_answers(report))
    questions = [m.question for m in missing]
    assert not [q for q in questions if "/" in q and " " not in q], questions
    assert "Was this medication/substance prescribed for this patient?" in questions
    assert len({m.link_id for m in missing}) == len(missing)
    page = client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    assert "Medication/SEC0" not in page
    assert 'answers/#field-m__Medication__DE333"' in page
