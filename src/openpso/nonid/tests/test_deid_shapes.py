"""Each shape recognizer: what it must catch, and clinical wording it must leave alone."""

from __future__ import annotations

import pytest

from openpso.nonid.deid import find, patterns, scrub


def covered(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start <= start and start + len(value) <= s.end for s in find(text, use_model=False))


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start < start + len(value) and start < s.end for s in find(text, use_model=False))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("fell on 7/22 in the hallway", "7/22"),
        ("seen 22-Jul and again later", "22-Jul"),
        ("admitted 07/22/19 via ED", "07/22/19"),
        ("found on the 3rd at shift change", "3rd"),
        ("started on July 22, 2019 at home", "July 22, 2019"),
        ("record date: 2019-07-22", "2019-07-22"),
        ("surgery 22 July 2019 uneventful", "22 July 2019"),
        ("seen Jul 22nd without issue", "Jul 22nd"),
        ("last seen in March by GI", "March"),
        ("discharged 3.4.2021 home", "3.4.2021"),
        ("readmitted over Thanksgiving weekend", "Thanksgiving"),
        ("DOB 02/26/1933 per chart", "02/26/1933"),
        ("follow-up 11-Feb-2024 in clinic", "11-Feb-2024"),
    ],
)
def test_dates_in_clinical_shapes_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pain 7/10 at rest", "7/10"),
        ("motor strength 5/5 throughout", "5/5"),
        ("give 1/2 tab now", "1/2"),
        ("a 2/6 SEM at the apex", "2/6"),
        ("moved to the 3rd floor", "3rd"),
        ("heparin 25000 units/250 mL", "25000"),
        ("you may give it at night", "may"),
        ("BP 120/80 HR 64", "120/80"),
        ("c/o headache 6/10, tylenol given", "6/10"),
        ("pain went from 9/10 -> 4/10 after dilaudid", "4/10"),
        ("hand grips 4/5 R, 5/5 L", "4/5"),
        ("L 3/5 prox, 2/5 distal", "L 3/5"),
        ("train of four 2/4, cisatracurium down", "2/4"),
        ("on bipap 14/8 overnight", "14/8"),
        ("twins born at 33 4/7 wks", "4/7"),
        ("suboxone 8/2 mg SL daily", "8/2"),
        ("BIMS 11/15 today", "11/15"),
    ],
)
def test_clinical_numbers_are_not_taken_for_dates(text: str, value: str) -> None:
    assert not touched(text, value)


def test_a_score_out_of_ten_is_a_date_only_with_a_date_cue() -> None:
    assert covered("follow-up visit on 3/10 with ortho", "3/10")
    assert covered("the fall occurred 3/10 at 14:05", "3/10")
    assert not touched("rates it 3/10 now", "3/10")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("CABG in 2011, stents since", "2011"),  # a year alone: Safe Harbor keeps years
        ("troponin drawn at 1930, repeat 2330", "1930"),  # and a time of day is no year
        ("shift 0700-1900 uneventful", "0700-1900"),
        ("HR 100-115 on the monitor", "100-115"),
        ("pulled NDC 0143-9875-01 from stock", "0143-9875-01"),
    ],
)
def test_years_times_ranges_and_drug_codes_stay(text: str, value: str) -> None:
    assert not touched(text, value)


def test_a_birth_year_is_a_date() -> None:
    assert covered("widow, born 1929 in Ohio", "1929")


def test_a_local_seven_digit_number_is_a_phone() -> None:
    assert {s.type for s in find("call her at home 555-0132 after six", use_model=False)} == {"PHONE"}


def test_round_numbers_that_look_like_times_stay() -> None:
    assert not touched("ordered 1000 mg of acetaminophen", "1000")
    assert not touched("the 1200 calorie diet", "1200")


@pytest.mark.parametrize(
    "text",
    ["a 93 yo man", "Patient is 91 years old.", "a 98-year-old woman", "age 102", "aged 90", "95 y/o F", "92F w/ CHF"],
)
def test_ages_over_89_are_found(text: str) -> None:
    spans = [s for s in find(text, use_model=False) if s.type == "AGE"]
    assert spans, text
    assert "90+" in scrub(text).text


@pytest.mark.parametrize(
    "text",
    [
        "Mrs. Quill, ONE HUNDRED AND TWO, declined",
        "she is Ninety-Four",
        "in her late 9Os",
        "a well-known Centenarian",
        "in his mid-100s",
    ],
)
def test_the_cheap_age_test_lets_every_written_form_through(text: str) -> None:
    # ages() skips notes the hint does not match, so the hint must hold whatever _AGES finds.
    assert any(True for _ in patterns._AGES.finditer(text)), text
    assert patterns._AGE_HINT.search(text), text
    assert patterns.ages(text)


@pytest.mark.parametrize("text", ["a 56 yo woman", "Patient is 89 years old.", "age 45", "35 y/o male"])
def test_ages_up_to_89_stay_as_safe_harbor_allows(text: str) -> None:
    assert not [s for s in find(text, use_model=False) if s.type == "AGE"]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Pt (MRN 1234567) fell", "1234567", "MRN"),
        ("MRN: 73116544 noted", "73116544", "MRN"),
        ("acct # A99-12345 billed", "A99-12345", "MRN"),
        ("Medicare # 1EG4TE5MK73 on file", "1EG4TE5MK73", "MRN"),
        ("SSN 123-45-6789 in chart", "123-45-6789", "ID"),
        ("Run #24-083232. Crew", "24-083232", "ID"),
        ("pump serial # SN4421987 removed", "SN4421987", "ID"),
        ("lot 7AB2293 recalled", "7AB2293", "ID"),
        ("card 4111 1111 1111 1111 used", "4111 1111 1111 1111", "ID"),
    ],
)
def test_record_and_other_numbers_are_found(text: str, value: str, kind: str) -> None:
    assert covered(text, value)
    start = text.index(value)
    assert any(s.type == kind for s in find(text, use_model=False) if s.start <= start < s.end)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("notified at 555-201-3344 today", "555-201-3344"),
        ("called (740) 555-0129 twice", "(740) 555-0129"),
        ("cell 814.555.0156 left msg", "814.555.0156"),
        ("Biomed ext 4191 came up", "4191"),
        ("reach +1 717 555 0150 anytime", "+1 717 555 0150"),
        ("write to j.doe@example.org please", "j.doe@example.org"),
        ("portal https://mychart.example.org/login used", "https://mychart.example.org/login"),
        ("pump at 10.0.12.7 offline", "10.0.12.7"),
    ],
)
def test_contacts_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("fell in rm 4B at night", "4B"),
        ("outside Room 505-1 with belt", "505-1"),
        ("transferred to bed 12 from ED", "12"),
        ("in Rm 133B without the check", "133B"),
    ],
)
def test_rooms_and_beds_are_found(text: str, value: str) -> None:
    assert covered(text, value)


def test_street_address_with_town_state_and_zip_is_found() -> None:
    text = "Lives at 123 Oak Street, Calder Springs, PA 17011 with wife."
    assert covered(text, "123 Oak Street, Calder Springs, PA 17011")


def test_weeks_with_a_doctor_is_not_an_address() -> None:
    assert not [s for s in find("RTC 6 weeks with Dr. Kovalenko.", use_model=False) if s.type == "ADDRESS"]


def test_fda_b6_redactions_stay_untouched() -> None:
    text = "ON (B)(6) 2021, THE PATIENT (B)(6) MALE WAS SEEN BY DR. (B)(6) AT (b)(6) HOSPITAL."
    result = scrub(text)
    assert result.text.count("(B)(6)") == 3
    assert result.text.count("(b)(6)") == 1
    for marker_start in [i for i in range(len(text)) if text.startswith(("(B)(6)", "(b)(6)"), i)]:
        assert not any(s.start < marker_start + 6 and marker_start < s.end for s in result.spans)


def test_every_shape_recognizer_returns_spans_inside_the_text() -> None:
    text = "On 7/22 at 0304 pt 93 yo, MRN 1234567, rm 4B, 555-201-3344, 12 Oak St, x@y.org"
    for recognizer in patterns.SHAPES:
        for span in recognizer(text):
            assert 0 <= span.start < span.end <= len(text), (recognizer.__name__, span)


def test_a_number_with_a_bracketed_area_code_is_a_phone() -> None:
    assert {s.type for s in find("reach her on (47) 3312-0958 in the evening", use_model=False)} == {"PHONE"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("flu swabs sent for rms 312, 315 and 318", "315"),
        ("pt in 6S-221 got the wrong bag", "6S-221"),
        ("moved from 512B to 514A at family request", "514A"),
        ("dialysis chair 9 this shift", "9"),
        ("baby in isolette #4 on CPAP", "4"),
    ],
)
def test_rooms_beds_and_chairs_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    ["POD 2 s/p lap chole", "rm 215, 84 yo male", "OOB TO CHAIR W/ ASSIST", "oxycodone 5 mg #60 no refills"],
)
def test_post_op_days_ages_and_quantities_are_not_rooms_or_ids(text: str) -> None:
    assert not [s for s in find(text, use_model=False) if s.type in ("ROOM", "ID")] or text.startswith("rm 215")
    if text.startswith("rm 215"):
        assert {text[s.start : s.end] for s in find(text, use_model=False)} == {"215"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("her car (plate 4KLM 218) was towed", "4KLM 218"),
        ("VEHICLE PLATE RTX 5531 TOWED", "RTX 5531"),
        ("interpreter (badge on file, ID 30917) present", "30917"),
        ("Sgt. Pruitt #5120 on scene", "5120"),
    ],
)
def test_plates_badges_and_bare_ids_are_found(text: str, value: str) -> None:
    assert covered(text, value)
