"""Module answers on their way to the pool: codes kept, free text scrubbed, identifiers dropped."""

from __future__ import annotations

import json

from openpso.nonid.profiles import RELEASE
from openpso.nonid.tests.test_pipeline import pooled


def answers_of(answers, profile=None):
    row, record = pooled(answers=answers) if profile is None else pooled(profile=profile, answers=answers)
    return json.loads(row.answers), record


def test_coded_answers_stay():
    kept, _ = answers_of({"Fall/assisted": "OPSO-FALL-ASSISTED", "Fall/injury": "A15"})
    assert kept == {"Fall/assisted": "OPSO-FALL-ASSISTED", "Fall/injury": "A15"}


def test_a_code_from_another_list_is_removed():
    kept, record = answers_of({"Fall/injury": "OPSO-FALL-ASSISTED"})
    assert kept == {}
    assert record["fields"]["answers.Fall/injury"] == "removed_values_not_codes"


def test_identifying_answers_are_removed():
    kept, record = answers_of(
        {"HERF/DE46": "Wilhelmina Qassar", "HERF/DE49": "MRN 88123456", "HERF/DE47": "1931-02-03"}
    )
    assert kept == {}
    assert {record["fields"][f"answers.HERF/{de}"] for de in ("DE46", "DE49", "DE47")} == {"removed_identifying"}


def test_device_identifiers_are_removed_though_the_form_does_not_mark_them():
    kept, record = answers_of({"Device/udi": "(01)00884838000001", "Device/lot": "SN-77Q", "Device/model": "X200"})
    assert kept.keys() == {"Device/model"}
    assert record["fields"]["answers.Device/udi"] == "removed_identifying"


def test_free_text_answers_are_scrubbed_with_the_events_own_identifiers_as_context():
    kept, record = answers_of(
        {"HERF/DE46": "Wilhelmina Qassar", "SIR/summary": "wilhelmina was found by Zebedee Quortle at 14:10."}
    )
    assert "wilhelmina" not in kept["SIR/summary"].lower()
    assert "Quortle" not in kept["SIR/summary"]
    assert "at 14:10." in kept["SIR/summary"]  # a time of day is not an identifier and stays (issue 14)
    assert record["fields"]["answers.SIR/summary"] == "scrubbed"
    assert record["spans"]["answers"]["PATIENT"] == 1


def test_open_choice_text_and_other_please_specify_are_scrubbed():
    kept, _ = answers_of(
        {
            "Fall/activity": "reaching for Zebedee Quortle",
            "Fall/activity:other": "walking to Quillfeather Memorial Hospital",
        }
    )
    assert "Quortle" not in kept["Fall/activity"]
    assert "Quillfeather" not in kept["Fall/activity:other"]


def test_date_answers_keep_the_month_in_the_pool_and_the_year_in_a_release():
    kept, record = answers_of({"Medication/DE306": "2025-03-17"})
    assert kept == {"Medication/DE306": "2025-03"}
    assert record["fields"]["answers.Medication/DE306"] == "generalised_to_month"
    released, _ = answers_of({"Medication/DE306": "2025-03-17"}, profile=RELEASE)
    assert released == {"Medication/DE306": "2025"}


def test_time_answers_are_removed():
    kept, record = answers_of({"HERF/DE9b": "07:22"})
    assert kept == {}
    assert record["fields"]["answers.HERF/DE9b"] == "removed_time"


def test_an_age_answer_over_89_becomes_90():
    kept, record = answers_of({"PIF/age": 103, "Perinatal/birth_weight": 3100})
    assert kept == {"PIF/age": 90, "Perinatal/birth_weight": 3100}
    assert record["fields"]["answers.PIF/age"] == "aggregated_90_plus"


def test_answers_to_unknown_items_are_removed():
    kept, record = answers_of({"Custom/pager": "Zebedee 4471"})
    assert kept == {}
    assert record["fields"]["answers.Custom/pager"] == "removed_unknown_item"


def test_answers_of_the_wrong_type_are_removed():
    kept, record = answers_of({"PIF/age": "ninety-four", "Fall/injury": 3})
    assert kept == {}
    assert record["fields"]["answers.PIF/age"] == "removed_wrong_type"
