"""validate() names the item and the reason for every kind of bad answer."""

from typing import Any

import pytest

from openpso.commonformats.answers import (
    CONTRADICTORY,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_CODE,
    UNKNOWN_LINK_ID,
    WRONG_TYPE,
    validate,
)
from openpso.commonformats.catalogue import catalogue, form

from .helpers import sample_answers

MEDICATION = form("cfer-h-1.2/medication")
HERF = form("cfer-h-1.2/herf")
GOOD: dict[str, Any] = {
    "Medication/DE2": "E-1",
    "Medication/DE30": "2024-05-01",
    "Medication/DE270": "A1197",
    "Medication/DE273": "A1218",
    "Medication/DE288": "A1257",
    "Medication/DE291": "A1275",
    "Medication/DE294": "A1314",
    "Medication/DE315": "A1398",
    "Medication/SEC02/74078-7": [
        {"Medication/DE318": "Heparin", "Medication/DE333": "A15", "Medication/DE336": "A15"},
    ],
}


def _errors(answers, definition=MEDICATION, **kwargs):
    return [(e.link_id, e.code) for e in validate(definition, answers, **kwargs)]


def test_a_complete_medication_report_is_valid():
    assert validate(MEDICATION, GOOD) == []


@pytest.mark.parametrize("key", sorted(catalogue()))
@pytest.mark.parametrize("pick", ["first", "last"])
def test_synthetic_answers_to_every_form_are_valid(key, pick):
    definition = form(key)
    answers = sample_answers(definition, pick=pick)
    assert answers
    assert validate(definition, answers) == []


def test_a_repeating_group_answered_flat_counts_as_one_entry():
    flat = {k: v for k, v in GOOD.items() if k != "Medication/SEC02/74078-7"}
    flat |= {"Medication/DE318": "Heparin", "Medication/DE333": "A15", "Medication/DE336": "A15"}
    assert validate(MEDICATION, flat) == []
    del flat["Medication/DE333"]
    assert _errors(flat) == [("Medication/DE333", REQUIRED)]


def test_an_unknown_code_is_named():
    errors = validate(MEDICATION, {**GOOD, "Medication/DE294": "A9999"})
    assert [(e.link_id, e.code) for e in errors] == [("Medication/DE294", UNKNOWN_CODE)]
    assert "'A9999' is not one of its answer codes" in errors[0].message


def test_a_code_looking_answer_to_an_open_choice_is_checked_but_free_text_is_allowed():
    assert _errors({**GOOD, "Medication/DE294": "A12"}) == [("Medication/DE294", UNKNOWN_CODE)]
    # An unknown substance code also leaves its follow-up answer (DE273) without a reason to be there.
    assert _errors({**GOOD, "Medication/DE270": "A12"})[0] == ("Medication/DE270", UNKNOWN_CODE)
    free = {**GOOD, "Medication/DE270": "Herbal tea"}
    del free["Medication/DE273"]  # a free-text substance is not "Medications"
    assert _errors(free) == []


def test_a_wrong_type_is_named():
    assert _errors({**GOOD, "Medication/DE294": 12}) == [("Medication/DE294", WRONG_TYPE)]
    assert _errors({**GOOD, "Medication/DE30": "01/05/2024"}) == [("Medication/DE30", WRONG_TYPE)]
    assert _errors({**GOOD, "Medication/DE294": ["A1314"]}) == [("Medication/DE294", WRONG_TYPE)]
    assert ("HERF/DE21", WRONG_TYPE) in _errors({"HERF/DE21": "A54"}, HERF, ignore_prefill=True)


def test_a_wrong_type_in_a_repeating_group_is_named():
    answers = {
        **GOOD,
        "Medication/SEC02/74078-7": [{"Medication/DE318": 5, "Medication/DE333": "A15", "Medication/DE336": "A18"}],
    }
    assert _errors(answers) == [("Medication/DE318", WRONG_TYPE)]
    assert _errors({**GOOD, "Medication/SEC02/74078-7": {"Medication/DE318": "x"}}) == [
        ("Medication/SEC02/74078-7", WRONG_TYPE)
    ]


def test_a_too_long_answer_is_named_without_echoing_it():
    errors = validate(HERF, {"HERF/DE15": "x" * 2001}, ignore_prefill=True)
    too_long = [e for e in errors if e.code == TOO_LONG]
    assert [(e.link_id, e.message) for e in too_long] == [
        ("HERF/DE15", "HERF/DE15: 2001 characters, at most 2000 allowed")
    ]


def test_an_answer_to_a_question_that_does_not_apply_is_contradictory():
    errors = validate(MEDICATION, {**GOOD, "Medication/DE279": "A1233"})
    assert [(e.link_id, e.code) for e in errors] == [("Medication/DE279", CONTRADICTORY)]
    assert "only when Medication/DE270 = A1200" in errors[0].message


def test_a_category_the_event_type_rules_out_is_contradictory():
    answers = {"HERF/DE3": "A6", "HERF/DE21": ["A48"], "HERF/DE9a": "2024-05-01", "HERF/DE9b": "10:00"}
    answers |= {"HERF/DE15": "x", "HERF/DE18": "y"}
    errors = validate(HERF, answers, ignore_prefill=True)
    assert [(e.link_id, e.code) for e in errors] == [("HERF/DE21", CONTRADICTORY)]
    assert "A48 can be chosen only when HERF/DE3 = A3" in errors[0].message


def test_a_missing_required_answer_is_named():
    answers = dict(GOOD)
    del answers["Medication/DE294"]
    assert _errors(answers) == [("Medication/DE294", REQUIRED)]


def test_system_filled_items_can_be_left_to_the_caller():
    answers = {k: v for k, v in GOOD.items() if k not in {"Medication/DE2", "Medication/DE30"}}
    assert _errors(answers) == [("Medication/DE2", REQUIRED), ("Medication/DE30", REQUIRED)]
    assert _errors(answers, ignore_prefill=True) == []


def test_an_other_answer_needs_its_text_and_text_needs_an_other_answer():
    other = {**GOOD, "Medication/DE315": "A66"}
    assert _errors(other) == [("Medication/DE315:other", REQUIRED)]
    assert _errors({**other, "Medication/DE315:other": "Labelling"}) == []
    assert _errors({**GOOD, "Medication/DE315:other": "Labelling"}) == [("Medication/DE315:other", CONTRADICTORY)]


def test_an_unknown_link_id_is_named():
    assert _errors({**GOOD, "Medication/DE999": "A15"}) == [("Medication/DE999", UNKNOWN_LINK_ID)]
    group = [{"Medication/DE318": "Heparin", "Medication/DE333": "A15", "Medication/DE336": "A15"}]
    group[0]["Medication/DE270"] = "A1197"
    assert _errors({**GOOD, "Medication/SEC02/74078-7": group}) == [("Medication/DE270", UNKNOWN_LINK_ID)]


def test_answers_from_a_form_the_skip_logic_reads_are_accepted_as_context():
    assert _errors({**GOOD, "HERF/DE3": "A3"}) == []
    group = [{"Medication/DE318": "Heparin", "Medication/DE333": "A15", "Medication/DE336": "A15"}]
    assert _errors({**GOOD, "HERF/DE3": "A6", "Medication/SEC02/74078-7": group}) == [
        ("Medication/DE336", CONTRADICTORY)
    ]


def test_a_repeated_answer_is_a_wrong_type():
    answers = {"HERF/DE21": ["A54", "A54"]}
    assert ("HERF/DE21", WRONG_TYPE) in _errors(answers, HERF, ignore_prefill=True)


def test_error_messages_do_not_echo_free_text():
    errors = validate(MEDICATION, {**GOOD, "Medication/DE294": "Jane Doe took 10 tablets"})
    assert errors
    assert all("Jane" not in e.message for e in errors)
