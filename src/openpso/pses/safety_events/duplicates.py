"""Likely duplicates at triage: two reports of one event (several staff report one fall), scored.

Issue 18 item 4 asks for probabilistic linkage on time, unit, patient age/sex, category and
narrative similarity. This is a fixed-weight Fellegi-Sunter-style score, not a fitted one: each
field adds the log-odds below when it agrees and subtracts when it disagrees, and the sum goes
through a logistic into 0..1. splink (on DuckDB) was considered: it installs and accepts the pinned
duckdb, but it estimates its weights by EM over many candidate pairs, and one provider's queue holds
tens of reports a week with no labelled duplicates yet; these weights are the prior it would start
from. Revisit when safety managers' links (every accepted pair is an EventReportLink) give labels.

Blocking: the same provider (always: invariant 1, and a duplicate is of one provider's event) and
discovery times within `WINDOW`. Pairs already in one event are not offered.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from openpso.audit.actor import Actor
from openpso.reporting.models import EventReport

WINDOW = dt.timedelta(hours=48)
THRESHOLD = 0.7  # shown from here (a probability-like 0..1, not calibrated)
PRIOR = -3.0  # log-odds that two reports of one provider within 48 h describe one event

# Log-odds each field adds when it agrees / when it disagrees (0 where a side is missing).
UNIT = (1.5, -2.0)
AGE = (2.0, -4.0)  # equal within a year; ages a year apart are one person across a birthday
SEX = (0.5, -4.0)
CATEGORY = (1.0, -1.5)  # any category in common
TIME_2H, TIME_12H = 1.5, 0.5  # discovered within 2 h, within 12 h
TIME_FAR = -3.5  # discovered over 12 h apart (up to WINDOW): one event is discovered once
NARRATIVE = 8.0  # times (cosine - 0.35): two accounts of one fall (~0.6) add +2, unrelated texts (~0.1) -2


@dataclass(frozen=True)
class DuplicatePair:
    first: EventReport  # the earlier discovered
    second: EventReport
    score: float  # 0..1
    reasons: tuple[str, ...]  # what agreed, in words, for the page
    events: tuple[object, object] = (None, None)  # the event each is in already, if any


def _agreement(a: object, b: object, weights: tuple[float, float]) -> float:
    if a in (None, "", "UNK") or b in (None, "", "UNK"):
        return 0.0
    return weights[0] if a == b else weights[1]


def pair_score(a: EventReport, b: EventReport, cosine: float) -> tuple[float, tuple[str, ...]]:
    """The pair's score and the fields that agreed."""
    reasons: list[str] = []
    total = PRIOR
    part = _agreement(a.unit_id, b.unit_id, UNIT)
    total += part
    if part > 0:
        reasons.append("same unit")
    if a.patient_age_years is not None and b.patient_age_years is not None:
        agree = abs(a.patient_age_years - b.patient_age_years) <= 1
        total += AGE[0] if agree else AGE[1]
        if agree:
            reasons.append("same patient age")
    part = _agreement(a.patient_sex, b.patient_sex, SEX)
    total += part
    if part > 0:
        reasons.append("same patient sex")
    if a.categories and b.categories:
        common = bool(set(a.categories) & set(b.categories))
        total += CATEGORY[0] if common else CATEGORY[1]
        if common:
            reasons.append("same category")
    gap = abs(a.discovered_at - b.discovered_at)
    if gap <= dt.timedelta(hours=2):
        total += TIME_2H
        reasons.append("discovered within 2 hours")
    elif gap <= dt.timedelta(hours=12):
        total += TIME_12H
        reasons.append("discovered within 12 hours")
    else:
        total += TIME_FAR
    total += NARRATIVE * (cosine - 0.35)
    if cosine >= 0.45:
        reasons.append("narratives alike")
    return 1.0 / (1.0 + math.exp(-total)), tuple(reasons)


def likely_duplicates(
    reports: list[EventReport], *, linked: Mapping[Any, Any] | None = None, threshold: float = THRESHOLD
) -> list[DuplicatePair]:
    """Pairs among `reports` likely to be one event, best first.

    `linked` maps a report's pk to its event's pk (pairs already in one event are left out).
    """
    linked = linked or {}
    ordered = sorted(reports, key=lambda r: r.discovered_at)
    candidates: list[tuple[int, int]] = []
    for i, j in combinations(range(len(ordered)), 2):
        a, b = ordered[i], ordered[j]
        if a.provider_id != b.provider_id or abs(a.discovered_at - b.discovered_at) > WINDOW:
            continue
        if linked.get(a.pk) is not None and linked.get(a.pk) == linked.get(b.pk):
            continue
        candidates.append((i, j))
    if not candidates:
        return []

    from openpso.suggest.similar import embed

    vectors = embed([r.narrative for r in ordered])
    pairs = []
    for i, j in candidates:
        score, reasons = pair_score(ordered[i], ordered[j], float(vectors[i] @ vectors[j]))
        if score >= threshold:
            pairs.append(DuplicatePair(ordered[i], ordered[j], score, reasons))
    return sorted(pairs, key=lambda p: -p.score)


QUEUE_DAYS = 14
QUEUE_CANDIDATES = 300


def duplicates_for(user: Actor) -> list[DuplicatePair]:
    """Likely duplicates among the newest reports the user triages (their PSES providers', last 14 days)."""
    from django.utils import timezone

    from openpso.pses import queries
    from openpso.pses.models import EventReportLink

    since = timezone.now() - dt.timedelta(days=QUEUE_DAYS)
    reports = list(
        queries.pses_reports_for(user).filter(discovered_at__gte=since).order_by("-discovered_at")[:QUEUE_CANDIDATES]
    )
    if len(reports) < 2:
        return []
    linked = dict(
        EventReportLink.objects.filter(report__in=[r.pk for r in reports]).values_list("report_id", "event_id")
    )
    return [
        DuplicatePair(p.first, p.second, p.score, p.reasons, (linked.get(p.first.pk), linked.get(p.second.pk)))
        for p in likely_duplicates(reports, linked=linked)
    ]
