"""The Just Culture aid: every path of the decision tree, and its record as a deliberation
(issue 4 item 4; regulatory notes §8.1-8.2)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.pses.deliberations.actions import DeliberationInvalid, record_just_culture
from openpso.pses.deliberations.models import Deliberation, DeliberationKind
from openpso.pses.justculture import (
    QUESTIONS,
    SEVERITY_NOTE,
    Category,
    Exit,
    IncompleteAnswers,
    Response,
    decide,
    path,
)
from openpso.pses.models import TimelineEntry, TimelineKind
from openpso.pses.tests.fixtures import cast_events
from openpso.pswp.status import PswpStatus

CLEAR = {"intent": "no", "impairment": "no"}


@pytest.mark.parametrize(
    "exit_code",
    [Exit.DELIBERATE_UNSAFE_ACT, Exit.PATIENT_ABUSE, Exit.CRIMINAL_ACT],
)
def test_an_intended_or_criminal_act_leaves_the_aid_for_hr(exit_code):
    outcome = decide({"intent": exit_code})
    assert (outcome.category, outcome.response, outcome.exit) == (Category.BLAMEWORTHY, Response.REFER_TO_HR, exit_code)
    assert "RCA²" in outcome.explanation
    assert outcome.refers_to_hr


def test_only_sanction_and_hr_outcomes_carry_the_employment_note():
    assert "299b-22(e)" in decide({"intent": Exit.CRIMINAL_ACT}).employment_note
    reckless = {"intent": "no", "impairment": "no", "knowing_violation": "yes", "procedure_workable": "yes"}
    assert "299b-22(e)" in decide(reckless).employment_note
    assert "outside the PSES" in decide(reckless).employment_note
    assert decide({"intent": "no", "impairment": "illness"}).employment_note == ""


def test_substance_impairment_leaves_the_aid_for_hr():
    outcome = decide({"intent": "no", "impairment": Exit.SUBSTANCE_IMPAIRMENT})
    assert (outcome.category, outcome.response, outcome.exit) == (
        Category.BLAMEWORTHY,
        Response.REFER_TO_HR,
        Exit.SUBSTANCE_IMPAIRMENT,
    )
    assert "original records" in outcome.explanation  # the referral must not carry PSWP


def test_impairment_by_illness_is_consoled_not_sanctioned():
    outcome = decide({"intent": "no", "impairment": "illness"})
    assert (outcome.category, outcome.response) == (Category.HUMAN_ERROR, Response.CONSOLE)
    assert "occupational health" in outcome.explanation


def test_a_knowing_violation_of_a_workable_procedure_is_reckless():
    outcome = decide({**CLEAR, "knowing_violation": "yes", "procedure_workable": "yes"})
    assert (outcome.category, outcome.response) == (Category.RECKLESS, Response.SANCTION)


def test_a_violation_of_an_unworkable_procedure_is_at_risk_and_coached():
    outcome = decide({**CLEAR, "knowing_violation": "yes", "procedure_workable": "no"})
    assert (outcome.category, outcome.response) == (Category.AT_RISK, Response.COACH)
    assert "system-induced" in outcome.explanation


@pytest.mark.parametrize("peers", ["yes", "no"])
def test_a_risky_choice_not_seen_as_risky_is_at_risk_and_coached(peers):
    outcome = decide({**CLEAR, "knowing_violation": "no", "risky_choice": "yes", "substitution": peers})
    assert (outcome.category, outcome.response) == (Category.AT_RISK, Response.COACH)


@pytest.mark.parametrize(("peers", "words"), [("yes", "fix the system"), ("no", "training")])
def test_a_slip_lapse_or_mistake_is_human_error_and_consoled(peers, words):
    outcome = decide({**CLEAR, "knowing_violation": "no", "risky_choice": "no", "substitution": peers})
    assert (outcome.category, outcome.response) == (Category.HUMAN_ERROR, Response.CONSOLE)
    assert words in outcome.explanation


def test_answers_off_the_path_do_not_change_the_outcome():
    answers = {**CLEAR, "knowing_violation": "yes", "procedure_workable": "yes", "risky_choice": "no"}
    assert decide(answers).category == Category.RECKLESS
    assert path(answers) == {**CLEAR, "knowing_violation": "yes", "procedure_workable": "yes"}
    assert path({"intent": Exit.PATIENT_ABUSE, "impairment": "no"}) == {"intent": Exit.PATIENT_ABUSE}


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        ({}, "intent"),
        ({"intent": "maybe"}, "intent"),
        ({"intent": "no"}, "impairment"),
        (CLEAR, "knowing_violation"),
        ({**CLEAR, "knowing_violation": "yes"}, "procedure_workable"),
        ({**CLEAR, "knowing_violation": "no"}, "risky_choice"),
        ({**CLEAR, "knowing_violation": "no", "risky_choice": "no"}, "substitution"),
    ],
)
def test_a_missing_answer_on_the_path_is_named(answers, missing):
    with pytest.raises(IncompleteAnswers) as caught:
        decide(answers)
    assert caught.value.question.code == missing


def test_no_question_asks_about_the_outcome_severity():
    # §8.1: outcome severity must not drive the response.
    words = " ".join(q.text + q.hint for q in QUESTIONS).lower()
    assert not any(word in words for word in ("harm level", "severity", "how bad", "death"))
    assert "must not drive the response" in SEVERITY_NOTE


# --- recorded as a deliberation -----------------------------------------------------------


@pytest.fixture
def event(cast):
    return cast_events(cast)["r1"]


RECKLESS_FORM = {
    "q_intent": "no",
    "q_impairment": "no",
    "q_knowing_violation": "yes",
    "q_procedure_workable": "yes",
    "q_risky_choice": "no",  # off the path: not recorded
    "title": "Review of the night shift",
    "notes": "JC-SECRET the team's view",
}


@pytest.mark.django_db
def test_the_page_records_answers_and_outcome_as_an_encrypted_deliberation(cast, client_for, event):
    client = client_for("pses_committee")
    url = reverse("pses:just-culture", kwargs={"event_id": event.pk})
    page = client.get(url).content.decode()
    assert SEVERITY_NOTE in page
    assert "42 U.S.C. 299b-22(e)" in page  # before anyone answers, the aid says what the law forbids
    assert "<script>" not in page
    response = client.post(url, RECKLESS_FORM)
    deliberation = Deliberation.objects.get()
    assert response.status_code == 302
    assert deliberation.kind == DeliberationKind.JUST_CULTURE
    assert deliberation.pswp_status == PswpStatus.DELIBERATION
    assert deliberation.decision["answers"] == {
        "intent": "no",
        "impairment": "no",
        "knowing_violation": "yes",
        "procedure_workable": "yes",
    }
    assert deliberation.decision["outcome"]["category"] == Category.RECKLESS
    shown = client.get(response["Location"]).content.decode()
    assert "Reckless behaviour" in shown
    assert "must not drive the response" in shown
    # The sanction path states the law on employment action beside the outcome (issue 15 item 7).
    assert 'id="employment-note"' in shown
    assert "42 U.S.C. 299b-22(e)" in shown
    entry = TimelineEntry.objects.get(event=event, kind=TimelineKind.JUST_CULTURE)
    audit = AuditEvent.objects.get(action="deliberation.recorded")
    for data in (entry.data, audit.detail):
        text = json.dumps(data)
        assert "reckless" not in text
        assert "JC-SECRET" not in text
        assert "sanction" not in text


@pytest.mark.django_db
def test_the_decision_column_holds_only_ciphertext(cast, event):
    deliberation, _ = record_just_culture(
        user=cast.users["safety_manager"], event=event, answers={"intent": Exit.CRIMINAL_ACT}
    )
    raw = Deliberation.objects.filter(pk=deliberation.pk).values_list("decision", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT decision FROM pses_deliberation WHERE id = %s", [deliberation.pk.hex])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc2:")
    assert "criminal" not in stored
    assert raw[0]["outcome"]["exit"] == Exit.CRIMINAL_ACT


@pytest.mark.django_db
def test_incomplete_answers_record_nothing_and_name_the_question(cast, client_for, event):
    with pytest.raises(DeliberationInvalid, match="Incapacity"):
        record_just_culture(user=cast.users["safety_manager"], event=event, answers={"intent": "no"})
    client = client_for("safety_manager")
    response = client.post(reverse("pses:just-culture", kwargs={"event_id": event.pk}), {"q_intent": "no"})
    assert response.status_code == 200
    assert "Incapacity" in response.content.decode()
    assert not Deliberation.objects.exists()


@pytest.mark.django_db
def test_a_just_culture_decision_is_corrected_by_a_new_decision(cast, client_for, event):
    first, _ = record_just_culture(
        user=cast.users["safety_manager"],
        event=event,
        answers={**CLEAR, "knowing_violation": "yes", "procedure_workable": "yes"},
    )
    client = client_for("safety_manager")
    note_url = reverse("pses:deliberation-new", kwargs={"event_id": event.pk})
    assert client.get(f"{note_url}?corrects={first.pk}").status_code == 302  # sent to the aid
    url = reverse("pses:just-culture", kwargs={"event_id": event.pk})
    answers = {"q_intent": "no", "q_impairment": "no", "q_knowing_violation": "yes", "q_procedure_workable": "no"}
    client.post(url, {**answers, "corrects": first.pk})
    second = Deliberation.objects.exclude(pk=first.pk).get()
    assert second.corrects == first
    assert second.decision["outcome"]["category"] == Category.AT_RISK
    first.refresh_from_db()
    assert first.decision["outcome"]["category"] == Category.RECKLESS


@pytest.mark.django_db
def test_the_page_says_judge_the_behaviour_once(cast, client_for, event):
    page = client_for("pses_committee").get(reverse("pses:just-culture", kwargs={"event_id": event.pk})).content
    assert page.decode().count("Judge the behaviour, not the outcome") == 1
