from benchmarks.deid.score import (
    AGE_NOT_REQUIRED,
    REGION_NOT_REQUIRED,
    SCOPES,
    WEEKDAY_NOT_REQUIRED,
    YEAR_NOT_REQUIRED,
    Note,
    Prediction,
    Span,
    Tally,
    gold_label,
)


def score(note: Note, spans: tuple[Span, ...] = (), *, corpus: str = "openpso-demo", text: str | None = None) -> dict:
    tally = Tally(scope=SCOPES[corpus])
    tally.add(note, Prediction(id=note.id, spans=spans, text=note.text if text is None else text))
    return tally.summary()


def test_a_gold_span_is_found_by_any_overlapping_prediction_whatever_its_type():
    note = Note(id="1", text="Seen by Dr Ruiz today", gold=(Span(11, 15, "STAFF"),))
    summary = score(note, (Span(14, 20, "DATE"),))
    assert summary["per_type"]["STAFF"]["found"] == 1
    assert summary["span_recall"] == 1.0


def test_a_prediction_that_only_touches_a_gold_span_does_not_find_it():
    note = Note(id="1", text="Seen by Dr Ruiz today", gold=(Span(11, 15, "STAFF"),))
    assert score(note, (Span(15, 21, "DATE"), Span(8, 11, "STAFF")))["span_recall"] == 0.0


def test_whitespace_counts_in_character_recall_and_precision_as_in_the_dev_set_scorer():
    # Gold "Ana  Lee" is 8 characters; the prediction covers " Ana  ": 5 of them inside the gold, 1 before.
    note = Note(id="1", text="x Ana  Lee y", gold=(Span(2, 10, "PATIENT"),))
    summary = score(note, (Span(1, 7, "PATIENT"),))
    assert summary["char_recall"] == 5 / 8
    assert summary["char_precision"] == 5 / 6


def test_predicted_characters_outside_every_gold_span_lower_precision():
    note = Note(id="1", text="Ana saw Bob", gold=(Span(0, 3, "PATIENT"),))
    assert score(note, (Span(0, 3, "X"), Span(8, 11, "X")))["char_precision"] == 3 / 6


def test_a_prediction_on_a_type_outside_the_headline_is_not_a_false_positive():
    note = Note(id="1", text="She is the CEO", gold=(Span(11, 14, "TITLE"),))
    assert score(note, (Span(11, 14, "X"),), corpus="presidio-synth")["char_precision"] == 1.0


def test_ages_of_89_and_under_leave_the_headline_and_are_reported_apart():
    note = Note(id="1", text="a 45-year-old and a 92-year-old", gold=(Span(2, 4, "AGE"), Span(20, 22, "AGE")))
    summary = score(note)
    assert summary["per_type"][AGE_NOT_REQUIRED] == {
        "found": 0,
        "total": 1,
        "recall": 0.0,
        "headline": False,
        "remark": "",
    }
    assert summary["gold_spans"] == 1
    assert summary["span_recall"] == 0.0
    assert summary["char_recall"] == 0.0  # only the 92's characters are in the headline


def test_an_age_of_89_is_not_required_but_90_is():
    assert gold_label(Span(0, 2, "AGE"), "89") == AGE_NOT_REQUIRED
    assert gold_label(Span(0, 2, "AGE"), "90") == "AGE"


def test_an_age_without_digits_stays_required():
    assert gold_label(Span(0, 6, "AGE"), "ninety") == "AGE"


def test_title_and_nrp_are_reported_but_left_out_of_the_presidio_headline():
    note = Note(
        id="1",
        text="Ms Lee, a Danish CEO in Paris",
        gold=(Span(3, 6, "PERSON"), Span(10, 16, "NRP"), Span(17, 20, "TITLE"), Span(24, 29, "GPE")),
    )
    summary = score(note, (Span(3, 6, "PERSON"),), corpus="presidio-synth")
    assert summary["gold_spans"] == 2  # PERSON and GPE
    assert summary["span_recall"] == 0.5
    assert {label: row["headline"] for label, row in summary["per_type"].items()} == {
        "PERSON": True,
        "NRP": False,
        "TITLE": False,
        "GPE": True,
    }


def test_an_error_answer_counts_every_gold_span_as_missed():
    note = Note(id="1", text="Ana saw Bob", gold=(Span(0, 3, "PATIENT"), Span(8, 11, "STAFF")))
    tally = Tally()
    tally.add(note, Prediction(id="1", error="could not parse"))
    summary = tally.summary()
    assert summary["errors"] == 1
    assert summary["span_recall"] == 0.0
    assert summary["char_recall"] == 0.0


def test_a_span_over_a_redaction_marker_damages_it():
    note = Note(id="m", text="ON (B)(6) 2010 AND (B) (6)")
    summary = score(note, (Span(7, 14, "DATE"),), corpus="maude", text="ON (B)(<DATE> AND (B) (6)")
    assert summary["markers"]["(b)(6)"] == {"total": 2, "damaged": 1}


def test_a_marker_missing_from_the_output_text_is_damaged_even_without_a_span():
    note = Note(id="m", text="ON (B)(6) 2010")
    summary = score(note, (), corpus="maude", text="ON 2010")
    assert summary["markers"]["(b)(6)"] == {"total": 1, "damaged": 1}


def test_untouched_markers_are_not_damaged():
    note = Note(id="m", text="THE (B)(4) UNIT; PATIENT (B)(6)")
    summary = score(note, (), corpus="maude")
    assert summary["markers"] == {"(b)(6)": {"total": 1, "damaged": 0}, "(b)(4)": {"total": 1, "damaged": 0}}


def test_predicted_characters_and_stretches_are_counted_per_thousand():
    note = Note(id="m", text="ABCD EFGH IJ")
    summary = score(note, (Span(0, 5, "X"), Span(3, 9, "Y"), Span(10, 12, "Z")), corpus="maude")
    assert summary["predicted_chars_per_1k"] == 1000 * 11 / 12
    # Two stretches ("ABCD EFGH", "IJ"), the overlapping spans merged, over three words.
    assert summary["predicted_per_1k_words"] == 1000 * 2 / 3
    assert summary["char_precision"] is None  # no gold, so no precision to speak of


def test_a_gold_year_alone_is_not_required_but_a_full_date_is() -> None:
    assert gold_label(Span(11, 15, "DATE_TIME"), "founded in 1983.") == YEAR_NOT_REQUIRED
    assert gold_label(Span(0, 9, "DATE_TIME"), "7/22/2019") == "DATE_TIME"
    assert gold_label(Span(5, 9, "DATE"), "born 1911") == "DATE"  # the dev set marks only birth years
    assert not SCOPES["presidio-synth"].counts(YEAR_NOT_REQUIRED)


def test_a_gold_weekday_alone_is_not_required_but_a_weekday_with_a_date_is() -> None:
    # Days of the week stay under the engine's policy (issue 14), as times of day do.
    assert gold_label(Span(8, 16, "DATE_TIME"), "Back on Thursday") == WEEKDAY_NOT_REQUIRED
    assert gold_label(Span(0, 3, "DATE_TIME"), "Sat") == WEEKDAY_NOT_REQUIRED
    assert gold_label(Span(0, 14, "DATE_TIME"), "Thursday, 3/12") == "DATE_TIME"
    assert not SCOPES["presidio-synth"].counts(WEEKDAY_NOT_REQUIRED)


def test_a_country_or_us_state_is_not_required_but_a_city_is() -> None:
    # Safe Harbor removes geography below a state only.
    assert gold_label(Span(0, 7, "GPE"), "Moldova") == REGION_NOT_REQUIRED
    assert gold_label(Span(0, 7, "GPE"), "vermont") == REGION_NOT_REQUIRED
    assert gold_label(Span(0, 15, "GPE"), "Moldova (north)") == REGION_NOT_REQUIRED
    assert gold_label(Span(0, 8, "GPE"), "Chisinau") == "GPE"
    assert gold_label(Span(0, 7, "LOCATION"), "Moldova") == "LOCATION"  # the dev set's own labels are untouched
    assert not SCOPES["presidio-synth"].counts(REGION_NOT_REQUIRED)
