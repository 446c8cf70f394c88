"""Planted duplicates in the demo: several staff tell one event; look-alikes that are another event."""

import datetime as dt
from collections import defaultdict
from functools import cache
from zoneinfo import ZoneInfo

from openpso.demo.duplicates import score
from openpso.demo.reports import iter_drafts
from openpso.pses.safety_events.duplicates import THRESHOLD

TZ = ZoneInfo("America/New_York")
TODAY = dt.date(2026, 3, 15)


@cache
def drafts(seed=2026, total=6000):  # the demo's size
    return tuple(iter_drafts(seed=seed, total=total, today=TODAY, tz=TZ))


def _groups(found):
    groups = defaultdict(list)
    for draft in found:
        if draft.same_event is not None:
            groups[draft.same_event].append(draft)
    return groups


def test_some_events_are_told_by_two_or_three_reporters_the_same_from_the_same_seed():
    groups = _groups(drafts())
    assert len(groups) >= 50
    assert {len(g) for g in groups.values()} <= {2, 3}
    assert [d.id for d in drafts() if d.same_event] == [d.id for d in drafts.__wrapped__() if d.same_event]
    other = {d.id for d in drafts(seed=7) if d.same_event}
    assert not other & {d.id for d in drafts() if d.same_event}
    assert len(drafts()) == 6000  # the plants take the place of ordinary reports


def test_the_tellers_of_one_event_share_unit_patient_and_codes_but_not_reporter_time_or_words():
    for event, group in _groups(drafts()).items():
        first = next(d for d in group if d.id == event)
        for other in group:
            if other is first:
                continue
            assert (other.provider_slug, other.unit_name) == (first.provider_slug, first.unit_name)
            assert (other.event_type, other.categories, other.harm) == (first.event_type, first.categories, first.harm)
            assert other.patient_age in (None, first.patient_age)
            assert other.patient_sex in ("", first.patient_sex)
            assert dt.timedelta(minutes=5) <= abs(other.discovered_at - first.discovered_at) <= dt.timedelta(hours=4)
            assert other.narrative.text != first.narrative.text
            assert other.author_pick is None or other.author_pick != first.author_pick
            assert other.reported_at >= other.discovered_at


def test_near_misses_share_unit_and_category_but_are_another_patient_or_another_day():
    by_id = {d.id: d for d in drafts()}
    near = [d for d in drafts() if d.near_miss_of is not None]
    assert len(near) >= 15
    for draft in near:
        base = by_id[draft.near_miss_of]
        assert (draft.provider_slug, draft.unit_name, draft.categories) == (
            base.provider_slug,
            base.unit_name,
            base.categories,
        )
        assert draft.same_event is None
        gap = abs(draft.discovered_at - base.discovered_at)
        other_patient = draft.told.patient != base.told.patient
        assert other_patient or gap >= dt.timedelta(hours=20)


def test_the_duplicate_score_finds_the_planted_duplicates_and_shows_few_other_pairs():
    figures = score(drafts()).at(THRESHOLD)
    assert figures.planted >= 60
    assert figures.recall >= 0.95
    assert figures.precision >= 0.75
    assert figures.near_misses_shown <= figures.near_misses // 3
