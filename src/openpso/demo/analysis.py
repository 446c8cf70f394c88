"""The analysis a demo provider's safety team would send with a share of its events.

The demo seeds reports, not RCA² investigations, so without this the pool would hold no
contributing factors or actions. Codes only, as `submissions.document.analyses_for` sends
them: Common Formats contributing factors and RCA² action types with their strength,
status and dates; never texts. Drawn from the report's id, so a report always gets the
same analysis. Most harmful incidents are analysed, fewer no-harm incidents and near
misses, few unsafe conditions.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from openpso.commonformats.rca2 import ACTION_STRENGTH
from openpso.demo.scenario import DEATH, INC, MILD, MODERATE, NM, SEVERE
from openpso.lake import synth_mix
from openpso.pses.rca.queries import factor_labels
from openpso.reporting.models import EventReport
from openpso.submissions.document import Analysis

_HARMFUL = {DEATH, SEVERE, MODERATE, MILD}


def analysed_share(report: EventReport) -> float:
    if report.event_type == INC:
        return 0.65 if report.harm in _HARMFUL else 0.3
    return 0.2 if report.event_type == NM else 0.1


def demo_analysis(report: EventReport, *, today: dt.date) -> Analysis | None:
    """The report's analysis, or None when its safety team has not analysed it."""
    rng = random.Random(f"analysis:{report.pk}")
    if rng.random() >= analysed_share(report):
        return None
    category = (report.categories or ["A66"])[0]
    weights = synth_mix.FACTOR_MIX_BY_CATEGORY.get(category, synth_mix.FACTOR_MIX)
    codes: list[str] = []
    for _ in range(rng.choices((1, 2, 3), weights=(50, 35, 15))[0]):
        left = [(c, w) for c, w in zip(synth_mix.FACTORS, weights, strict=True) if c not in codes]
        codes.append(rng.choices([c for c, _ in left], weights=[w for _, w in left])[0])
    found = timezone.localtime(report.discovered_at).date()
    actions = []
    for _ in range(rng.choices((0, 1, 2), weights=(20, 60, 20))[0]):
        kind = rng.choices([code for code, _, _ in synth_mix.ACTIONS], weights=[w for _, _, w in synth_mix.ACTIONS])[0]
        due = found + dt.timedelta(days=rng.randint(30, 120))
        if due <= today:
            status = rng.choices(("done", "in_progress", "planned"), weights=(70, 20, 10))[0]
        else:
            status = rng.choices(("in_progress", "planned"), weights=(60, 40))[0]
        done_on = min(today, max(found + dt.timedelta(days=7), due - dt.timedelta(days=rng.randint(0, 20))))
        actions.append(
            {
                "action_type": kind,
                "strength": ACTION_STRENGTH[kind],
                "status": status,
                "due_on": due.isoformat(),
                "implemented_on": done_on.isoformat() if status == "done" else None,
            }
        )
    return {
        "contributing_factors": [
            {"code": code, "label": label} for code, label in zip(codes, factor_labels(codes), strict=True)
        ],
        "actions": actions,
    }
