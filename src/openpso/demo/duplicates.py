"""How well the triage queue's duplicate score finds the demo's planted duplicates (issue 18 item 4).

The demo generator plants, deterministically from the seed (`reports._plan_plants`), events told
by two or three staff — another reporter, discovered minutes to hours apart, the same unit,
patient and codes; half the time the first teller's story in other words, half another story of
the same kind — and near misses that are another event made to look alike (the same unit and
category: another patient within hours, or the same patient a day or two later).

`measure` runs `pses.safety_events.duplicates.likely_duplicates` over each provider's drafts as
the queue would (its blocking: one provider, discovered within 48 h) and counts, over every pair
it scores, the planted pairs found (recall) and the pairs shown that are planted (precision); any
other pair shown is a false positive, the near misses' included. No database: the drafts become
unsaved reports.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from openpso.demo.reports import ReportDraft
from openpso.pses.safety_events.duplicates import THRESHOLD, likely_duplicates
from openpso.reporting.models import EventReport

Pair = frozenset[uuid.UUID]


@dataclass(frozen=True)
class Figures:
    threshold: float
    planted: int  # planted duplicate pairs (every pair inside a group)
    found: int  # of those, shown at the threshold
    shown: int  # pairs shown at the threshold, planted or not
    near_misses: int  # planted look-alikes (pairs of a near miss and the report it imitates)
    near_misses_shown: int
    planted_same_story: int  # planted pairs told from one story (in other words)
    found_same_story: int

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    @property
    def precision(self) -> float:
        return self.found / self.shown if self.shown else 0.0


@dataclass(frozen=True)
class Scored:
    """Every pair the queue scores in the drafts, with the planted truth."""

    scores: dict[Pair, float]
    duplicates: set[Pair]
    same_story: set[Pair]
    near_misses: set[Pair]

    def at(self, threshold: float = THRESHOLD) -> Figures:
        shown = {pair for pair, score in self.scores.items() if score >= threshold}
        return Figures(
            threshold=threshold,
            planted=len(self.duplicates),
            found=len(shown & self.duplicates),
            shown=len(shown),
            near_misses=len(self.near_misses),
            near_misses_shown=len(shown & self.near_misses),
            planted_same_story=len(self.same_story),
            found_same_story=len(shown & self.same_story),
        )


def planted(drafts: Sequence[ReportDraft]) -> tuple[set[Pair], set[Pair], set[Pair]]:
    """The planted duplicate pairs, those of them told from one story, and the near-miss pairs."""
    groups: dict[uuid.UUID, list[ReportDraft]] = defaultdict(list)
    for draft in drafts:
        if draft.same_event is not None:
            groups[draft.same_event].append(draft)
    duplicates: set[Pair] = set()
    same_story: set[Pair] = set()
    for group in groups.values():
        for a, b in combinations(group, 2):
            pair = frozenset((a.id, b.id))
            duplicates.add(pair)
            if a.told and b.told and a.told.scenario == b.told.scenario:
                same_story.add(pair)
    near = {frozenset((d.id, d.near_miss_of)) for d in drafts if d.near_miss_of is not None}
    return duplicates, same_story, near


def score(drafts: Iterable[ReportDraft]) -> Scored:
    """Score every pair the queue would consider, provider by provider."""
    drafts = list(drafts)
    by_provider: dict[str, list[EventReport]] = defaultdict(list)
    providers: dict[str, int] = {}
    units: dict[tuple[str, str], int] = {}
    for draft in drafts:
        provider = providers.setdefault(draft.provider_slug, len(providers) + 1)
        unit = units.setdefault((draft.provider_slug, draft.unit_name), len(units) + 1)
        by_provider[draft.provider_slug].append(
            EventReport(
                id=draft.id,
                provider_id=provider,
                unit_id=unit,
                discovered_at=draft.discovered_at,
                narrative=draft.narrative.text,
                patient_age_years=draft.patient_age,
                patient_sex=draft.patient_sex,
                categories=list(draft.categories),
            )
        )
    scores: dict[Pair, float] = {}
    for reports in by_provider.values():
        for pair in likely_duplicates(reports, threshold=0.0):
            scores[frozenset((pair.first.pk, pair.second.pk))] = pair.score
    duplicates, same_story, near = planted(drafts)
    return Scored(scores, duplicates, same_story, near)


def demo_drafts(*, seed: int = 2026, total: int = 6000, today: dt.date = dt.date(2026, 12, 1)) -> list[ReportDraft]:
    """The demo's drafts as `openpso demo` writes them (its default size), without a database."""
    from django.utils import timezone

    from openpso.demo.reports import iter_drafts

    return list(iter_drafts(seed=seed, total=total, today=today, tz=timezone.get_default_timezone()))
