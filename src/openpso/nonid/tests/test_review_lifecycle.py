"""A review is made from the engine with what the provider knows, kept while the narrative
stays the same, and redone when it changes; every step is audited without PHI."""

from __future__ import annotations

import json

import pytest

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.nonid import review
from openpso.nonid.deid import VERSION
from openpso.nonid.models import NarrativeReview
from openpso.nonid.review import ReviewInvalid
from openpso.nonid.tests.helpers import JANE_ROE, NARRATIVE, make_report, make_review
from openpso.reporting.models import EventReport

pytestmark = pytest.mark.django_db

PHI_WORDS = ["Maria", "Lopez", "Jane", "Roe", "03/04/2024", "bedside"]


def test_a_review_is_made_from_the_engine_once(cast):
    report = make_report(cast)
    first = review.review_for(report, by=cast.users["safety_manager"])
    assert first.engine_version == VERSION
    assert any(span["type"] == "DATE" and span["start"] == 35 for span in first.engine_spans)
    assert review.review_for(report) == first
    assert NarrativeReview.objects.count() == 1
    assert AuditEvent.objects.filter(action="deid.review_made").count() == 1


def test_the_context_holds_the_provider_its_units_staff_and_reporter(cast):
    report = make_report(cast, reporter=cast.users["reporter"])
    context = review.context_for(report)
    assert {"Cast General Hospital", "Ward P1", "Cast Health System"} <= set(context.facility_names)
    assert {"Safety_Manager", "Pses_Committee", "Reporter"} <= set(context.staff_names)
    assert "Manager_P2" not in context.staff_names  # another provider's people are not ours to know
    assert context.other_names == ("Reporter",)


def test_an_anonymous_report_gives_no_reporter_name(cast):
    context = review.context_for(cast.reports["r1anon"])
    assert context.other_names == ()


def test_a_reporters_name_from_the_context_is_found_in_the_narrative(cast):
    reporter = cast.users["reporter"]
    reporter.first_name, reporter.last_name = "Quentin", "Vasquez-Hale"
    reporter.save()
    report = make_report(cast, narrative="Quentin Vasquez-Hale found the pump alarm silenced.", reporter=reporter)
    spans = review.final_spans(review.review_for(report))
    assert any(s.start == 0 and s.end >= len("Quentin") for s in spans)
    assert "Vasquez-Hale" not in review.scrubbed_text(review.review_for(report))


def test_a_changed_narrative_makes_the_review_stale_and_a_new_one_is_made(cast):
    report = make_report(cast)
    old = make_review(report)
    review.add_span(review=old, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=cast.users["safety_manager"])
    report.narrative = NARRATIVE.replace("Maria", "Mario")
    report.save()
    report = EventReport.objects.get(pk=report.pk)
    old = NarrativeReview.objects.get(pk=old.pk)
    assert review.is_stale(old)
    with pytest.raises(ReviewInvalid, match=r"^review: the narrative changed"):
        review.scrubbed_text(old)
    with pytest.raises(ReviewInvalid, match=r"^review: the narrative changed"):
        review.approve(review=old, by=cast.users["safety_manager"])
    new = review.review_for(report, by=cast.users["safety_manager"])
    assert new.pk != old.pk
    assert not review.is_stale(new)
    assert review.replaced_a_stale_review(new)
    assert not new.corrections.exists()  # old offsets do not carry over to new text
    made = AuditEvent.objects.filter(action="deid.review_made").get()
    assert made.detail["reason"] == "narrative_changed"
    assert made.detail["replaces"] == old.pk


def test_an_approved_review_that_went_stale_gives_no_text_to_send(cast):
    report = make_report(cast)
    approved = review.approve(review=make_review(report), by=cast.users["safety_manager"])
    assert review.approved_scrubbed_text(report) is not None
    report.narrative = NARRATIVE + " Later note."
    report.save()
    assert review.approved_scrubbed_text(EventReport.objects.get(pk=report.pk)) is None
    assert NarrativeReview.objects.get(pk=approved.pk).state == "approved"  # the record stays


def test_an_untouched_draft_follows_a_newer_engine_but_a_corrected_one_stays(cast):
    untouched = make_review(make_report(cast), engine_version="openpso-deid 0.0")
    assert review.review_for(untouched.report).pk != untouched.pk
    corrected = make_review(make_report(cast), engine_version="openpso-deid 0.0")
    review.add_span(review=corrected, start=0, end=5, span_type="PATIENT", by=cast.users["safety_manager"])
    assert review.review_for(corrected.report).pk == corrected.pk


def test_corrections_and_approval_are_audited_with_offsets_and_types_only(cast):
    manager = cast.users["safety_manager"]
    draft = make_review(make_report(cast))
    review.add_span(review=draft, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=manager)
    review.remove_span(review=draft, start=0, end=11, by=manager)
    review.add_text(review=draft, text="Maria", occurrence=None, span_type="PATIENT", by=manager)
    review.approve(review=draft, by=manager)
    events = list(AuditEvent.objects.filter(action__startswith="deid.").order_by("seq"))
    assert [e.action for e in events] == [
        "deid.span_added",
        "deid.span_removed",
        "deid.span_added",
        "deid.span_added",
        "deid.review_approved",
    ]
    assert events[0].detail == {"report": str(draft.report_id), "start": 81, "end": 89, "type": "STAFF"}
    assert events[1].detail["type"] == "PERSON"
    assert events[-1].detail == {
        "report": str(draft.report_id),
        "engine_version": VERSION,
        "spans": 5,
        "added": 3,
        "removed": 1,
    }
    for event in events:
        assert event.actor_id == manager.pk
        assert event.organization_id == cast.orgs["p1"].pk
        assert (event.object_type, event.object_id, event.purpose) == (
            "nonid.narrativereview",
            str(draft.pk),
            "nonid.review",
        )
        text = json.dumps(event.detail) + event.object_id + event.purpose
        assert not [word for word in PHI_WORDS if word in text]
    assert verify_chain().ok


def test_the_narrative_digest_is_stored_encrypted(cast):
    from django.db import connection

    made = make_review(make_report(cast))
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative_digest FROM nonid_narrativereview WHERE id = %s", [made.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc2:")
    assert review.narrative_digest(NARRATIVE) not in stored
