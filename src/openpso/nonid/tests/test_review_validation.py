"""Bad corrections are refused with an error naming the field and the reason (invariant 7),
and nothing is written."""

from __future__ import annotations

import pytest

from openpso.audit.models import AuditEvent
from openpso.nonid import review
from openpso.nonid.models import ScrubCorrection
from openpso.nonid.review import ReviewInvalid
from openpso.nonid.tests.helpers import NARRATIVE, make_report, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return make_review(make_report(cast))


@pytest.mark.parametrize(
    ("start", "end", "span_type", "field", "reason"),
    [
        (-1, 5, "PERSON", "start", "must be between 0 and"),
        (len(NARRATIVE), len(NARRATIVE) + 1, "PERSON", "start", "inside the narrative"),
        (3, len(NARRATIVE) + 1, "PERSON", "end", "inside the narrative"),
        (10, 10, "PERSON", "end", "must be after start"),
        (10, 9, "PERSON", "end", "must be after start"),
        (11, 12, "PERSON", "start", "only white space"),
        (0, 5, "NICKNAME", "type", "must be one of PATIENT, STAFF"),
    ],
)
def test_a_bad_span_is_refused_naming_the_field(cast, draft, start, end, span_type, field, reason):
    with pytest.raises(ReviewInvalid) as refused:
        review.add_span(review=draft, start=start, end=end, span_type=span_type, by=cast.users["safety_manager"])
    assert refused.value.field == field
    assert reason in refused.value.reason
    assert str(refused.value).startswith(f"{field}: ")
    assert not ScrubCorrection.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="deid.span").exists()


def test_marking_what_is_already_marked_is_refused(cast, draft):
    with pytest.raises(ReviewInvalid, match=r"^start: characters 35–45 are already marked as DATE"):
        review.add_span(review=draft, start=35, end=45, span_type="DATE", by=cast.users["safety_manager"])


def test_undoing_where_no_span_is_is_refused(cast, draft):
    with pytest.raises(ReviewInvalid, match=r"^start: no span covers exactly characters 1–11"):
        review.remove_span(review=draft, start=1, end=11, by=cast.users["safety_manager"])


def test_a_typed_text_that_does_not_occur_is_refused(cast, draft):
    with pytest.raises(ReviewInvalid, match=r"^text: does not occur in the narrative"):
        review.add_text(review=draft, text="maria", occurrence=1, span_type="PATIENT", by=cast.users["safety_manager"])


def test_an_occurrence_past_the_last_is_refused(cast, draft):
    with pytest.raises(ReviewInvalid, match=r"^occurrence: the text occurs 2 times; choose 1 to 2"):
        review.add_text(review=draft, text="Maria", occurrence=3, span_type="PATIENT", by=cast.users["safety_manager"])
