"""The engine's promises: no identifier left in the issue's example, spans that fit the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openpso.nonid.deid import Policy, ScrubContext, Span, find, find_many, redact, scrub
from openpso.nonid.deid.engine import merge

EXAMPLE = "Pt John Smith (MRN 1234567) fell on 7/22 in rm 4B, Dr. Alvarez notified at 555-201-3344"


def test_the_issue_example_keeps_no_identifier() -> None:
    result = scrub(EXAMPLE)
    for identifier in ("John", "Smith", "1234567", "7/22", "4B", "Alvarez", "555-201-3344", "201-3344"):
        assert identifier not in result.text, result.text
    assert result.text == "Pt [PATIENT] (MRN [MRN]) fell on [DATE] in rm [ROOM], Dr. [STAFF] notified at [PHONE]"


def test_spans_point_into_the_input_text() -> None:
    result = scrub(EXAMPLE)
    assert [EXAMPLE[s.start : s.end] for s in result.spans] == [
        "John Smith",
        "1234567",
        "7/22",
        "4B",
        "Alvarez",
        "555-201-3344",
    ]


def test_dates_become_placeholders_or_keep_their_year_by_policy() -> None:
    text = "Admitted 07/22/2019, seen 7/23."
    assert scrub(text).text == "Admitted [DATE], seen [DATE]."
    assert scrub(text, policy=Policy(dates="year")).text == "Admitted [DATE 2019], seen [DATE]."


def test_overlapping_spans_merge_into_the_most_telling_type() -> None:
    spans = [Span(0, 10, "ID"), Span(2, 8, "PHONE"), Span(20, 25, "PERSON"), Span(24, 30, "STAFF")]
    assert merge(spans) == (Span(0, 10, "PHONE", ""), Span(20, 30, "STAFF", ""))


def test_redact_replaces_each_span_by_its_placeholder() -> None:
    text = "Seen by Ann on 7/22"
    assert redact(text, [Span(8, 11, "STAFF"), Span(15, 19, "DATE")]) == "Seen by [STAFF] on [DATE]"


def test_empty_and_blank_text_give_no_spans() -> None:
    assert find("") == ()
    assert find("   \n\t ") == ()
    assert scrub("").text == ""


def test_a_batch_gives_the_same_answer_as_one_by_one() -> None:
    texts = [EXAMPLE, "", "Szabolcs Ferencváros visited.", "No identifiers here at all."]
    contexts = [None, None, ScrubContext.of(other_names=["Szabolcs"]), None]
    assert find_many(texts, contexts=contexts) == [find(t, context=c) for t, c in zip(texts, contexts, strict=True)]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_sorted_disjoint_spans_inside_it(text: str) -> None:
    spans = find(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        previous_end = span.end
    scrub(text)  # never raises


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Dr. Alvarez", "on 7/22", "MRN 1234567", "rm 4B", "555-201-3344", "fell", "the", "😀", "\u200f", "\n"]
        ),
        max_size=30,
    )
)
def test_identifiers_never_survive_whatever_surrounds_them(parts: list[str]) -> None:
    text = " ".join(parts)
    scrubbed = scrub(text).text
    for identifier in ("Alvarez", "7/22", "1234567", "555-201-3344"):
        assert identifier not in scrubbed
