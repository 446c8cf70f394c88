"""The reviewer's word is final (issue 14 item 4): what a safety manager approves in the
de-identification review is exactly what is pooled; when the narrative changes after an
approval the submission waits; without an approved review the engine scrubs it as before."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpso import flows
from openpso.nonid import approved, review
from openpso.nonid.deid import SPAN_TYPES
from openpso.nonid.pipeline import nonidentify
from openpso.nonid.review import ReviewInvalid
from openpso.nonid.tests.helpers import BEDSIDE, NARRATIVE, make_report, make_review
from openpso.organizations.queries import agreement_in_force
from openpso.submissions.document import refusal_of
from openpso.submissions.functional.actions import functionally_report, grant_access
from openpso.submissions.models import Submission
from openpso.submissions.push.actions import ACCEPTED, REFUSED, Channel, EventResult, submit_events

pytestmark = pytest.mark.django_db

WORDS = ["Maria", "Lopez", "fell", "at", "the", "bedside", "on", "03/04/2024", "room", "12.", "Jane", "Roe", "é"]


def _submit(cast, report) -> EventResult:
    [result] = submit_events(
        event_ids=[str(report.pk)],
        provider_ids=[report.provider_id],
        channel=Channel(actor=cast.users["safety_manager"]),
    )
    return result


def _pooled(report) -> tuple[str, dict[str, Any]]:
    submission = Submission.objects.get(event_id=report.pk, current=True)
    event, record = nonidentify(submission)
    return event.narrative, record


@st.composite
def _spans(draw: st.DrawFn, length: int) -> list[dict[str, Any]]:
    """Sorted, non-overlapping engine spans inside a text of `length` characters."""
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end:
            spans.append({"start": start, "end": end, "type": draw(st.sampled_from(SPAN_TYPES)), "source": "engine"})
    return spans


@st.composite
def _story(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]], list[tuple[Any, ...]]]:
    separators = st.sampled_from([" ", " ", "\n", "\r\n", ", "])
    words = draw(st.lists(st.tuples(st.sampled_from(WORDS), separators), min_size=2, max_size=14))
    narrative = "".join(w + s for w, s in words).strip() or "Maria fell"
    engine = draw(_spans(len(narrative)))
    steps = draw(
        st.lists(
            st.one_of(
                st.tuples(
                    st.just("add"),
                    st.integers(0, len(narrative) - 1),
                    st.integers(1, 20),
                    st.sampled_from(SPAN_TYPES),
                ),
                st.tuples(st.just("remove"), st.integers(0, 20)),
            ),
            max_size=6,
        )
    )
    return narrative, engine, steps


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=_story())
def test_the_pooled_narrative_is_the_approved_scrubbed_text_byte_for_byte(cast, story):
    narrative, engine, steps = story
    report = make_report(cast, narrative=narrative)
    draft = make_review(report, engine)
    user = cast.users["safety_manager"]
    for step in steps:
        try:
            if step[0] == "add":
                _, start, width, kind = step
                review.add_span(
                    review=draft, start=start, end=min(start + width, len(narrative)), span_type=kind, by=user
                )
            else:
                spans = review.final_spans(draft)
                if spans:
                    chosen = spans[step[1] % len(spans)]
                    review.remove_span(review=draft, start=chosen.start, end=chosen.end, by=user)
        except ReviewInvalid:
            pass  # white space only, or marked already: the reviewer is told and nothing changes
    review.approve(review=draft, by=user)
    expected = review.approved_scrubbed_text(report)
    assert expected is not None
    assert _submit(cast, report).status == ACCEPTED
    pooled, record = _pooled(report)
    assert pooled == expected
    assert pooled == approved.redact_text(narrative, review.final_spans(draft))
    assert record["fields"]["narrative"] == "scrubbed_as_reviewed"
    assert record["review"] == draft.pk


def test_an_approved_undo_and_addition_are_pooled_the_engine_is_not_asked_about_the_narrative(cast):
    report = make_report(cast)
    draft = review.review_for(report)  # the real engine: it finds Maria Lopez and the date
    user = cast.users["safety_manager"]
    maria = next(s for s in review.final_spans(draft) if s.start == 0)
    review.remove_span(review=draft, start=maria.start, end=maria.end, by=user)  # a wrong undo, but final
    review.add_span(review=draft, start=BEDSIDE[0], end=BEDSIDE[1], span_type="FACILITY", by=user)
    review.approve(review=draft, by=user)
    _submit(cast, report)
    pooled, record = _pooled(report)
    assert pooled.startswith(NARRATIVE[maria.start : maria.end])  # the reviewer's word is final
    assert "bedside" not in pooled
    assert "[FACILITY]" in pooled
    assert record["spans"]["narrative"]["FACILITY"] == 1


def test_without_a_review_the_engine_scrubs_the_narrative_as_before(cast):
    report = make_report(cast)
    _submit(cast, report)
    submission = Submission.objects.get(event_id=report.pk)
    assert "narrative_review" not in submission.document
    pooled, record = _pooled(report)
    assert record["fields"]["narrative"] == "scrubbed"
    assert "review" not in record
    assert "Lopez" not in pooled
    assert "03/04/2024" not in pooled
    assert "bedside" in pooled


def test_a_draft_review_changes_nothing_the_engine_still_decides(cast):
    report = make_report(cast)
    draft = make_review(report)
    review.add_span(review=draft, start=BEDSIDE[0], end=BEDSIDE[1], span_type="FACILITY", by=None)
    assert _submit(cast, report).status == ACCEPTED
    assert "narrative_review" not in Submission.objects.get(event_id=report.pk).document
    pooled, record = _pooled(report)
    assert record["fields"]["narrative"] == "scrubbed"
    assert "bedside" in pooled


def test_what_a_reviewer_added_is_also_scrubbed_in_the_events_other_free_text(cast):
    agreement = cast.agreements["p1"]
    agreement.shared_fields = ["narrative", "location_detail"]
    agreement.save()
    report = make_report(cast, location_detail="Near the bedside of Zephyrine", narrative="Zephyrine slipped.")
    draft = make_review(report, [])
    review.add_span(review=draft, start=0, end=9, span_type="PATIENT", by=None)
    review.approve(review=draft, by=None)
    _submit(cast, report)
    submission = Submission.objects.get(event_id=report.pk)
    event, _ = nonidentify(submission)
    assert event.narrative == "[PATIENT] slipped."
    assert event.location_detail is not None
    assert "Zephyrine" not in event.location_detail


def test_spans_that_do_not_fit_the_narrative_sent_are_ignored_and_the_engine_scrubs_it(cast):
    report = make_report(cast)
    draft = make_review(report)
    review.approve(review=draft, by=None)
    _submit(cast, report)
    submission = Submission.objects.get(event_id=report.pk)
    document = dict(submission.document)
    document["narrative_review"] = {"review": draft.pk, "spans": [{"start": 0, "end": 999, "type": "PATIENT"}]}
    submission.document = document
    event, record = nonidentify(submission)
    assert record["fields"]["narrative_review"] == "ignored_not_fitting_the_narrative"
    assert record["fields"]["narrative"] == "scrubbed"
    assert "Lopez" not in event.narrative


@pytest.mark.parametrize(
    "entry",
    [
        None,
        "spans",
        {"spans": [{"start": 5, "end": 3, "type": "PATIENT"}]},
        {"spans": [{"start": 0, "end": 5, "type": "PATIENT"}, {"start": 4, "end": 8, "type": "STAFF"}]},
        {"spans": [{"start": 0, "end": 5, "type": "NOT_A_TYPE"}]},
        {"spans": [{"start": True, "end": 5, "type": "PATIENT"}]},
        {"spans": [{"start": "0", "end": 5, "type": "PATIENT"}]},
    ],
)
def test_spans_are_read_back_only_when_they_fit(entry):
    assert approved.spans_from_document(entry, "Maria fell again") is None


def _stale(cast):
    report = make_report(cast)
    review.approve(review=make_review(report), by=cast.users["safety_manager"])
    report.narrative = NARRATIVE + " Added later by the reporter."
    report.save()
    return report


def test_a_narrative_changed_after_approval_makes_the_submission_wait_with_the_reason_named(cast):
    report = _stale(cast)
    result = _submit(cast, report)
    assert result.status == REFUSED
    assert result.field == "narrative_review"
    assert "the narrative changed after its de-identification review was approved" in result.reason
    assert reverse("nonid:review", kwargs={"report_id": report.pk}) in result.reason
    assert not Submission.objects.filter(event_id=report.pk).exists()
    assert review.standing_of(report).pooling == review.WAITING


def test_the_new_review_must_be_approved_before_the_event_goes_and_then_its_spans_go(cast):
    report = _stale(cast)
    fresh = review.review_for(report)  # opening the review page makes a review of the new text
    refused = _submit(cast, report)
    assert refused.field == "narrative_review"
    assert "its new review is not approved yet" in refused.reason
    review.approve(review=fresh, by=cast.users["safety_manager"])
    assert _submit(cast, report).status == ACCEPTED
    pooled, _ = _pooled(report)
    assert pooled == review.approved_scrubbed_text(report)
    document = Submission.objects.get(event_id=report.pk, current=True).document
    assert document["narrative_review"]["review"] == fresh.pk


def test_a_stale_review_does_not_hold_an_event_whose_narrative_is_not_shared(cast):
    agreement = cast.agreements["p1"]
    agreement.shared_fields = ["analysis"]
    agreement.save()
    report = _stale(cast)
    assert refusal_of(report, agreement_in_force(report.provider)) is None
    assert _submit(cast, report).status == ACCEPTED


def test_the_api_refuses_a_waiting_event_naming_the_field(cast, client_for):
    report = _stale(cast)
    body = json.dumps({"events": [str(report.pk)]})
    response = client_for("safety_manager").post("/api/v1/submissions", data=body, content_type="application/json")
    [result] = response.json()["results"]
    assert (result["status"], result["field"]) == ("refused", "narrative_review")
    assert "/deid/" in result["reason"]


def test_functional_reporting_waits_too(cast):
    report = _stale(cast)
    grant = grant_access(
        provider=report.provider,
        actor=cast.users["safety_manager"],
        effective_from=report.discovered_at,
        categories=[],
        unit_ids=[],
    )
    run = functionally_report(grant=grant)
    assert run.reasons.get("narrative_review", 0) >= 1
    assert not Submission.objects.filter(event_id=report.pk).exists()


def test_the_submit_page_shows_why_an_event_waits_with_a_link_to_its_review(cast, client_for):
    report = _stale(cast)
    client = client_for("safety_manager")
    page = client.get(reverse("submissions:submit")).content.decode()
    link = reverse("nonid:review", kwargs={"report_id": report.pk})
    assert f'href="{link}"' in page
    assert "de-identification review to approve again" in page
    response = client.post(reverse("submissions:submit"), {"events": [str(report.pk)]})
    assert "Not sent" in response.content.decode()


def _pooling_words(client_for, report) -> tuple[str, str]:
    url = reverse("nonid:review", kwargs={"report_id": report.pk})
    page = client_for("safety_manager").get(url).content.decode()
    match = re.search(r'<p id="deid-pooled" data-pooling="([a-z_]+)">(.*?)</p>', page, re.S)
    assert match, "the review page does not say how the narrative is pooled"
    return match.group(1), " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split())


def test_the_review_page_says_what_will_be_pooled_in_each_state(cast, client_for):
    report = make_report(cast)
    draft = make_review(report)
    code, words = _pooling_words(client_for, report)
    assert code == review.ENGINE
    assert words.startswith("Until a review is approved, the engine decides.")
    review.approve(review=draft, by=cast.users["safety_manager"])
    code, words = _pooling_words(client_for, report)
    assert code == review.APPROVED_SPANS
    assert words.startswith("Pooled as approved here.")
    report.narrative += " More."
    report.save()
    code, words = _pooling_words(client_for, report)
    assert code == review.WAITING
    assert words.startswith("Submission waits for your approval.")


def test_under_a_functional_grant_an_approval_sends_the_spans_at_once(cast, django_capture_on_commit_callbacks):
    report = make_report(cast)
    draft = make_review(report)
    grant = grant_access(
        provider=report.provider,
        actor=cast.users["safety_manager"],
        effective_from=report.discovered_at,
        categories=[],
        unit_ids=[],
    )
    functionally_report(grant=grant)
    assert "narrative_review" not in Submission.objects.get(event_id=report.pk, current=True).document
    with django_capture_on_commit_callbacks(execute=True):
        review.approve(review=draft, by=cast.users["safety_manager"])
        flows.review_approved(report.pk)  # what the review page does after approving
    document = Submission.objects.get(event_id=report.pk, current=True).document
    assert document["narrative_review"]["review"] == draft.pk


def test_the_pso_inbox_says_how_the_narrative_will_be_scrubbed(cast, client_for):
    plain, reviewed = make_report(cast), make_report(cast)
    review.approve(review=make_review(reviewed), by=None)
    _submit(cast, plain)
    _submit(cast, reviewed)
    client = client_for("pso_analyst")
    for report, words in (
        (plain, "by the engine before pooling"),
        (reviewed, "as the provider&#x27;s reviewer approved it: 3 spans replaced before pooling"),
    ):
        submission = Submission.objects.get(event_id=report.pk, current=True)
        page = client.get(f"/pso/inbox/{submission.pk}/").content.decode()
        assert words in page
