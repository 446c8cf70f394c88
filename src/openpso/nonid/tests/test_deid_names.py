"""People and places: titles, roles, relatives, Census names, context, gazetteers."""

from __future__ import annotations

import pytest

from openpso.nonid.deid import ScrubContext, find, scrub


def kinds_at(text: str, value: str, *, use_model: bool = False) -> set[str]:
    start = text.index(value)
    end = start + len(value)
    return {s.type for s in find(text, use_model=use_model) if s.start < end and start < s.end}


def covered(text: str, value: str, *, use_model: bool = False) -> bool:
    start = text.index(value)
    return any(s.start <= start and start + len(value) <= s.end for s in find(text, use_model=use_model))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dr. Alvarez notified at once.", "Alvarez"),
        ("Dr Okonkwo-Baptiste examined her.", "Okonkwo-Baptiste"),
        ("Seen by Dr. J. Whitcombe overnight.", "J. Whitcombe"),
        ("Found by Adrian Yablonski, RN at 0800.", "Adrian Yablonski"),
        ("Rupert Wadsworth, NP ordered removal.", "Rupert Wadsworth"),
        ("Administering nurse Nadia Calloway did not scan.", "Nadia Calloway"),
        ("Pharmacist Leopold Rzepka identified it.", "Leopold Rzepka"),
        ("Paramedic Tobias Grenville drove.", "Tobias Grenville"),
    ],
)
def test_staff_names_after_titles_and_roles_are_found(text: str, value: str) -> None:
    assert covered(text, value)
    assert "STAFF" in kinds_at(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Family (Ernesto Lindqvist, brother) updated.", "Ernesto Lindqvist"),
        ("Her son, Alfonso Nowakowski, notified.", "Alfonso Nowakowski"),
        ("Discussed with his wife Margarethe.", "Margarethe"),
    ],
)
def test_relatives_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Lorraine Dvorak, 56 y.o. female, was given the wrong dose.", "Lorraine Dvorak"),
        ("While ambulating Matthias Hultgren in the hallway he fell.", "Matthias Hultgren"),
        ("Mr. Quarles is a 73 yo man with CAD.", "Quarles"),
        ("Pt Kowalczyk was found on the floor.", "Kowalczyk"),
        ("Name: Smith, Jennifer", "Smith, Jennifer"),
    ],
)
def test_patient_names_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_a_name_found_once_is_found_everywhere_in_the_note() -> None:
    text = "Dr. Engebretson was paged. Engebretson arrived at 0900 and Engebretson wrote orders."
    result = scrub(text)
    assert "Engebretson" not in result.text


@pytest.mark.parametrize(
    "text",
    [
        "Foley catheter removed; Hoyer lift used; Morse fall score 45.",
        "Braden score 12, Glasgow coma scale 15.",
        "Given Lasix 40 mg and Coumadin 5 mg.",
        "Will obtain echo tomorrow.",
        "Grace period for the order lapsed.",
        "Pyxis discrepancy reported to Pharmacy.",
        "Candida albicans grew in the urine culture.",
    ],
)
def test_eponyms_drugs_and_ordinary_words_are_not_people(text: str) -> None:
    assert not [s for s in find(text) if s.type in ("PERSON", "PATIENT", "STAFF")], text


def test_context_names_are_always_caught_in_any_case() -> None:
    context = ScrubContext.of(patient_names=["Maria Lopez"], staff_names=["Will Brown"], identifiers=["A-77"])
    text = "maria said will brown gave the dose; LOPEZ record A-77."
    result = scrub(text, context=context)
    for value in ("maria", "will brown", "LOPEZ", "A-77"):
        start = text.index(value)
        assert any(s.start <= start and start + len(value) <= s.end for s in result.spans), value


def test_context_facility_names_are_caught() -> None:
    context = ScrubContext.of(facility_names=["Keystone Valley Medical Center"])
    text = "Transferred from keystone valley medical center by EMS."
    assert covered_with(text, "keystone valley medical center", context)


def covered_with(text: str, value: str, context: ScrubContext) -> bool:
    start = text.index(value)
    return any(s.start <= start and start + len(value) <= s.end for s in find(text, context=context))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Transported to Millrace University Hospital for care.", "Millrace University Hospital"),
        ("Follows at Brookline Family Practice monthly.", "Brookline Family Practice"),
        ("Transferred from St. Agatha's Medical Center today.", "St. Agatha's"),
        ("CARDIOLOGY\nMERCY HOSPITAL\n\nReason for visit", "MERCY HOSPITAL"),
    ],
)
def test_facility_names_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    "text", ["Brought to the Emergency Department.", "Called the Inpatient Pharmacy.", "the receiving hospital agreed"]
)
def test_generic_departments_are_not_facility_names(text: str) -> None:
    assert not [s for s in find(text) if s.type == "FACILITY"], text


def test_cities_are_found_with_a_place_cue() -> None:
    text = "She lives with her daughter in Waltham and visits Harrisburg, PA often."
    assert covered(text, "Waltham")
    assert covered(text, "Harrisburg")


def test_physician_suffix_md_is_not_maryland() -> None:
    text = "Olivia T. Pemberton, MD"
    assert kinds_at(text, "Pemberton") == {"STAFF"}


def test_the_model_adds_names_the_lists_do_not_know() -> None:
    text = "The family friend Szabolcs Ferencváros stayed with the patient overnight."
    assert covered(text, "Ferencváros", use_model=True)


def test_all_capital_device_reports_keep_their_clinical_words() -> None:
    text = (
        "IT WAS REPORTED THAT DURING A DA VINCI ASSISTED PROCEDURE THE PATIENT EXPERIENCED BLEEDING FROM THE "
        "PULMONARY ARTERY (PA). THE SURGEON REPORTED THEY DO NOT THINK THE STAPLER OR TROCAR WAS AT FAULT."
    )
    assert not [s for s in find(text) if s.type in ("PERSON", "PATIENT", "STAFF", "FACILITY")]


def test_all_capital_names_after_titles_are_found() -> None:
    text = "THE PATIENT WAS SEEN BY DR. KOVALENKO AND NURSE PEMBERTON ON THE WARD. NO FURTHER DETAILS WERE GIVEN."
    assert covered(text, "KOVALENKO")
    assert covered(text, "PEMBERTON")


def test_notes_typed_without_capitals_still_lose_names_after_titles_and_relatives() -> None:
    text = "pt is a 91 yo f seen by dr patel on 3/4. called daughter maria at 555-123-4567. family aware."
    scrubbed = scrub(text).text
    for identifier in ("patel", "maria", "3/4", "555-123-4567", "91"):
        assert identifier not in scrubbed, scrubbed
    assert "seen by dr [STAFF] on [DATE]" in scrubbed
    assert "family aware" in scrubbed


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Anatoly Dettweiler (37yo male) was found on the floor.", "Anatoly Dettweiler"),
        ("Philippa Babcock, 76 yo female, fell in the shower.", "Philippa Babcock"),
        ("Found on Umberto Claymore (MRN 1234567) at rounds.", "Umberto Claymore"),
        ("Checked by Gareth Pryce and Niall Tymoshenko at 0800.", "Niall Tymoshenko"),
        ("Checked by Gareth Pryce and Niall Tymoshenko at 0800.", "Gareth Pryce"),
    ],
)
def test_names_outside_the_census_lists_are_found_by_their_shape_and_context(text: str, value: str) -> None:
    assert covered(text, value)


def test_brands_and_departments_in_capitals_are_not_taken_for_rare_names() -> None:
    text = "Given Lasix, 40 mg. Bair Hugger applied. Seen in Med-Surg by Infection Prevention."
    assert not [s for s in find(text) if s.type in ("PERSON", "PATIENT", "STAFF")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("called dtr yolanda, she will come at noon", "yolanda"),
        ("husband desmond at bedside overnight", "desmond"),
        ("neighbor faith checks on her daily", "faith"),
        ("Wife Hope stayed until 2100.", "Hope"),
        ("Son Mark is the health care proxy.", "Mark"),
        ("PT ANXIOUS. DTR OPAL AT BEDSIDE, UPDATED.", "OPAL"),
    ],
)
def test_relatives_first_names_in_any_case_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("wound reviewed by dr. pellegrino this am", "pellegrino"),
        ("paged dr kowalczyk re: k 3.1", "kowalczyk"),
        ("hand-off given to rn marisela at 1900", "marisela"),
        ("pt dashawn ostrowski seen for refill", "dashawn ostrowski"),
    ],
)
def test_lower_case_names_after_titles_roles_and_patient_cues_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        "son will call back tonight",
        "dtr may visit after work",
        "dr aware, no new orders",
        "rn notified charge, pt resting",
        "son per his request wants updates",
        "FH: father MI at 61, mother CVA",
        "temp rose to 38.9 overnight",
    ],
)
def test_words_after_cues_that_are_not_names_stay(text: str) -> None:
    assert not [s for s in find(text, use_model=False) if s.type in ("PERSON", "PATIENT", "STAFF")]


@pytest.mark.parametrize(
    ("text", "value", "kept"),
    [
        ("Res Ottoline Brackwater ate well.", "Ottoline Brackwater", "Res"),
        ("Dtr Perpetua brought lunch.", "Perpetua", "Dtr"),
        ("Report given to RPh Idris Vanterpool.", "Idris Vanterpool", "RPh"),
        ("Ofc Szczepanski took the statement.", "Szczepanski", "Ofc"),
    ],
)
def test_cue_words_stay_outside_the_name(text: str, value: str, kept: str) -> None:
    assert covered(text, value)
    start = text.index(kept)
    assert not any(s.start <= start < s.end for s in find(text, use_model=True))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("turned and repositioned q2h.\n- jw", "jw"),
        ("no further falls tonight.\n- tb lpn", "tb"),
        ("Tolerating diet well. -K. Lindqvist, RD, LD", "K. Lindqvist"),
        ("FAMILY UPDATED BY PHONE.\nM. OYELARAN RN", "M. OYELARAN"),
    ],
)
def test_signatures_at_the_end_of_a_line_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_a_signature_dash_before_a_word_is_not_a_name() -> None:
    assert not find("Plan: cont abx.\n- ok per ID", use_model=False)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Transferred to Kettering Valley Medical Center (KVMC) overnight; KVMC cath lab aware.", "KVMC"),
        ("report called to QRMC triage at 1410", "QRMC"),
        ("old films requested from DLMH, pt followed there", "DLMH"),
        ("TRANSFERRED FROM ST BONIFACES ER AT 0900", "ST BONIFACES"),
    ],
)
def test_hospital_acronyms_and_saints_in_capitals_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        "PMH: HTN, DM2. FMH noncontributory.",
        "CMC joint arthritis, thumb splint",
        "contacted OLMC for orders",
        "THE IMPEDANCE WAS TOO HIGH AND THE COUGH PERSISTED.",
        "12 LEAD: ST ELEV II III AVF, ST CHANGES RESOLVED",
    ],
)
def test_clinical_abbreviations_of_the_same_shape_stay(text: str) -> None:
    assert not [s for s in find(text, use_model=False) if s.type in ("FACILITY", "ADDRESS")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("works at Quillfeather Bakery on weekends", "Quillfeather Bakery"),
        ("staying at the Gullhaven Inn across the street", "Gullhaven Inn"),
        ("brought in by Tarrow Falls PD after the crash", "Tarrow Falls PD"),
        ("home services: Brightmoor VNA for dressing changes", "Brightmoor VNA"),
        ("accepted at Larkspur LTACH for vent weaning", "Larkspur LTACH"),
        ("his kids attend Pinecrest Elementary", "Pinecrest Elementary"),
    ],
)
def test_businesses_schools_and_agencies_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize("text", ["Transport arrived at 1400.", "Cardiology consulted for AF.", "Pharmacy called."])
def test_a_department_word_opening_a_sentence_is_no_business(text: str) -> None:
    assert not [s for s in find(text, use_model=False) if s.type == "FACILITY"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("unrestrained driver, rollover on Rte 9 eastbound", "Rte 9"),
        ("MVC ON RT 21 WB NEAR MM 40, AIRBAGS DEPLOYED", "RT 21 WB NEAR MM 40"),
        ("hiker found off State Rd 12 at dusk", "State Rd 12"),
        ("found down on Wexley Rd near the bus stop", "Wexley Rd"),
    ],
)
def test_roads_and_streets_without_numbers_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("went home to sturbridge after visiting", "sturbridge"),
        ("pt lives alone in chicopee, no services", "chicopee"),
        ("SON ON HIS WAY, LIVES IN WORCESTER.", "WORCESTER"),
    ],
)
def test_towns_in_lower_case_and_capitals_after_a_cue_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('Pt (goes by "DJ") asks for more blankets.', "DJ"),
        ('known around the shelter as "Boo-Boo", pt was calm', "Boo-Boo"),
        ('CONFUSED, CALLING FOR "MARGIT" ALL NIGHT', "MARGIT"),
        ("res Otis Pruett (goes by Skip) refused lunch", "Skip"),
    ],
)
def test_nicknames_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_a_name_no_list_knows_after_a_relative_is_found() -> None:
    assert covered("called son oluwaseun at 1400", "oluwaseun")


def test_a_possessive_stays_outside_the_name_and_a_second_mention_with_one_is_found() -> None:
    text = "res ottilie brandauer fell. ottilie's son notified."
    second = text.index("ottilie's")
    spans = find(text, use_model=False)
    assert any(s.start == second and s.end == second + len("ottilie") for s in spans)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ate a dumpling at the Jade Pavilion restaurant", "Jade Pavilion"),
        ("records requested from Quarrytown Memorial", "Quarrytown Memorial"),
        ("admitted to Fennimore General overnight", "Fennimore General"),
        ("works at Dace Bros. Roofing and Hardware", "Dace Bros. Roofing and Hardware"),
    ],
)
def test_more_places_by_their_head_word_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_a_common_word_name_vouched_for_by_a_relative_is_found_again_as_written() -> None:
    text = "Son Mark visited at noon. Plan reviewed with Mark and his wife. Will mark the chart."
    second = text.index("Mark and")
    spans = find(text, use_model=False)
    assert any(s.start <= second < s.end for s in spans)
    assert not any(s.start <= text.index("mark the") < s.end for s in spans)


def test_a_place_named_once_in_full_is_found_again_by_its_own_word() -> None:
    text = "Goes to Quillmere Dialysis on MWF. Social worker from Quillmere will call."
    second = text.index("Quillmere will")
    assert any(s.start == second and s.type == "FACILITY" for s in find(text, use_model=False))


def test_words_of_a_place_in_capitals_are_not_looked_for_again() -> None:
    text = "TAKEN TO THE CATHETERIZATION LAB AT KESTREL HOSPITAL. CATHETERIZATION WAS NORMAL."
    assert not [s for s in find(text, use_model=False) if s.source == "same-place"]
