"""Recognizers added for issue 14 items 1-3 (recall on clinical-notes-dev and presidio-synth).

Every example is written here by hand, not copied from a corpus; each recognizer has a case it
must find and a look-alike it must leave.
"""

from __future__ import annotations

import pytest

from openpso.nonid.deid import find


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.type) for s in find(text, use_model=False)]


def covered(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start <= start and start + len(value) <= s.end for s in find(text, use_model=False))


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    end = start + len(value)
    return any(s.start < end and start < s.end for s in find(text, use_model=False))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hx of gout (first flare Oct '98), stable since.", "Oct '98"),
        ("Td booster Sept ’04 per wallet card.", "Sept ’04"),
        ("fell at home on xmas eve, found next morning", "xmas eve"),
        ("last drink was new year's day per wife", "new year's day"),
        ("BBQ burn on July 4th, healed", "July 4th"),
    ],
)
def test_month_with_two_digit_year_and_holidays_in_any_case_are_dates(text: str, value: str) -> None:
    assert covered(text, value)


def test_may_as_a_verb_stays() -> None:
    assert spans("Pt may take 2 tabs PRN; family may visit after 1400.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Plan discussed with the daughter; nadia can be reached at nadia.petrova@example.org.", "nadia can"),
        ("CALL OTIEN0 IF CONCERNS. OSWIN AWARE, oswin_kell@example.net", "OSWIN AWARE"),
    ],
)
def test_a_name_spelled_by_an_email_address_is_found_where_else_it_is_used(text: str, value: str) -> None:
    assert touched(text, value)


def test_mailboxes_and_abbreviations_are_not_taken_from_email_addresses() -> None:
    text = "Send to refills@clinic.example or unit.mgr@clinic.example; billing office closed. Left AMA, ama.osei@x.org"
    found = {value for value, _ in spans(text) if "@" not in value}
    assert found == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "ATTENDING: GORDON PELLINGHAM-WASS, M.D.   SERVICE: MEDICINE. NO ACUTE EVENTS OVERNIGHT.",
            "GORDON PELLINGHAM-WASS",
        ),
        ("Consult note by Lena Okafor-Banks, Pharm.D. this morning.", "Lena Okafor-Banks"),
    ],
)
def test_a_name_before_a_dotted_credential_is_staff(text: str, value: str) -> None:
    assert covered(text, value)


def test_a_first_name_and_surname_after_pt_in_capitals_are_the_patient() -> None:
    text = "PT TO ED VIA STRETCHER. PT NATHANIEL MORROW. WIFE AWARE. NO INJURY NOTED AT SCENE."
    assert ("NATHANIEL MORROW", "PATIENT") in spans(text)


def test_pt_then_a_verb_or_common_words_in_capitals_stays() -> None:
    assert spans("PT DENIES PAIN. PT STATES HE FELL. PT JUSTIN CASE WAS NOT SEEN.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Family (otto and lise) at bedside overnight.", "otto"),
        ("Family (otto and lise) at bedside overnight.", "lise"),
        ("Visitors (Marisol, Dev & Ansel) updated by MD.", "Ansel"),
    ],
)
def test_first_names_listed_in_brackets_after_family_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_relations_and_counts_in_brackets_after_family_stay() -> None:
    assert spans("Family (daughter and son) aware. Visitors (2 adults) left. family (none present)") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("TX PRIORITY 1 TO KESTON RIDGE MC (KRMC), REPORT GIVEN TO CHARGE RN.", "KESTON RIDGE MC"),
        ("Records from Mercy Lakes Hospital (MLH) requested.", "Mercy Lakes Hospital"),
    ],
)
def test_the_name_a_facility_acronym_spells_is_found(text: str, value: str) -> None:
    assert touched(text, value)


def test_a_clinical_acronym_in_brackets_does_not_mark_its_words() -> None:
    assert spans("Hx Chronic Obstructive Pulmonary Disease (COPD), on home O2.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hospice (Quiet Harbor) notified at 0200.", "Quiet Harbor"),
        ("Anticoag clinic (Pine Hollow anticoag, 555-0100) will call.", "Pine Hollow"),
        ("Rescue 4 and Lisbonville SAR on scene.", "Lisbonville"),
        ("says she has been to pvmc twice this month", "pvmc"),
    ],
)
def test_providers_named_in_brackets_rescue_teams_and_lower_case_hospital_acronyms_are_found(
    text: str, value: str
) -> None:
    assert touched(text, value)


def test_generic_names_in_brackets_stay() -> None:
    assert spans("Pharmacy (Inpatient) called. Clinic (ICU) aware.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Brother lives in Nagoya and calls daily.", "Nagoya"),
        ("He lives with his niece Marta in Hudson and she drives.", "Hudson"),
        ("SON IS HCP, DRIVING IN FROM SPRINGFIELD TONIGHT. CELL ON FILE. NO DISTRESS.", "SPRINGFIELD"),
    ],
)
def test_towns_after_living_and_travel_cues_are_found(text: str, value: str) -> None:
    assert touched(text, value)


def test_a_state_or_an_ordinary_word_after_lives_in_stays() -> None:
    text = "She lives in Oregon now. He lives in Fear of falling. Lives in Assisted Living."
    assert not touched(text, "Oregon")
    assert not touched(text, "Fear")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Reach me on +44 (0)20 7946 0958 after six.", "+44 (0)20 7946 0958"),
        ("please call me at 0612 44 87 10", "0612 44 87 10"),
        ("Mobile: 612 44 871", "612 44 871"),
        ("0612 448 710 office", "0612 448 710"),
    ],
)
def test_phone_numbers_in_other_groupings_are_found_with_a_cue_or_a_plus(text: str, value: str) -> None:
    assert covered(text, value)


def test_numbers_after_other_labels_are_not_phones() -> None:
    text = "PART NUMBER: 471005-12 / LOT 22. call me at 0300. Pain 4/10, given 2 x 500 mg. +2 pitting edema."
    assert not [value for value, kind in spans(text) if kind == "PHONE"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my zip code is 0216", "0216"),
        ("Postcode: 7412 SL", "7412 SL"),
        ("postal code K1A 0B1", "K1A 0B1"),
    ],
)
def test_postal_codes_of_any_country_after_a_label_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_a_building_number_before_a_street_address_belongs_to_it() -> None:
    assert covered("Lives at 0417 12 Harlow Street, Dover", "0417 12 Harlow Street")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hi, my name is tomas ek and I need help", "tomas ek"),
        ("Hello, this is Orla from the front desk", "Orla"),
    ],
)
def test_a_name_someone_gives_is_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_words_after_name_cues_that_are_no_names_stay() -> None:
    assert spans("This is the charge nurse. My name is not important. call me back. THIS ISSUE RECURS.") == []
