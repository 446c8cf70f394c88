"""A report's answers in words: question text, the answer's display, the codes beside it."""

from __future__ import annotations

from openpso.commonformats.answers_display import OTHER_ANSWERS, answers_in_words, flat_rows, option_words

FALL = "cfer-h-1.2/fall"


def test_coded_answers_show_their_words_and_codes_grouped_by_module_in_definition_order() -> None:
    answers = {
        "Fall/injury_type": ["OPSO-FALL-INJ-FRACTURE", "OPSO-FALL-INJ-HEAD"],
        "Fall/assisted": "OPSO-FALL-ASSISTED",
        "Fall/injury": "A15",
    }
    groups = answers_in_words(answers, [FALL])
    assert [(g.key, g.title) for g in groups] == [(FALL, "Fall")]
    rows = groups[0].rows
    assert [r.link_id for r in rows] == ["Fall/assisted", "Fall/injury", "Fall/injury_type"]
    assert rows[0].question == "Was the fall assisted or unassisted?"
    assert rows[0].value == "Assisted"
    assert rows[0].codes == ("OPSO-FALL-ASSISTED",)
    assert rows[1].value == "Yes"
    assert rows[1].codes == ("A15",)
    assert rows[2].value.startswith("Fracture, Head injury")
    assert rows[2].codes_text == "OPSO-FALL-INJ-FRACTURE, OPSO-FALL-INJ-HEAD"


def test_an_other_answer_shows_the_text_given_instead_of_please_specify() -> None:
    rows = flat_rows(answers_in_words({"Fall/activity": "A66", "Fall/activity:other": "Climbing a chair"}, [FALL]))
    assert len(rows) == 1
    assert rows[0].value == "Other: Climbing a chair"
    assert rows[0].codes == ("A66",)
    assert option_words("Other substance: PLEASE SPECIFY") == "Other substance"


def test_open_choice_free_text_and_dates_are_shown_as_given() -> None:
    rows = flat_rows(
        answers_in_words(
            {"Fall/activity": "Dancing", "Medication/DE306": "2026-03-01"}, [FALL, "cfer-h-1.2/medication"]
        )
    )
    assert [(r.value, r.codes) for r in rows] == [("Dancing", ()), ("2026-03-01", ())]


def test_unknown_link_ids_are_shown_with_their_id_not_dropped() -> None:
    groups = answers_in_words({"Nowhere/DE1": "x", "Fall/injury": "A18"}, [FALL])
    assert groups[-1].title == OTHER_ANSWERS
    assert groups[-1].rows[0].question == "Nowhere/DE1"
    assert groups[-1].rows[0].known is False


def test_identifying_herf_answers_are_left_out_for_anyone_but_the_safety_team() -> None:
    answers = {"HERF/DE46": "Jane Doe", "Fall/injury": "A18", "Nowhere/DE1": "x"}
    team = flat_rows(answers_in_words(answers, [FALL]))
    assert any(r.link_id == "HERF/DE46" and r.identifying and r.value == "Jane Doe" for r in team)
    others = flat_rows(answers_in_words(answers, [FALL], include_identifying=False))
    assert [r.link_id for r in others] == ["Fall/injury"]


def test_a_repeating_group_shows_each_entry() -> None:
    answers = {"Medication/SEC02/74078-7": [{"Medication/DE321": "Brand A"}, {"Medication/DE321": "Brand B"}]}
    rows = flat_rows(answers_in_words(answers, ["cfer-h-1.2/medication"]))
    assert [(r.question, r.value) for r in rows] == [
        ("Entry 1: Brand name", "Brand A"),
        ("Entry 2: Brand name", "Brand B"),
    ]


def test_a_repeating_group_answered_flat_shows_its_answers_in_words() -> None:
    # The web form stores one drug's details beside the other answers (one occurrence, as
    # commonformats.answers reads them); they were shown as 'Other answers' by linkId with a
    # bare code to the safety team ('Medication/DE333: A15') and not at all to the reporter.
    answers = {"Medication/DE270": "A1197", "Medication/DE318": "Heparin", "Medication/DE333": "A15"}
    for include_identifying in (True, False):
        groups = answers_in_words(answers, ["cfer-h-1.2/medication"], include_identifying=include_identifying)
        assert [g.title for g in groups] == ["Medication or Other Substance"]
        rows = [(r.question, r.value, r.codes) for r in flat_rows(groups)]
        assert ("Generic name or investigational drug name", "Heparin", ()) in rows
        assert ("Was this medication/substance prescribed for this patient?", "Yes", ("A15",)) in rows


def test_a_row_names_the_codes_that_are_openpso_s_own_and_only_those():
    # Issue 15 item 8: whoever shows the codes can say which are OpenPSO extensions.
    from openpso.commonformats.answers_display import answers_in_words

    rows = {
        r.link_id: r
        for g in answers_in_words({"Fall/assisted": "OPSO-FALL-ASSISTED", "Fall/injury": "A15"}, ["cfer-h-1.2/fall"])
        for r in g.rows
    }
    assert rows["Fall/assisted"].extension_codes == ("OPSO-FALL-ASSISTED",)
    assert rows["Fall/injury"].extension_codes == ()
