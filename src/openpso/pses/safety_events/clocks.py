"""Harm order and regulatory clocks: which deadlines run for a report or an event, and when
they fall due. Pure functions over the models; no writes except seeding the defaults.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.organizations.models import Organization
from openpso.organizations.timezones import zone_of
from openpso.pses.models import ClockRule, ClockStart, ClockUnit
from openpso.reporting.models import EventReport

# AHRQ Common Formats harm scale (LOINC answer codes, PIF), worst first.
DEATH, SEVERE, MODERATE, MILD, NO_HARM, UNKNOWN = (
    "LA20747-4",
    "LA20748-2",
    "LA20749-0",
    "LA21150-0",
    "LA21151-8",
    "LA4489-6",
)
HARM_ORDER = [DEATH, SEVERE, MODERATE, MILD, NO_HARM, UNKNOWN]
HARM_LABELS = {
    DEATH: "Death",
    SEVERE: "Severe harm",
    MODERATE: "Moderate harm",
    MILD: "Mild harm",
    NO_HARM: "No harm",
    UNKNOWN: "Harm unknown",
}
# DE3: incidents first (by harm), then near misses (A6), then unsafe conditions (A9).
NEAR_MISS_RANK, UNSAFE_CONDITION_RANK = len(HARM_ORDER), len(HARM_ORDER) + 1
RANK_LABELS = [*(HARM_LABELS[c] for c in HARM_ORDER), "Near miss", "Unsafe condition"]
DEVICE_CATEGORY = "A44"  # DE21 Device or Medical/Surgical Supply, including HIT
DEVICE_MODULE = "cfer-h-1.2/device"
DUE_SOON = dt.timedelta(days=1)


def harm_rank(report: EventReport) -> int:
    """0 for a death … 5 for unknown harm; an incident without a harm answer counts as unknown."""
    if report.event_type == "A6":
        return NEAR_MISS_RANK
    if report.event_type == "A9":
        return UNSAFE_CONDITION_RANK
    return HARM_ORDER.index(report.harm) if report.harm in HARM_ORDER else HARM_ORDER.index(UNKNOWN)


def severity_label(reports: Iterable[EventReport]) -> str:
    """An event's severity: the worst harm among its reports."""
    ranks = [harm_rank(r) for r in reports]
    return RANK_LABELS[min(ranks)] if ranks else "—"


def is_device_related(report: EventReport) -> bool:
    return DEVICE_CATEGORY in (report.categories or []) or DEVICE_MODULE in (report.modules or [])


# --- default rules -------------------------------------------------------------------

# Seeded for every provider the first time its rules are needed; the safety manager edits
# them on the clock-rules page (a seeded rule can be switched off, never lost).
DEFAULT_RULES: list[dict[str, Any]] = [
    {
        # State serious-event reporting laws differ in number and trigger (some states ask
        # within 24 hours, others within days). 7 calendar days is a placeholder default:
        # set your state's number here.
        "code": "state-serious-event",
        "name": "State serious-event report",
        "event_types": ["A3"],
        "min_harm": SEVERE,
        "due_amount": 7,
        "due_unit": ClockUnit.CALENDAR_DAYS,
        "starts_at": ClockStart.DISCOVERED_AT,
        "basis": "State serious-event reporting law (configurable: set your state's deadline)",
    },
    {
        # 21 CFR 803.30(a)(1): a device user facility reports a device-related death to FDA
        # and the manufacturer within 10 work days of becoming aware (803.50's 30 days is the
        # manufacturers' deadline, not ours).
        "code": "fda-3500a-device-death",
        "name": "FDA Form 3500A (device-related death)",
        "event_types": ["A3"],
        "min_harm": DEATH,
        "device_related": True,
        "due_amount": 10,
        "due_unit": ClockUnit.WORK_DAYS,
        "starts_at": ClockStart.DISCOVERED_AT,
        "basis": "21 CFR 803.30 (user facility, 10 work days)",
    },
    {
        # RCA² (NPSF 2015): start the analysis within 72 hours of learning of the event.
        "code": "rca2-start",
        "name": "RCA² start",
        "event_types": ["A3"],
        "min_harm": SEVERE,
        "due_amount": 72,
        "due_unit": ClockUnit.HOURS,
        "starts_at": ClockStart.REPORTED_AT,
        "basis": "RCA² guidance: begin within 72 hours",
    },
    {
        # RCA² (NPSF 2015): finish within 30–45 days; 45 is the outer limit.
        "code": "rca2-finish",
        "name": "RCA² finish",
        "event_types": ["A3"],
        "min_harm": SEVERE,
        "due_amount": 45,
        "due_unit": ClockUnit.CALENDAR_DAYS,
        "starts_at": ClockStart.REPORTED_AT,
        "basis": "RCA² guidance: complete within 45 days",
    },
]


def seed_default_rules(provider: Organization) -> None:
    """Create the default rules a provider lacks; existing (maybe edited) rules stay as they are."""
    with transaction.atomic():
        have = set(ClockRule.objects.filter(provider=provider).values_list("code", flat=True))
        for rule in DEFAULT_RULES:
            if rule["code"] not in have:
                ClockRule.objects.create(provider=provider, **rule)


# --- computing -----------------------------------------------------------------------


def add_work_days(start: dt.datetime, days: int, zone: dt.tzinfo | None = None) -> dt.datetime:
    """`days` Monday-to-Friday days after `start`, at the same local time in `zone`.

    Federal holidays are not skipped: the deadline then falls early, never late.
    """
    moment = timezone.localtime(start, zone)
    added = 0
    while added < days:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            added += 1
    return moment


def due_at(rule: ClockRule, start: dt.datetime) -> dt.datetime:
    if rule.due_unit == ClockUnit.HOURS:
        return start + dt.timedelta(hours=rule.due_amount)
    # A deadline in days is a legal deadline on the provider's calendar: counted in the
    # provider's zone whoever looks (and in background work with no request), not the viewer's.
    zone = zone_of(rule.provider) if rule.provider_id is not None else None
    if rule.due_unit == ClockUnit.WORK_DAYS:
        return add_work_days(start, rule.due_amount, zone)
    # Calendar days keep the local time of day across a daylight-saving change.
    return timezone.localtime(start, zone) + dt.timedelta(days=rule.due_amount)


def applies(rule: ClockRule, report: EventReport) -> bool:
    if not rule.active:
        return False
    if rule.event_types and report.event_type not in rule.event_types:
        return False
    if rule.categories and not set(rule.categories) & set(report.categories or []):
        return False
    if rule.min_harm:
        if report.event_type != "A3" or rule.min_harm not in HARM_ORDER:
            return False
        if harm_rank(report) > HARM_ORDER.index(rule.min_harm):
            return False
    return not (rule.device_related and not is_device_related(report))


def _span_words(span: dt.timedelta) -> str:
    if span >= dt.timedelta(days=1):
        amount, unit = math.floor(span / dt.timedelta(days=1)), "day"
    else:
        amount, unit = max(1, math.ceil(span / dt.timedelta(hours=1))), "hour"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


@dataclass(frozen=True)
class Clock:
    rule: ClockRule
    due: dt.datetime
    report_id: Any
    # How the clock ended (a `ClockResolution`, or an equivalent derived from the RCA²
    # investigation): None while it runs. See `clock_outcomes`.
    resolution: Any = None

    @property
    def resolved(self) -> bool:
        return self.resolution is not None

    def state(self, now: dt.datetime) -> str:
        """ "met", "met_late", "missed" once recorded; else "overdue", "due_soon" (within a
        day) or "running"."""
        if self.resolution is not None:
            if self.resolution.outcome == "missed":
                return "missed"
            return "met" if self.resolution.at <= self.due else "met_late"
        if now >= self.due:
            return "overdue"
        return "due_soon" if self.due - now <= DUE_SOON else "running"

    def countdown(self, now: dt.datetime) -> str:
        """ "due in 3 days", "due in 5 hours", "overdue by 2 days", "met on 2026-03-02",
        "met 2 days late", "missed"."""
        if self.resolution is not None:
            day = f"{timezone.localtime(self.resolution.at):%Y-%m-%d}"
            if self.resolution.outcome == "missed":
                return f"missed (recorded {day})"
            late = self.resolution.at - self.due
            return f"met {_span_words(late)} late, on {day}" if late > dt.timedelta(0) else f"met on {day}"
        left = self.due - now
        words = _span_words(abs(left))
        return f"overdue by {words}" if left <= dt.timedelta(0) else f"due in {words}"


def clocks_for_report(report: EventReport, rules: Iterable[ClockRule]) -> list[Clock]:
    clocks = []
    for rule in rules:
        if applies(rule, report):
            start = report.discovered_at if rule.starts_at == ClockStart.DISCOVERED_AT else report.reported_at
            clocks.append(Clock(rule=rule, due=due_at(rule, start), report_id=report.pk))
    return sorted(clocks, key=lambda c: c.due)


def clocks_for_reports(reports: Iterable[EventReport], rules: Iterable[ClockRule]) -> list[Clock]:
    """An event's clocks: each rule once, at the earliest due date among its reports."""
    rules = list(rules)
    earliest: dict[int, Clock] = {}
    for report in reports:
        for clock in clocks_for_report(report, rules):
            if clock.rule.pk not in earliest or clock.due < earliest[clock.rule.pk].due:
                earliest[clock.rule.pk] = clock
    return sorted(earliest.values(), key=lambda c: c.due)


def active_rules(provider_id: int) -> list[ClockRule]:
    return list(ClockRule.objects.filter(provider_id=provider_id, active=True).select_related("provider"))
