"""The report generator without a database: determinism, code rules, time rules, volume."""

import datetime as dt
from collections import Counter
from functools import cache
from zoneinfo import ZoneInfo

from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, UNSAFE_CONDITION, herf_core
from openpso.demo import mix
from openpso.demo.network import EMS, HOSPITAL, PHARMACY, PROVIDERS
from openpso.demo.reports import iter_drafts
from openpso.demo.volumes import MONTHS, denominators, plan, window

HERF = herf_core()
TZ = ZoneInfo("America/New_York")
TODAY = dt.date(2026, 3, 15)


@cache
def drafts(seed=2026, total=1200, today=TODAY):
    return tuple(iter_drafts(seed=seed, total=total, today=today, tz=TZ))


DRAFTS = drafts()
TYPE_OF = {spec.slug: spec.provider_type for spec in PROVIDERS}


def test_the_window_is_the_24_full_months_before_today():
    months = window(TODAY)
    assert len(months) == MONTHS == 24
    assert months[0] == dt.date(2024, 3, 1)
    assert months[-1] == dt.date(2026, 2, 1)
    assert window(dt.date(2026, 3, 1))[-1] == dt.date(2026, 2, 1)  # March is not over yet
    assert window(dt.date(2026, 1, 31))[-1] == dt.date(2025, 12, 1)


def test_the_same_seed_gives_the_same_reports_and_another_seed_does_not():
    again = tuple(iter_drafts(seed=2026, total=1200, today=TODAY, tz=TZ))
    assert [d.narrative for d in again] == [d.narrative for d in DRAFTS]
    assert again == DRAFTS
    other = drafts(seed=2027)
    assert [d.narrative.text for d in other] != [d.narrative.text for d in DRAFTS]


def test_the_requested_number_of_reports_is_generated_exactly():
    assert len(DRAFTS) == 1200
    assert sum(cell.reports for cell in plan(seed=1, total=12345, months=window(TODAY))) == 12345
    assert len(drafts(total=0)) == 0
    assert len({d.id for d in DRAFTS}) == len(DRAFTS)


def test_every_report_uses_valid_codes_and_the_de21_flags():
    for d in DRAFTS:
        assert d.event_type in HERF["DE3"].codes
        assert d.categories
        assert set(d.categories) <= HERF["DE21"].codes
        assert len(set(d.categories)) == len(d.categories)
        for code in d.categories:
            answer = HERF["DE21"].answer(code)
            if d.event_type == NEAR_MISS:
                assert answer.near_miss, (code, d.event_type)
            if d.event_type == UNSAFE_CONDITION:
                assert answer.unsafe_condition, (code, d.event_type)
        assert bool(d.category_other) == ("A66" in d.categories)
        assert d.patient_sex in {"", *HERF["DE42"].codes}


def test_harm_is_coded_for_incidents_only_and_skews_to_no_or_mild_harm():
    incidents = [d for d in DRAFTS if d.event_type == INCIDENT]
    assert all(d.harm in HERF["PIF/harm"].codes for d in incidents)
    assert all(d.harm == "" for d in DRAFTS if d.event_type != INCIDENT)
    harms = Counter(d.harm for d in drafts(total=6000) if d.event_type == INCIDENT)
    total = sum(harms.values())
    assert (harms["LA21151-8"] + harms["LA21150-0"]) / total > 0.65  # no harm + mild
    assert harms["LA20747-4"] / total < 0.02  # deaths are rare


def test_unsafe_conditions_have_no_patient_and_most_others_do():
    for d in DRAFTS:
        if d.event_type == UNSAFE_CONDITION:
            assert d.patient_age is None
            assert d.patient_sex == ""
    with_patient = [d for d in DRAFTS if d.event_type != UNSAFE_CONDITION]
    assert sum(d.patient_age is not None for d in with_patient) / len(with_patient) > 0.85
    assert any(d.patient_age is not None and d.patient_age > 89 for d in with_patient)


def test_times_fall_in_the_window_and_reports_follow_discovery_within_72_hours():
    months = window(TODAY)
    start = dt.datetime.combine(months[0], dt.time(), tzinfo=TZ)
    end = dt.datetime.combine(dt.date(2026, 3, 1), dt.time(), tzinfo=TZ)
    cutoff = dt.datetime.combine(TODAY, dt.time(), tzinfo=TZ)
    for d in DRAFTS:
        assert start <= d.discovered_at < end
        assert d.discovered_at <= d.reported_at <= cutoff
        assert d.reported_at - d.discovered_at <= dt.timedelta(hours=73)
        assert d.discovered_at.tzinfo is not None


def test_anonymous_reports_have_no_author_and_an_hour_precision_time():
    anonymous = [d for d in DRAFTS if d.anonymous]
    assert 0.05 < len(anonymous) / len(DRAFTS) < 0.3
    for d in anonymous:
        assert d.author_pick is None
        assert (d.reported_at.minute, d.reported_at.second, d.reported_at.microsecond) == (0, 0, 0)
    assert all(d.author_pick is not None for d in DRAFTS if not d.anonymous)


def test_the_category_mix_follows_the_provider_type():
    big = drafts(total=6000)
    by_type: dict[str, Counter[str]] = {}
    for d in big:
        by_type.setdefault(TYPE_OF[d.provider_slug], Counter())[d.categories[0]] += 1
    hospital = by_type[HOSPITAL].most_common(2)
    assert {code for code, _ in hospital} == {"A48", "A54"}  # falls and medication lead
    assert set(by_type[EMS]) <= {"A54", "A44", "A66", "A63"}
    pharmacy = by_type[PHARMACY]
    assert pharmacy["A54"] / sum(pharmacy.values()) > 0.85


def test_reports_spread_over_all_24_months_with_bigger_providers_reporting_more():
    months = Counter(d.discovered_at.astimezone(TZ).strftime("%Y-%m") for d in DRAFTS)
    assert len(months) == 24
    per_provider = Counter(d.provider_slug for d in drafts(total=6000))
    assert per_provider["harrow-valley-medical-center"] > 5 * per_provider["cedar-gap-hospital-larkmoor"]


def test_units_come_from_the_provider_and_fit_the_category():
    from openpso.demo.network import units_for

    units = {spec.slug: dict(units_for(spec)) for spec in PROVIDERS}
    for d in DRAFTS:
        assert d.unit_name in units[d.provider_slug]
        if d.categories[0] == "A57":
            assert units[d.provider_slug][d.unit_name] == "ld"


def test_every_provider_gets_its_denominators_for_every_month():
    months = window(TODAY)
    rows = list(denominators(seed=2026, months=months))
    per_provider = Counter(spec.slug for spec, _, _, _ in rows)
    for spec in PROVIDERS:
        expected = 2 if spec.provider_type == HOSPITAL else 1  # patient-days + admissions
        assert per_provider[spec.slug] == expected * 24
    assert all(value > 0 for _, _, _, value in rows)
    assert rows == list(denominators(seed=2026, months=months))


def test_mix_helpers_allocate_exactly_and_respect_the_flags():
    assert mix.allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(mix.allocate(7, [0.2, 5, 3.3])) == 7
    assert mix.allocate(5, [0, 0]) == [0, 0]
    assert mix.event_type_mix("A48", HOSPITAL) == {INCIDENT: 100}
    assert set(mix.event_type_mix("A63", HOSPITAL)) == {INCIDENT, NEAR_MISS}
    assert set(mix.event_type_mix("A54", PHARMACY)) == {INCIDENT, NEAR_MISS, UNSAFE_CONDITION}
