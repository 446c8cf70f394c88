"""Similar events across the pool, as a release: counts by category, harm, provider type and period.

For an RCA² team ("Similar events in the pool") and a PSO analyst. The narratives compared are the
lake's scrubbed `narrative` column only, never an identified text; the query is a scrubbed
narrative too (the RCA² page scrubs its event's narrative with the provider's context first). What
comes back is a release (docs/decisions/0017; `nonid.release`): no row, no narrative and no
provider pseudonym, only counts of the similar events by their leading category, harm, provider
type (as `release_peers` coarsens it: a type held by fewer than k providers becomes its group or
"providers of every type") and period (the year under release/1, the quarter where a profile keeps
months), each breakdown through `nonid.suppression.suppress_counts` with its total (a count under
the small-cell minimum or from too few providers is hidden, with what would give it away).

Search: the suggester's WordLlama vector (`openpso.suggest.similar.embed`) of each pooled
narrative, held per process for the lake as it stands (`caching.lake_stamp`); exact cosine up to
`INDEX_FROM` events, the kept faiss HNSW index (`VectorIndex`, decision 0022) above. The `LIMIT`
nearest events with cosine at least `MIN_COSINE` count as similar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpso.nonid.profiles import Profile, period_of_month
from openpso.nonid.release import GROUP_WORDS, SUPPRESSED, release_line, release_profile

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]
    from numpy.typing import NDArray

    from openpso.analytics.engine import Lake
    from openpso.audit.actor import Actor
    from openpso.organizations.models import Organization

LIMIT = 200
RELEASED_AS = "analytics.similar_pool"
MIN_COSINE = 0.6
INDEX_FROM = 50_000
COLUMNS = ("provider", "provider_type", "event_month", "categories", "harm", "narrative")
DIMENSIONS = (("category", "Category"), ("harm", "Harm"), ("provider_type", "Provider type"), ("period", "Period"))

_pools: dict[str, tuple[str, Any, Any, Any]] = {}  # pso slug -> (lake stamp, frame, vectors, index)


@dataclass(frozen=True)
class Line:
    label: str
    count: int | None  # None: suppressed


@dataclass(frozen=True)
class Breakdown:
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class PoolSimilar:
    available: bool
    note: str  # why nothing is shown, or the release line
    total: int | None = None  # similar events found; None: suppressed
    breakdowns: tuple[Breakdown, ...] = ()
    limit: int = LIMIT  # the most alike events counted


def _pool(lake: Lake, pso: Organization) -> tuple[pd.DataFrame, NDArray[np.float32] | None, Any]:
    """The pool's scrubbed narratives with the columns a release may group by, and their vectors."""
    from openpso.analytics.caching import lake_stamp
    from openpso.suggest.similar import VectorIndex, embed

    stamp = lake_stamp(lake, pso)
    held = _pools.get(pso.slug)
    if held is not None and held[0] == stamp:
        return held[1], held[2], held[3]
    events = lake.table("events")
    expr = events.filter(events.narrative.notnull() & (events.narrative != "")).select(*COLUMNS)
    frame = lake.execute(expr).reset_index(drop=True)
    import numpy as np

    vectors = None
    if len(frame):  # each distinct text embedded once
        distinct, inverse = np.unique(frame["narrative"].to_numpy(dtype=str), return_inverse=True)
        vectors = embed(distinct.tolist())[inverse]
    index = None
    if vectors is not None and len(frame) >= INDEX_FROM:
        index = VectorIndex()
        index.add(np.arange(len(frame), dtype=np.int64), vectors)
    frame = frame.drop(columns=["narrative"])  # nothing past here needs the text
    _pools[pso.slug] = (stamp, frame, vectors, index)
    return frame, vectors, index


def _nearest(vectors: NDArray[np.float32], index: Any, query: NDArray[np.float32]) -> list[int]:
    from openpso.suggest.similar import top_k_exact

    if index is not None:
        keys, scores = index.search(query, LIMIT)
        return [int(k) for k, s in zip(keys[0], scores[0], strict=True) if k >= 0 and s >= MIN_COSINE]
    rows, scores = top_k_exact(vectors, query[None, :], LIMIT)
    return [int(i) for i, s in zip(rows[0], scores[0], strict=True) if s >= MIN_COSINE]


def _period(month: str | None, profile: Profile) -> str:
    if not month:
        return "Not recorded"
    if profile.date_precision == "year":
        return period_of_month(month, profile)
    year, number = month.split("-")[:2]
    return f"{year} Q{(int(number) - 1) // 3 + 1}"


def _type_words(released: str | None) -> str:
    from openpso.analytics.panels import type_words

    if released is None or released == SUPPRESSED:
        return GROUP_WORDS[SUPPRESSED]
    return GROUP_WORDS.get(released) or type_words(released)


def similar_in_pool(
    pso: Organization, text: str, *, recipient: Organization | None = None, actor: Actor | None = None
) -> PoolSimilar:
    """Counts of the pooled events whose scrubbed narrative reads like `text` (a scrubbed narrative).

    With a `recipient` (a member's RCA² team: outside the PSO) the counts are recorded as a release
    to it (`nonid.release.record_release`, its profile and measured k)."""
    from openpso.analytics.dashboards.provider import peer_release
    from openpso.analytics.engine import Lake
    from openpso.analytics.measures import label
    from openpso.nonid.suppression import suppress_counts
    from openpso.suggest.similar import embed

    lake = Lake.for_pso(pso.slug)
    if not lake.exists():
        return PoolSimilar(False, "The pool holds no events yet.")
    if len(text.strip()) < 12:
        return PoolSimilar(False, "No narrative to compare.")
    profile, determination = release_profile(pso)
    peers = peer_release(lake, profile)
    if peers is None:
        return PoolSimilar(False, release_line(profile, None, determination))
    frame, vectors, index = _pool(lake, pso)
    if vectors is None:
        return PoolSimilar(False, "The pool holds no narratives yet.")
    rows = frame.iloc[_nearest(vectors, index, embed([text])[0])]
    found: list[dict[str, Any]] = []
    for row in rows.itertuples(index=False):
        categories = list(row.categories) if row.categories is not None else []
        found.append(
            {
                "provider": row.provider,  # counted as distinct providers, never shown
                "category": label("category", categories[0]) if categories else "Not recorded",
                "harm": label("harm", row.harm) if row.harm else "Not applicable",
                "provider_type": _type_words(peers.label_of(str(row.provider), "provider_type")),
                "period": _period(row.event_month, profile),
            }
        )
    line = release_line(profile, peers, determination)
    if recipient is not None:
        from openpso.nonid.release import record_release

        record_release(
            pso=pso,
            what=RELEASED_AS,
            profile=profile,
            peers=peers,
            determination=determination,
            recipient=recipient,
            actor=actor,
        )
    if not found:
        return PoolSimilar(True, line, total=0)
    total = {"events": len(found), "providers": len({f["provider"] for f in found})}
    breakdowns = []
    shown_total: int | None = None
    for key, title in DIMENSIONS:
        groups: dict[str, set[Any]] = {}
        counts: dict[str, int] = {}
        for f in found:
            counts[f[key]] = counts.get(f[key], 0) + 1
            groups.setdefault(f[key], set()).add(f["provider"])
        published = suppress_counts(
            [{key: g, "events": counts[g], "providers": len(groups[g])} for g in sorted(counts)],
            by=[key],
            totals=[{key: None, **total}],
        )
        lines = tuple(
            Line(str(r[key]), None if r["suppressed"] else int(r["events"])) for r in published if r[key] is not None
        )
        grand = next(r for r in published if r[key] is None)
        shown_total = None if grand["suppressed"] else int(grand["events"])
        breakdowns.append(Breakdown(title, lines))
    return PoolSimilar(True, line, total=shown_total, breakdowns=tuple(breakdowns))
