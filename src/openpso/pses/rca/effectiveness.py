"""Did the action work? The related event rate before and after it, with exact intervals.

RCA² (NPSF 2015) asks that every action be measured. We compare the rate of events of the
same DE21 category on the same unit, per 1,000 units of the provider's monthly
denominator, in the N days before `implemented_on` and the N days from it (N = 90, 180).

Monthly denominators are prorated by the days of each month inside the window (a window
of 1–30 April and 1–31 May takes all of April and May; 15–30 April takes 16/30 of April).

Each rate carries the exact (Garwood 1936) Poisson 95% interval. With k events,
lower = G⁻¹(α/2; k) and upper = G⁻¹(1−α/2; k+1), G the gamma(shape, 1) distribution —
the chi-square relation χ²(α/2, 2k)/2 and χ²(1−α/2, 2k+2)/2. For an integer shape the
regularised upper incomplete gamma is the Poisson CDF, Q(n, x) = P(X ≤ n−1 | mean x), so the
inverse needs only `math` (no scipy): bisection on that finite sum.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from openpso.organizations.models import Denominator, DenominatorMeasure, ProviderType
from openpso.pses.models import EventReportLink
from openpso.reporting.models import EventReport

PER = 1000
REVIEW_MILESTONES = (90, 180)


# --- exact Poisson interval -----------------------------------------------------------


def gamma_q(shape: int, x: float) -> float:
    """Regularised upper incomplete gamma Q(shape, x) for a whole-number shape ≥ 1.

    Q(n, x) = e^(−x) Σ_{i<n} x^i / i!  (the Poisson CDF at n − 1), summed in log space.
    """
    if shape < 1:
        raise ValueError("shape must be a whole number ≥ 1")
    if x <= 0:
        return 1.0
    log_x = math.log(x)
    total = 0.0
    for i in range(shape):
        total += math.exp(i * log_x - x - math.lgamma(i + 1))
    return min(1.0, total)


def gamma_p(shape: int, x: float) -> float:
    """Regularised lower incomplete gamma P(shape, x) = 1 − Q(shape, x)."""
    return 1.0 - gamma_q(shape, x)


def gamma_quantile(p: float, shape: int) -> float:
    """x with P(shape, x) = p: the inverse regularised gamma (gamma(shape, 1) quantile)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    low, high = 0.0, float(shape) + 10.0 * math.sqrt(shape) + 50.0
    while gamma_p(shape, high) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if gamma_p(shape, mid) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count."""
    if count < 0:
        raise ValueError("count must be ≥ 0")
    alpha = 1.0 - confidence
    lower = 0.0 if count == 0 else gamma_quantile(alpha / 2.0, count)
    upper = gamma_quantile(1.0 - alpha / 2.0, count + 1)
    return lower, upper


# --- rates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    count: int
    denominator: float | None  # None: a month of the window has no denominator
    rate: float | None  # per PER
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class Comparison:
    before: Rate
    after: Rate
    difference: float | None  # after − before, per PER
    ratio: float | None  # after / before
    percent_change: float | None


def rate(count: int, denominator: float | None, *, per: int = PER) -> Rate:
    if denominator is None or denominator <= 0:
        return Rate(count=count, denominator=denominator, rate=None, lower=None, upper=None)
    low, high = poisson_interval(count)
    scale = per / denominator
    return Rate(count=count, denominator=denominator, rate=count * scale, lower=low * scale, upper=high * scale)


def compare(
    *, before_count: int, before_denominator: float | None, after_count: int, after_denominator: float | None
) -> Comparison:
    """Pure: the before/after rates per 1,000, their exact 95% intervals and the change."""
    before = rate(before_count, before_denominator)
    after = rate(after_count, after_denominator)
    difference = ratio = percent = None
    if before.rate is not None and after.rate is not None:
        difference = after.rate - before.rate
        if before.rate > 0:
            ratio = after.rate / before.rate
            percent = (ratio - 1.0) * 100.0
    return Comparison(before=before, after=after, difference=difference, ratio=ratio, percent_change=percent)


# --- gathering counts and denominators ---------------------------------------------------


def measure_for(provider_type: str) -> str:
    """Patient-days for hospitals and nursing homes, EMS responses for EMS agencies,
    encounters for everyone else."""
    if provider_type in {ProviderType.HOSPITAL, ProviderType.NURSING_HOME}:
        return DenominatorMeasure.PATIENT_DAYS
    if provider_type == ProviderType.EMS_AGENCY:
        return DenominatorMeasure.EMS_RESPONSES
    return DenominatorMeasure.ENCOUNTERS


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, int, int]]:
    """(first of month, days of [start, end) in it, days in month) for each month touched."""
    out = []
    day = start.replace(day=1)
    while day < end:
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        inside = (min(end, following) - max(start, day)).days
        out.append((day, inside, (following - day).days))
        day = following
    return out


def prorated_denominator(*, provider_id: int, measure: str, start: dt.date, end: dt.date) -> float | None:
    """The provider's denominator for [start, end), months prorated by days; None if a
    month is missing."""
    months = _months(start, end)
    values = dict(
        Denominator.objects.filter(
            provider_id=provider_id, measure=measure, month__in=[m for m, _, _ in months]
        ).values_list("month", "value")
    )
    if any(m not in values for m, _, _ in months):
        return None
    return sum(values[m] * inside / length for m, inside, length in months)


def event_count(*, provider_id: int, category: str, unit_id: int | None, start: dt.date, end: dt.date) -> int:
    """Events of the category on the unit discovered in [start, end) (DE9). Reports linked
    into one safety event count once ("kept reports, one investigation")."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    reports = EventReport.objects.filter(provider_id=provider_id, discovered_at__gte=since, discovered_at__lt=until)
    reports = reports.filter(unit_id=unit_id) if unit_id else reports.filter(unit__isnull=True)
    # JSON containment is not available on SQLite: the category test happens here.
    rows = reports.values_list("pk", "categories")
    ids = [pk for pk, categories in rows if category in (categories or [])]
    events = dict(EventReportLink.objects.filter(report_id__in=ids).values_list("report_id", "event_id"))
    return len({events.get(pk, pk) for pk in ids})


@dataclass(frozen=True)
class Review:
    """One milestone review of an action: its windows, figures and whether it is due."""

    days: int
    before_start: dt.date
    after_start: dt.date
    after_end: dt.date  # exclusive
    due_on: dt.date
    due: bool
    comparison: Comparison
    measure: str

    def figures(self) -> dict[str, Any]:
        """Numbers only, for the stored review (denominators as text: the audit chain takes no floats)."""
        c = self.comparison

        def text(value: float | None) -> str | None:
            return None if value is None else f"{value:.3f}"

        return {
            "measure": self.measure,
            "before": [str(self.before_start), str(self.after_start)],
            "after": [str(self.after_start), str(self.after_end)],
            "before_count": c.before.count,
            "before_denominator": text(c.before.denominator),
            "after_count": c.after.count,
            "after_denominator": text(c.after.denominator),
        }


def review_for(action: Any, days: int, *, today: dt.date | None = None) -> Review | None:
    """The before/after comparison `days` after the action was implemented (None until it is)."""
    if action.implemented_on is None:
        return None
    today = today or timezone.localdate()
    start = action.implemented_on
    before_start, after_end = start - dt.timedelta(days=days), start + dt.timedelta(days=days)
    provider = action.investigation.event.provider
    measure = measure_for(provider.provider_type)

    def window(a: dt.date, b: dt.date) -> tuple[int, float | None]:
        count = event_count(provider_id=provider.pk, category=action.category, unit_id=action.unit_id, start=a, end=b)
        return count, prorated_denominator(provider_id=provider.pk, measure=measure, start=a, end=b)

    before_count, before_denominator = window(before_start, start)
    after_count, after_denominator = window(start, after_end)
    comparison = compare(
        before_count=before_count,
        before_denominator=before_denominator,
        after_count=after_count,
        after_denominator=after_denominator,
    )
    return Review(
        days=days,
        before_start=before_start,
        after_start=start,
        after_end=after_end,
        due_on=after_end,
        due=today >= after_end,
        comparison=comparison,
        measure=measure,
    )


def reviews_for(action: Any, *, today: dt.date | None = None) -> list[Review]:
    reviews = [review_for(action, days, today=today) for days in REVIEW_MILESTONES]
    return [r for r in reviews if r is not None]
