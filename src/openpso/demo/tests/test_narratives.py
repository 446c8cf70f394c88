import datetime as dt
import random
import re
from collections import Counter

import pytest

from openpso.commonformats.definitions import herf_core
from openpso.demo import mix, names, scenario
from openpso.demo.narratives import (
    ALL_SCENARIOS,
    MAX_LENGTH,
    SPAN_TYPES,
    Facts,
    scenarios_for,
    uses_patient,
    write_narrative,
)
from openpso.demo.network import PROVIDERS
from openpso.organizations.models import ProviderType

HERF = herf_core()
FACILITIES = ("Harrow Valley Medical Center", "Cedar Gap Regional Medical Center")


def facts_for(rng, sc, event_type, setting):
    no_patient = event_type == scenario.UC
    return Facts(
        when=dt.datetime(2025, rng.randint(1, 12), rng.randint(1, 28), rng.randrange(24), rng.randrange(60)),
        setting=setting,
        unit="4 West Med-Surg",
        unit_type=rng.choice(("med_surg", "ed")),
        age=None if no_patient else rng.choice((4, 37, 66, 88, 91, 97, 102)),
        sex=rng.choice(("M", "F", "UNK")),
        harm=rng.choice(list(mix.HARM_MIX)) if event_type == scenario.INC else "",
        state=rng.choice(("PA", "OH", "WV")),
        facilities=FACILITIES,
    )


def sample_narratives(count=1500, seed=7):
    rng = random.Random(seed)
    for n in range(count):
        sc = ALL_SCENARIOS[n % len(ALL_SCENARIOS)]
        event_type = rng.choice(sc.event_types)
        setting = rng.choice(sc.settings)
        facts = facts_for(rng, sc, event_type, setting)
        yield sc, facts, write_narrative(rng, scenario=sc, facts=facts)


SAMPLES = list(sample_narratives())


def test_there_are_at_least_25_scenarios_spread_over_every_category():
    assert len(ALL_SCENARIOS) >= 25
    assert len({sc.key for sc in ALL_SCENARIOS}) == len(ALL_SCENARIOS)
    assert {sc.category for sc in ALL_SCENARIOS} == HERF["DE21"].codes
    settings = Counter(s for sc in ALL_SCENARIOS for s in sc.settings)
    assert settings[scenario.EMS] >= 8
    assert sum(1 for sc in ALL_SCENARIOS if scenario.UC in sc.event_types) >= 6


def test_scenario_settings_are_provider_types():
    used = {s for sc in ALL_SCENARIOS for s in sc.settings}
    assert used <= set(ProviderType.values)


def test_every_scenario_respects_the_de21_near_miss_and_unsafe_condition_flags():
    for sc in ALL_SCENARIOS:
        for event_type in sc.event_types:
            assert mix.allowed(sc.category, event_type), (sc.key, event_type)


def test_every_combination_the_generator_can_draw_has_a_scenario():
    for spec in PROVIDERS:
        for category in mix.category_mix(spec):
            for event_type in mix.event_type_mix(category, spec.provider_type):
                found = scenarios_for(setting=spec.provider_type, category=category, event_type=event_type)
                assert found, (spec.provider_type, category, event_type)


def test_unsafe_condition_scenarios_name_no_patient_and_others_do():
    for sc in ALL_SCENARIOS:
        if sc.event_types == (scenario.UC,):
            assert not uses_patient(sc), sc.key
        else:
            assert scenario.UC not in sc.event_types, sc.key
            assert uses_patient(sc), sc.key


def test_other_category_scenarios_say_what_other_means():
    for sc in ALL_SCENARIOS:
        assert bool(sc.other) == (sc.category == "A66"), sc.key


def test_every_span_covers_exactly_its_planted_value():
    for sc, _, narrative in SAMPLES:
        assert len(narrative.spans) == len(narrative.values)
        for span, value in zip(narrative.spans, narrative.values, strict=True):
            assert 0 <= span.start < span.end <= len(narrative.text), sc.key
            assert narrative.text[span.start : span.end] == value, (sc.key, span, value)
            assert span.type in SPAN_TYPES
            assert value == value.strip()


def test_spans_are_ordered_and_never_overlap():
    for _, _, narrative in SAMPLES:
        for before, after in zip(narrative.spans, narrative.spans[1:], strict=False):
            assert before.end <= after.start


def test_every_mention_of_a_planted_name_or_number_is_labelled():
    # Gold labels must be complete: a planted surname or phone number that appears
    # outside any span would teach the de-identification benchmark the wrong answer.
    for sc, _, narrative in SAMPLES:
        covered: set[int] = set()
        for span in narrative.spans:
            covered.update(range(span.start, span.end))
        for value, span in zip(narrative.values, narrative.spans, strict=True):
            if span.type in {"AGE", "ROOM", "TIME", "DATE"}:
                continue  # short numbers recur as ordinary quantities ("4 units", "20 minutes")
            tokens = value.split() if span.type in {"PATIENT", "STAFF", "RELATIVE"} else [value]
            for token in tokens:
                for found in re.finditer(rf"(?<!\w){re.escape(token)}(?!\w)", narrative.text):
                    assert set(range(found.start(), found.end())) <= covered, (sc.key, token)


def test_span_values_have_the_shape_of_their_type():
    shapes = {
        "PHONE": r"(\(\d{3}\) |\d{3}[-.])555[-.]01\d\d",
        "MRN": r"\d{7,9}",
        "AGE": r"\d{1,3}",
        "TIME": r"\d{4}|\d{2}:\d{2}|\d{1,2}:\d{2} ?(AM|PM|am|pm)",
        "ID": r"\d{2}-\d{6}",
        "ROOM": r"\d{3}(A|B|-1|-2)?|\d{1,2}",
        "DATE": r"\d{1,2}/\d{1,2}(/\d{2}|/\d{4})?|\d{1,2}-[A-Z][a-z]{2}|[A-Z][a-z]{2} \d{1,2}|\d{1,2}(st|nd|rd|th)",
    }
    first_names = set(names.FEMALE_FIRST) | set(names.MALE_FIRST)
    for _, facts, narrative in SAMPLES:
        for span, value in zip(narrative.spans, narrative.values, strict=True):
            if span.type in shapes:
                assert re.fullmatch(shapes[span.type], value), (span.type, value)
            if span.type == "AGE":
                assert int(value) == facts.age
            if span.type in {"PATIENT", "RELATIVE"} and " " in value:
                first, last = value.split(" ")
                assert first in first_names
                assert last in names.LAST
            if span.type == "FACILITY":
                assert value in FACILITIES


def test_narratives_plant_every_kind_of_phi_and_dates_in_several_shapes():
    kinds = Counter(span.type for _, _, n in SAMPLES for span in n.spans)
    assert set(kinds) == set(SPAN_TYPES)
    dates = [v for _, _, n in SAMPLES for s, v in zip(n.spans, n.values, strict=True) if s.type == "DATE"]
    assert any(re.fullmatch(r"\d{1,2}/\d{1,2}", d) for d in dates)  # 7/22
    assert any(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)  # 07/22/2025
    assert any(re.fullmatch(r"\d{1,2}-[A-Z][a-z]{2}", d) for d in dates)  # 22-Jul
    assert any(re.fullmatch(r"\d{1,2}(st|nd|rd|th)", d) for d in dates)  # on the 3rd
    ages = [int(v) for _, _, n in SAMPLES for s, v in zip(n.spans, n.values, strict=True) if s.type == "AGE"]
    assert any(age > 89 for age in ages)


def test_narratives_stay_within_the_de15_limit_and_read_as_sentences():
    assert HERF["DE15"].max_length == MAX_LENGTH
    for sc, _, narrative in SAMPLES:
        assert 100 < len(narrative.text) <= MAX_LENGTH, sc.key
        assert not narrative.text[0].islower(), narrative.text[:40]
        assert "{" not in narrative.text
        assert "}" not in narrative.text
        assert "  " not in narrative.text


def test_outcome_sentences_appear_only_for_incidents():
    outcomes = {text.split("{")[0] for texts in scenario.OUTCOMES.values() for text in texts if "{" in text}
    for _sc, facts, narrative in SAMPLES:
        if not facts.harm:
            assert not any(narrative.text.endswith(o) for o in outcomes if o)


def test_the_same_rng_state_writes_the_same_narrative():
    sc = ALL_SCENARIOS[0]
    facts = Facts(
        when=dt.datetime(2025, 7, 22, 3, 40), setting="hospital", unit="ICU", age=93, sex="F", harm=scenario.MILD
    )
    first = write_narrative(random.Random(11), scenario=sc, facts=facts)
    again = write_narrative(random.Random(11), scenario=sc, facts=facts)
    other = write_narrative(random.Random(12), scenario=sc, facts=facts)
    assert first == again
    assert first.text != other.text


def test_a_patient_slot_without_a_patient_is_refused():
    sc = ALL_SCENARIOS[0]
    facts = Facts(when=dt.datetime(2025, 7, 22, 3, 40), setting="hospital", unit="ICU", age=None)
    with pytest.raises(KeyError, match="needs a patient"):
        write_narrative(random.Random(1), scenario=sc, facts=facts)
