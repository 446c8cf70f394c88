"""Issue 14's policy: what stays (times, weekdays, durations, unit names, ages up to 89, clinical
numbers), ages over 89 in every written form become "90+", and dates default to placeholders
with no kept year that could reveal an age over 89. Every example here is written for this test.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from openpso.nonid.deid import DEFAULT_POLICY, Policy, Span, find, placeholder, redact, scrub


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start < start + len(value) and start < s.end for s in find(text, use_model=False))


def age_spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find(text, use_model=False) if s.type == "AGE"]


# ---------------------------------------------------------------- what stays


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Found sitting on the floor at 0300 by the aide.", "0300"),
        ("Glucose rechecked 14:20, insulin held.", "14:20"),
        ("Family called back around 3 pm.", "3 pm"),
        ("Last vitals 2330 hrs, all stable.", "2330 hrs"),
        ("Alarm silenced at 10:37 AM and not reset.", "10:37 AM"),
        ("Pump restarted @0415 after the occlusion.", "0415"),
        ("Rounds at 7:15a, resident present.", "7:15a"),
    ],
)
def test_times_of_day_are_not_identifiers_and_stay(text: str, value: str) -> None:
    assert not touched(text, value)
    assert value in scrub(text).text


@pytest.mark.parametrize("day", ["Monday", "tuesday", "WEDNESDAY", "Thursday", "Friday", "Saturday", "Sunday"])
def test_days_of_the_week_are_not_identifiers_and_stay(day: str) -> None:
    text = f"The near miss was on the {day} night shift."
    assert not touched(text, day)
    assert day in scrub(text).text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Heparin drip held x3 days for the bleed.", "x3 days"),
        ("Restraints on for 2 hours without a check.", "2 hours"),
        ("NPO for 36 hrs before the procedure.", "36 hrs"),
        ("Seizure lasted 45 seconds.", "45 seconds"),
        ("On the vent for 10 days, extubated.", "10 days"),
    ],
)
def test_durations_are_not_identifiers_and_stay(text: str, value: str) -> None:
    assert not touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Moved from the ED to the ICU overnight.", "ICU"),
        ("Moved from the ED to the ICU overnight.", "ED"),
        ("Transferred to 4 West for telemetry.", "4 West"),
        ("Boarded in PACU, then 5 North.", "5 North"),
        ("Boarded in PACU, then 5 North.", "PACU"),
        ("Sent to the MICU from L&D.", "MICU"),
    ],
)
def test_generic_unit_names_are_not_identifiers_and_stay(text: str, value: str) -> None:
    assert not touched(text, value)


def test_a_time_next_to_a_date_leaves_the_date_found() -> None:
    text = "Fell on 3/14 at 0300, weekend staffing."
    assert touched(text, "3/14")
    assert not touched(text, "0300")


# ---------------------------------------------------------------- ages over 89


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A 91 y/o woman slipped in the shower.", "91"),
        ("91 yo M, found down.", "91"),
        ("93 YOM with a hip fracture.", "93"),
        ("Pt is a 97yo with dementia.", "97"),
        ("She is a 93-year-old retired teacher.", "93"),
        ("a 95 year-old resident", "95"),
        ("a 99 yr old man", "99"),
        ("The 102 yrs old resident fell.", "102"),
        ("He is 96 years of age.", "96"),
        ("Age: 100, lives with son.", "100"),
    ],
)
def test_ages_over_89_in_digits_become_90_plus(text: str, age: str) -> None:
    assert age_spans(text) == [age]
    assert "90+" in scrub(text).text
    assert age not in scrub(text).text.replace("90+", "")


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A ninety-two year old man fell at home.", "ninety-two"),
        ("Ninety Four y/o female, alert.", "Ninety Four"),
        ("NINETY-SIX YR OLD, WALKER AT BEDSIDE", "NINETY-SIX"),
        ("A ninety year old woman, confused.", "ninety"),
        ("He is one hundred and one years old.", "one hundred and one"),
        ("a one hundred year old resident", "one hundred"),
        ("Aged ninety-eight, widowed.", "ninety-eight"),
    ],
)
def test_ages_over_89_written_out_become_90_plus(text: str, age: str) -> None:
    assert age_spans(text) == [age]
    assert "90+" in scrub(text).text


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Patient, 104, fell reaching for the phone.", "104"),
        ("The resident, 93, was found on the floor.", "93"),
        ("Mrs. K, 97, refused her evening meds.", "97"),
        ("Our patient (98) became agitated.", "98"),
        ("She is 91.", "91"),
        ("He turned 100 last week.", "100"),
        ("Mr. T turned 103 in the spring.", "103"),
        ("His sister (also 94) visits daily.", "94"),
        ("Res 96, pleasant, ambulates with walker.", "96"),
        ("The patient was 95 and lived alone.", "95"),
        ("seen in clinic: mr ostrowski, 93. no complaints", "93"),
        ("Asked her age - yes, 92 and proud of it.", "92"),
        ("still sharp, 91 as of last month", "91"),
    ],
)
def test_ages_over_89_standing_alone_become_90_plus(text: str, age: str) -> None:
    assert age_spans(text) == [age]
    assert "90+" in scrub(text).text


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A woman in her 90s, independent at baseline.", "90s"),
        ("A man in his late nineties with CHF.", "nineties"),
        ("In her mid-90s and still driving.", "90s"),
        ("Celebrated her 94th birthday on the unit.", "94th"),
        ("A nonagenarian with a hip fracture.", "nonagenarian"),
    ],
)
def test_decades_and_birthdays_over_89_become_90_plus(text: str, age: str) -> None:
    assert age_spans(text) == [age]


@pytest.mark.parametrize(
    "text",
    [
        "A 89 yo woman fell.",
        "An eighty-nine year old man.",
        "Patient, 72, fell reaching for the phone.",
        "A woman in her 80s.",
        "She is 45.",
        "Gave 100 mg of the wrong drug.",
        "BP 104/60, HR 92, RR 18.",
        "Sats 94% on RA, HR in the 90s.",
        "Sats in the high 90s overnight.",
        "Moved to room 104 from the hall.",
        "Sats on 2L, 94% and stable.",
        "Glucose 118, 96 after lunch.",
        "Weight 95 kg, temp 99.1.",
        "GCS 15, glucose 110, INR 1.1.",
        "He was 92 on room air.",
        "Turned 90 degrees to the left side q2h.",
        "HR 96, BP 130/70, RR 20.",
        "Res 88, pleasant, ambulates with walker.",
        "Drinking since the late 90s.",
        "Fell 91 times? No: fell twice in 91 days.",
        "Ninety minutes later the pump alarmed.",
        "A hundred mL bolus was given.",
    ],
)
def test_ages_up_to_89_and_clinical_numbers_stay(text: str) -> None:
    assert age_spans(text) == []


# ---------------------------------------------------------------- dates and kept years


def test_dates_default_to_placeholders() -> None:
    assert DEFAULT_POLICY.dates == "placeholder"
    assert scrub("Admitted 07/22/2019, seen 7/23.").text == "Admitted [DATE], seen [DATE]."


def test_the_kept_year_is_only_an_explicit_choice() -> None:
    year = Policy(dates="year")
    assert scrub("Admitted 07/22/2019, seen 7/23.", policy=year).text == "Admitted [DATE 2019], seen [DATE]."


@pytest.mark.parametrize(
    "text",
    [
        "DOB 03/14/1990, allergies none.",
        "Date of birth: 1990-03-14.",
        "born 14-Mar-1990 in another state",
        "D.O.B. March 14, 1990",
        "b. 3/14/90, lives alone",
        "Birthdate 03/14/1990",
    ],
)
def test_a_date_of_birth_never_keeps_its_year(text: str) -> None:
    scrubbed = scrub(text, policy=Policy(dates="year")).text
    assert "1990" not in scrubbed, scrubbed
    assert "[DATE]" in scrubbed, scrubbed


def test_a_year_that_shows_an_age_over_89_is_never_kept() -> None:
    old = dt.datetime.now(dt.UTC).year - 91
    text = f"Hip replaced 06/02/{old}, again 06/02/2015."
    scrubbed = scrub(text, policy=Policy(dates="year")).text
    assert scrubbed == "Hip replaced [DATE], again [DATE 2015]."


def test_placeholder_and_redact_default_to_no_year() -> None:
    assert placeholder("07/22/2019", "DATE") == "[DATE]"
    assert redact("on 07/22/2019", [Span(3, 13, "DATE")]) == "on [DATE]"


def _cli(*args: str, text: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "openpso.cli", "deid", *args],
        input=text.encode(),
        capture_output=True,
        timeout=120,
        check=True,
    )
    return done.stdout.decode()


def test_the_cli_defaults_to_placeholders_and_keeps_years_only_when_asked() -> None:
    text = "Admitted 07/22/2019 at 0300; DOB 03/14/1990.\n"
    assert _cli(text=text) == "Admitted [DATE] at 0300; DOB [DATE].\n"
    assert _cli("--dates", "year", text=text) == "Admitted [DATE 2019] at 0300; DOB [DATE].\n"
