"""The PSO's release data: pooled events as they may leave the PSO, under the release profile in force.

The pool keeps the event month, exact ages, the size band and scrubbed free text (`pso-pool/1`:
protected PSWP, not non-identified). What leaves is made from it here, under `release/1` (or
`release-ed/1` while an expert determination authorises it; `nonid.release.release_profile`):

- the year is the only date element (the month under `release-ed/1`), for the event, for date
  answers and for RCA² action dates;
- the patient's age only as its band (90+ above 89), no ZIP; the sex code as it is;
- the provider as its PSO-assigned code (the pool's random pseudonym, `nonid.pseudonyms`), with
  its provider type and Census region coarsened until every combination holds at least k
  providers (`nonid.release.release_peers`), or no peer attribute at all when the pool has fewer
  than k providers. The coarsening is made over every provider in the pool, not only those in
  one export: the national database keeps every export, so one export's classes must be the
  same as the next one's;
- coded answers only: free text (the scrubbed narrative, location detail, "Other" texts, reporter
  role, free-text answers) is not released, and neither is the unit type or any age answer;
- contributing factors (OpenPSO's extension codes) and RCA² actions (type, strength, status).

"Since" is when an event entered the pool or last changed there (`LakeEntry.refreshed_at`): a
quarter's export is every event pooled or updated in the quarter. The pool is read as its last
refresh left it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.commonformats.answers import OTHER_SUFFIX
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.model import CODED_TYPES, Item, iter_items
from openpso.lake import files
from openpso.lake.models import LakeEntry, LakeState
from openpso.nonid.profiles import Profile

if TYPE_CHECKING:
    from openpso.nonid.models import ExpertDetermination, Release
    from openpso.nonid.release import PeerRelease
    from openpso.organizations.models import Organization


@dataclass(frozen=True)
class ReleasedAction:
    action_type: str  # RCA² action-hierarchy code (commonformats.rca2)
    strength: str
    status: str
    due: str | None  # "YYYY" (or "YYYY-MM" under release-ed/1)
    implemented: str | None


@dataclass(frozen=True)
class ReleasedEvent:
    event_key: str  # the pool's keyed event key: the same for every version of the event
    provider: str  # the PSO-assigned provider code (pool pseudonym)
    provider_type: str | None  # as released: a type, a group (inpatient…), "*" or None
    region: str | None
    period: str  # when the event was discovered: "YYYY", or "YYYY-MM" under release-ed/1
    event_type: str | None  # HERF DE3
    categories: tuple[str, ...]  # HERF DE21
    harm: str | None  # AHRQ harm scale, LOINC answer code
    patient_age_band: str | None
    patient_sex: str | None  # HERF DE42
    modules: tuple[str, ...]
    answers: dict[str, Any] = field(default_factory=dict)  # linkId → code(s), boolean, number or date
    contributing_factors: tuple[str, ...] = ()
    actions: tuple[ReleasedAction, ...] = ()
    profile: str = ""

    def content(self) -> dict[str, Any]:
        """Everything released about the event, as plain JSON data (the succession digest reads it)."""
        return asdict(self)


@dataclass
class ReleaseBatch:
    pso: Organization
    since: dt.date
    profile: Profile
    determination: ExpertDetermination | None
    peers: PeerRelease | None
    events: list[ReleasedEvent]
    pooled_at: dt.datetime | None  # when the pool was last refreshed

    def line(self) -> str:
        from openpso.nonid.release import release_line

        return release_line(self.profile, self.peers, self.determination)


def released_events(*, pso: Organization, since: dt.date, on: dt.date | None = None) -> ReleaseBatch:
    """The events of `pso`'s pool that entered or changed on or after `since`, as released on `on`."""
    from openpso.nonid.release import release_profile

    profile, determination = release_profile(pso, on=on)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    entries = LakeEntry.objects.filter(pso=pso, refreshed_at__gte=start).values_list("event_key", "month")
    by_month: dict[dt.date, set[str]] = defaultdict(set)
    for key, month in entries:
        by_month[month].add(key)
    root = files.lake_dir(pso.slug)
    peers = _peers(root, profile)
    events: list[ReleasedEvent] = []
    for month in sorted(by_month):
        events += _month(root, month, by_month[month], profile=profile, peers=peers)
    state = LakeState.objects.filter(pso=pso).first()
    events.sort(key=lambda e: (e.period, e.event_key))
    return ReleaseBatch(pso, since, profile, determination, peers, events, state.refreshed_at if state else None)


def record(batch: ReleaseBatch, *, what: str, actor: Actor | None = None, object_id: str = "") -> Release:
    """The Release row and its audit event (`nonid.released`) for what an export wrote."""
    from openpso.nonid.release import record_release

    return record_release(
        pso=batch.pso,
        what=what,
        profile=batch.profile,
        peers=batch.peers,
        determination=batch.determination,
        object_id=object_id,
        actor=actor,
    )


def _peers(root: Any, profile: Profile) -> PeerRelease | None:
    from openpso.nonid.release import ReleaseRefused, release_peers

    table = files.read(files.table_path(root, "providers"))
    if table is None:
        return None
    try:
        return release_peers(table.to_pandas(), profile=profile)
    except ReleaseRefused:
        return None  # fewer than k providers: no peer attribute is released


def _month(
    root: Any, month: dt.date, keys: set[str], *, profile: Profile, peers: PeerRelease | None
) -> list[ReleasedEvent]:
    rows = _rows(root, "events", month, keys)
    factors: dict[str, list[str]] = defaultdict(list)
    for row in _rows(root, "contributing_factors", month, keys):
        factors[row["event_key"]].append(row["factor"])
    actions: dict[str, list[ReleasedAction]] = defaultdict(list)
    for row in _rows(root, "actions", month, keys):
        actions[row["event_key"]].append(
            ReleasedAction(
                action_type=row["action_type"],
                strength=row["strength"],
                status=row["status"],
                due=_period(row.get("due_month"), row.get("due_year"), profile),
                implemented=_period(row.get("implemented_month"), row.get("implemented_year"), profile),
            )
        )
    return [
        ReleasedEvent(
            event_key=row["event_key"],
            provider=row["provider"],
            provider_type=peers.label_of(row["provider"], "provider_type") if peers else None,
            region=peers.label_of(row["provider"], "region") if peers else None,
            period=_period(row["event_month"], row["event_year"], profile) or str(row["event_year"]),
            event_type=row["event_type"],
            categories=tuple(row["categories"] or ()),
            harm=row["harm"],
            patient_age_band=row["patient_age_band"],
            patient_sex=row["patient_sex"],
            modules=tuple(row["modules"] or ()),
            answers=release_answers(json.loads(row["answers"] or "{}"), profile),
            contributing_factors=tuple(sorted(set(factors[row["event_key"]]))),
            actions=tuple(actions[row["event_key"]]),
            profile=profile.id,
        )
        for row in rows
    ]


def _rows(root: Any, table: str, month: dt.date, keys: set[str]) -> list[dict[str, Any]]:
    found = files.read(files.partition_path(root, table, month))
    if found is None:
        return []
    return [row for row in found.to_pylist() if row["event_key"] in keys]


def _period(month: str | None, year: int | None, profile: Profile) -> str | None:
    if profile.date_precision == "month" and month:
        return month
    if year is not None:
        return str(year)
    return month[:4] if month else None


@cache
def _items() -> dict[str, Item]:
    return {item.link_id: item for definition in catalogue().values() for item in iter_items(definition)}


def release_answers(answers: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """The pooled answers that may be released: codes of their item, booleans, numbers other than
    ages, dates cut to the profile's element; groups answer by answer. Free text never."""
    kept: dict[str, Any] = {}
    for link_id, value in answers.items():
        released = _answer(link_id, value, profile)
        if released is not None:
            kept[link_id] = released
    return kept


def _answer(link_id: str, value: Any, profile: Profile) -> Any:
    item = _items().get(link_id)
    if item is None or link_id.endswith(OTHER_SUFFIX) or item.identifying:
        return None
    if item.type == "group":
        occurrences = [release_answers(o, profile) for o in (value if isinstance(value, list) else [value])]
        occurrences = [o for o in occurrences if o]
        return (occurrences if isinstance(value, list) else occurrences[0]) if occurrences else None
    if item.type in CODED_TYPES:
        codes = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v in item.codes]
        return (codes if isinstance(value, list) else codes[0]) if codes else None
    if item.type == "boolean" and isinstance(value, bool):
        return value
    if item.type in ("integer", "decimal") and isinstance(value, int | float) and not isinstance(value, bool):
        # Ages go out as bands only under the release profiles (exact_age is False).
        return None if link_id.rsplit("/", 1)[-1].endswith("age") and not profile.exact_age else value
    if item.type in ("date", "dateTime") and isinstance(value, str) and len(value) >= 4:
        return value[:7] if profile.date_precision == "month" else value[:4]
    return None
