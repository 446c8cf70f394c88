"""How much happens where and when: the 24-month window, report volume and denominators.

Report counts follow provider size (beds, EMS responses) with a little seasonality and
a per-provider trend, so rates per 1,000 patient-days or responses come out plausible and
differ between providers — something for the analytics to find — and the signals planted
in `demo.signals` on top.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from openpso.demo import signals
from openpso.demo.mix import allocate, category_mix, seasonality
from openpso.demo.network import AMBULATORY, EMS, HOSPITAL, NURSING_HOME, PHARMACY, PROVIDERS, ProviderSpec
from openpso.organizations.models import DenominatorMeasure

MONTHS = 24

# Relative report volume by size band (roughly proportional to beds or responses).
_HOSPITAL_WEIGHT = {"lt50": 1.0, "50-99": 2.0, "100-199": 4.0, "200-299": 6.5, "300-499": 10.0, "500+": 16.0}
_EMS_WEIGHT = {"lt5k": 0.5, "5k-20k": 1.2, "20k-50k": 2.5, "50k+": 5.0}
_OTHER_WEIGHT = {NURSING_HOME: 1.2, PHARMACY: 0.6, AMBULATORY: 0.8}

_BEDS = {"lt50": 25, "50-99": 75, "100-199": 150, "200-299": 250, "300-499": 400, "500+": 650}
_OCCUPANCY = 0.72
_AVERAGE_STAY_DAYS = 4.6
_NURSING_HOME_BEDS = 120
_EMS_RESPONSES_A_YEAR = {"lt5k": 3000, "5k-20k": 12000, "20k-50k": 32000, "50k+": 75000}
_ENCOUNTERS_A_MONTH = {PHARMACY: 4800, AMBULATORY: 2100}


def window(today: dt.date) -> list[dt.date]:
    """First days of the 24 months ending with the last full month before `today`."""
    year, month = today.year, today.month
    months = []
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(dt.date(year, month, 1))
    return months[::-1]


def report_weight(spec: ProviderSpec) -> float:
    if spec.provider_type == HOSPITAL:
        return _HOSPITAL_WEIGHT[spec.bed_size_band]
    if spec.provider_type == EMS:
        return _EMS_WEIGHT[spec.ems_volume_band]
    return _OTHER_WEIGHT[spec.provider_type]


@dataclass(frozen=True)
class Cell:
    month: dt.date
    provider: ProviderSpec
    reports: int


def plan(*, seed: int, total: int, months: list[dt.date]) -> list[Cell]:
    """How many reports each provider files each month; the counts add up to `total`."""
    weights: list[float] = []
    keys: list[tuple[dt.date, ProviderSpec]] = []
    trends = {spec.slug: random.Random(f"{seed}:trend:{spec.slug}").uniform(-0.05, 0.30) for spec in PROVIDERS}
    for index, month in enumerate(months):
        for spec in PROVIDERS:
            # Reporting usually grows as a safety culture matures: a gentle per-provider trend.
            trend = 1 + trends[spec.slug] * index / max(1, len(months) - 1)
            jitter = random.Random(f"{seed}:jitter:{spec.slug}:{month:%Y-%m}").uniform(0.85, 1.15)
            # A planted signal (demo.signals) adds its extra events to the cell's volume.
            planted = signals.volume_factor(category_mix(spec), signals.boosts(spec, month, months[-1]))
            weights.append(report_weight(spec) * seasonality(month.month) * trend * jitter * planted)
            keys.append((month, spec))
    counts = allocate(total, weights)
    return [Cell(month, spec, n) for (month, spec), n in zip(keys, counts, strict=True)]


def denominators(*, seed: int, months: list[dt.date]) -> Iterator[tuple[ProviderSpec, dt.date, str, int]]:
    """(provider, month, measure, value) for every provider and month of the window."""
    for spec in PROVIDERS:
        for month in months:
            rng = random.Random(f"{seed}:denominator:{spec.slug}:{month:%Y-%m}")
            days = calendar.monthrange(month.year, month.month)[1]
            season = seasonality(month.month) * rng.uniform(0.95, 1.05)
            if spec.provider_type == HOSPITAL:
                patient_days = round(_BEDS[spec.bed_size_band] * _OCCUPANCY * days * season)
                yield spec, month, DenominatorMeasure.PATIENT_DAYS, patient_days
                yield spec, month, DenominatorMeasure.ADMISSIONS, round(patient_days / _AVERAGE_STAY_DAYS)
            elif spec.provider_type == NURSING_HOME:
                yield spec, month, DenominatorMeasure.PATIENT_DAYS, round(_NURSING_HOME_BEDS * 0.86 * days * season)
            elif spec.provider_type == EMS:
                yearly = _EMS_RESPONSES_A_YEAR[spec.ems_volume_band]
                yield spec, month, DenominatorMeasure.EMS_RESPONSES, round(yearly / 365 * days * season)
            else:
                yield (
                    spec,
                    month,
                    DenominatorMeasure.ENCOUNTERS,
                    round(_ENCOUNTERS_A_MONTH[spec.provider_type] * season),
                )
