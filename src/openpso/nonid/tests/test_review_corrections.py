"""Adding a missed span, undoing a false one and approving change the final spans and the
scrubbed text; corrections are kept in order as append-only labelled examples."""

from __future__ import annotations

import itertools

import pytest

from openpso.lib.appendonly import AppendOnlyError
from openpso.nonid import review
from openpso.nonid.deid import Span
from openpso.nonid.models import CorrectionAction, ReviewState, ScrubCorrection
from openpso.nonid.review import ReviewInvalid
from openpso.nonid.tests.helpers import BEDSIDE, DATE, JANE_ROE, MARIA_AGAIN, MARIA_LOPEZ, make_report, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(cast):
    return cast.users["safety_manager"]


@pytest.fixture
def draft(cast):
    return make_review(make_report(cast))


def _offsets(spans):
    return [(s.start, s.end, s.type) for s in spans]


def test_without_corrections_the_final_spans_are_the_engines(draft):
    assert _offsets(review.final_spans(draft)) == [(0, 11, "PERSON"), (35, 45, "DATE"), (54, 56, "ROOM")]
    assert review.scrubbed_text(draft) == (
        "[NAME] fell at the bedside on [DATE] in room [ROOM]. Maria was helped up by Jane Roe."
    )


def test_adding_a_missed_name_redacts_it_in_the_scrubbed_text(draft, manager):
    review.add_span(review=draft, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=manager)
    assert (81, 89, "STAFF") in _offsets(review.final_spans(draft))
    assert review.scrubbed_text(draft).endswith("was helped up by [STAFF].")


def test_undoing_a_false_span_puts_the_words_back(draft, manager):
    review.remove_span(review=draft, start=MARIA_LOPEZ[0], end=MARIA_LOPEZ[1], by=manager)
    assert (0, 11, "PERSON") not in _offsets(review.final_spans(draft))
    assert review.scrubbed_text(draft).startswith("Maria Lopez fell")
    correction = ScrubCorrection.objects.get()
    assert (correction.action, correction.span_type) == (CorrectionAction.REMOVE, "PERSON")  # the false label is kept


def test_an_added_span_wins_over_the_engine_spans_it_overlaps(draft, manager):
    # "the bedside on 03/04/2024" swallows the engine's DATE span.
    review.add_span(review=draft, start=BEDSIDE[0] - 4, end=DATE[1], span_type="ADDRESS", by=manager)
    assert _offsets(review.final_spans(draft)) == [(0, 11, "PERSON"), (20, 45, "ADDRESS"), (54, 56, "ROOM")]


def test_marking_part_of_an_engine_span_keeps_the_rest_redacted(draft, manager):
    review.add_span(review=draft, start=0, end=5, span_type="PATIENT", by=manager)  # "Maria" of "Maria Lopez"
    assert _offsets(review.final_spans(draft))[:2] == [(0, 5, "PATIENT"), (6, 11, "PERSON")]
    assert review.scrubbed_text(draft).startswith("[PATIENT] [NAME] fell")


def test_re_typing_an_engine_span_replaces_its_type(draft, manager):
    review.add_span(review=draft, start=MARIA_LOPEZ[0], end=MARIA_LOPEZ[1], span_type="PATIENT", by=manager)
    assert _offsets(review.final_spans(draft))[0] == (0, 11, "PATIENT")
    assert review.scrubbed_text(draft).startswith("[PATIENT] fell")


def test_an_added_span_can_be_undone_and_then_added_again(draft, manager):
    review.add_span(review=draft, start=MARIA_AGAIN[0], end=MARIA_AGAIN[1], span_type="PATIENT", by=manager)
    review.remove_span(review=draft, start=MARIA_AGAIN[0], end=MARIA_AGAIN[1], by=manager)
    assert (58, 63, "PATIENT") not in _offsets(review.final_spans(draft))
    review.add_span(review=draft, start=MARIA_AGAIN[0], end=MARIA_AGAIN[1], span_type="PATIENT", by=manager)
    assert (58, 63, "PATIENT") in _offsets(review.final_spans(draft))
    assert list(draft.corrections.values_list("action", flat=True)) == ["add", "remove", "add"]


def test_final_spans_are_sorted_and_never_overlap(draft, manager):
    review.add_span(review=draft, start=50, end=57, span_type="ROOM", by=manager)  # "room 12."
    review.add_span(review=draft, start=5, end=20, span_type="PERSON", by=manager)
    spans = review.final_spans(draft)
    assert list(spans) == sorted(spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert Span(5, 20, "PERSON", review.REVIEWER) in spans
    assert Span(0, 5, "PERSON", "name-run") in spans  # the rest of the engine's "Maria Lopez"


def test_every_occurrence_of_a_typed_text_can_be_marked_at_once(draft, manager):
    added = review.add_text(review=draft, text="Maria", occurrence=None, span_type="PATIENT", by=manager)
    assert [(c.start, c.end) for c in added] == [(0, 5), (58, 63)]
    assert "[PATIENT] was helped up" in review.scrubbed_text(draft)


def test_the_second_occurrence_of_a_typed_text_can_be_marked(draft, manager):
    (added,) = review.add_text(review=draft, text="Maria", occurrence=2, span_type="PATIENT", by=manager)
    assert (added.start, added.end) == MARIA_AGAIN


def test_approving_records_who_and_when_and_freezes_the_review(draft, manager):
    approved = review.approve(review=draft, by=manager)
    assert approved.state == ReviewState.APPROVED
    assert approved.approved_by == manager
    assert approved.approved_at is not None
    with pytest.raises(ReviewInvalid, match=r"^review: it is approved already"):
        review.add_span(review=approved, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=manager)
    with pytest.raises(ReviewInvalid, match=r"^review: it is approved already"):
        review.approve(review=approved, by=manager)


def test_only_an_approved_current_review_gives_its_scrubbed_text(draft, manager):
    assert review.approved_scrubbed_text(draft.report) is None
    review.add_span(review=draft, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=manager)
    review.approve(review=draft, by=manager)
    assert review.approved_scrubbed_text(draft.report) == (
        "[NAME] fell at the bedside on [DATE] in room [ROOM]. Maria was helped up by [STAFF]."
    )


def test_corrections_are_append_only(draft, manager):
    correction = review.add_span(review=draft, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=manager)
    correction.span_type = "PERSON"
    with pytest.raises(AppendOnlyError):
        correction.save()
    with pytest.raises(AppendOnlyError):
        ScrubCorrection.objects.all().delete()
