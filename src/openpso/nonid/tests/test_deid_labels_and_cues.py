"""Engine 1.8 (issue 14): mailing labels, towns with postal codes, speakers, unknown names opening a
sentence, initialled names, lists of first names and organisations named as such. Every example
is hand-written; none is copied from a corpus."""

from __future__ import annotations

import pytest

from openpso.nonid.deid import find


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start < start + len(value) and start < s.end for s in find(text, use_model=False))


LABEL = "> Ottilie Brandvold\n> Quennel Works\n> 4471 Brekkeveien 12\n> Apt. 9\n> SKJOLDNES\n> Norway 5522"


@pytest.mark.parametrize("value", ["Quennel Works", "SKJOLDNES", "5522"])
def test_mailing_label_lines_around_the_street_are_found(value: str) -> None:
    assert touched(LABEL, value)


def test_label_typed_in_lower_case_is_found_from_its_flat_line() -> None:
    text = "??? ines moberg\n??? 688 chemin du verger 31\n??? apt. 7\n??? vallorbette\n??? switzerland 1348"
    assert touched(text, "vallorbette")
    assert touched(text, "1348")


def test_blank_region_field_before_a_postal_code_is_part_of_the_label() -> None:
    text = "Ship to: Runa Lidvall\n    2204 Tallstigen 7 Apt. 12\n   Broddavik\n    -\n    4471"
    assert touched(text, "Broddavik")
    assert touched(text, "4471")


def test_a_street_named_in_a_sentence_does_not_take_the_lines_around_it() -> None:
    text = "Night Shift Summary\nPt found near 14 Lindenweg 3 after fall, brought in by EMS.\nPlan: CT head"
    assert not touched(text, "Night Shift Summary")
    assert not touched(text, "Plan")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The firm moved its office to Vasterholm 7213 last spring.", "Vasterholm"),
        ("Deliveries go to the depot in Brennveld 4412, near the harbour.", "Brennveld"),
        ("When: 14:00\nWhere: Kallmora Pavilion.", "Kallmora"),
        ("He lives at 22 Rue Sidi Karrem 4, Cite Oulmane", "Cite Oulmane"),
        ("She grew up in TROSA and still visits.", "TROSA"),
        ("The delegation arrived at Korvendal this morning.", "Korvendal"),
        ("we flew home and then returned to vellberg by train.", "vellberg"),
    ],
)
def test_towns_with_postal_codes_labels_and_cues_are_found(text: str, value: str) -> None:
    assert touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Rewarm to start 1520 tomorrow at 0.25C/hr.", "1520"),
        ("Transported to Linden Memorial 0821, report given.", "0821"),
        ("THE EVENT OCCURRED IN EARLY 2025. NO INJURY.", "2025"),
        ("Pt returned to PACU after the procedure.", "PACU"),
    ],
)
def test_times_years_and_units_after_place_cues_stay(text: str, value: str) -> None:
    assert not touched(text, value)


def test_speakers_of_a_dialogue_are_found_even_in_lower_case() -> None:
    assert touched('Mira: "Who called?"\nJohn: "Your aunt."', "John")
    assert touched('tamsin: "who called?"\nlevente: "your aunt."', "levente")


def test_a_form_with_headings_has_no_speakers() -> None:
    text = "Reason: fall at home\nPlan: PT eval\nFollow-up: clinic in 2 weeks"
    assert not touched(text, "Reason")
    assert not touched(text, "Follow-up")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Tuvessa spent two years abroad before the move.", "Tuvessa"),
        ("Kolvareth began painting as a child.", "Kolvareth"),
        ("Tolvaric, can you call me back today?", "Tolvaric"),
    ],
)
def test_an_unknown_name_opening_a_sentence_as_its_subject_is_found(text: str, value: str) -> None:
    assert touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Abx started this morning per ID.", "Abx"),
        ("CaCl is a vesicant; use a large vein.", "CaCl"),
        ("E-Rx was sent to the pharmacy.", "E-Rx"),
    ],
)
def test_clinical_abbreviations_opening_a_sentence_stay(text: str, value: str) -> None:
    assert not touched(text, value)


def test_a_name_with_a_middle_initial_is_found() -> None:
    assert touched("The form was signed by Brannoc K. Velliver yesterday.", "Velliver")
    assert touched("Signed: Ludvika P. Haaranen", "Haaranen")
    assert not touched("Factor V Leiden heterozygous; on warfarin.", "Leiden")
    assert not touched("Group A Strep swab negative.", "Strep")


def test_a_list_of_first_names_in_lower_case_is_found_whole() -> None:
    text = "they have four kids: ingrid, tobias, marcus and helena."
    assert all(touched(text, name) for name in ("ingrid", "tobias", "marcus", "helena"))
    assert not touched("meds: lasix, metoprolol, aspirin and heparin.", "lasix")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The address of Vornatek is 12 Ashby Lane.", "Vornatek"),
        ("The Quillmere office is on the second floor.", "Quillmere"),
        ("According to the Trelvane website, prices rose.", "Trelvane"),
        ("Ostrivo is a logistics company based in Leeds.", "Ostrivo"),
        ("Mara Lindqvist from Pellucor is the new director.", "Pellucor"),
        ("Jonas is from Brellocorp.", "Brellocorp"),
        ("We'll meet at Caffeno, 44 Harbour Street, at noon.", "Caffeno"),
        ("I used to work for NATO as a clerk.", "NATO"),
        ("He spent a year at Tervolix before college.", "Tervolix"),
    ],
)
def test_organisations_named_as_such_are_found(text: str, value: str) -> None:
    assert touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The Pharmacy office was closed overnight.", "Pharmacy"),
        ("Dr. Lee from Radiology is reviewing the film.", "Radiology"),
        ("She is from Ohio and lives alone.", "Ohio"),
    ],
)
def test_generic_departments_and_states_stay(text: str, value: str) -> None:
    assert not touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The shuttle stops at 31 Pellarino 12 St. every hour.", "Pellarino"),
        ("Her aunt lives on Korvatti 50 street.", "Korvatti"),
        ("Leave it at the corner of Brivibas 40 and Elm Court.", "Brivibas"),
    ],
)
def test_streets_numbered_before_the_word_street_and_corners_are_found(text: str, value: str) -> None:
    assert touched(text, value)


def test_the_word_street_after_the_number_is_not_taken() -> None:
    text = "Her aunt lives on Korvatti 50 street."
    start = text.index("street")
    assert not any(s.start <= start < s.end for s in find(text, use_model=False))
