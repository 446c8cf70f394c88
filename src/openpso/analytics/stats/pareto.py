"""Pareto analysis of categories or contributing factors (Juran's "vital few").

Bars are sorted by count, largest first, ties broken by label so the order is reproducible.
`top` keeps that many bars and folds the rest into one "Other (n)" bar, always last, n being the
number of labels folded. `vital_few` marks the bars up to and including the first whose
cumulative share reaches `vital_share`. Shares are exact fractions of the total (cumulative ends
at exactly 1.0); with a total of zero every share is 0 and nothing is vital.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpso.analytics.stats import _checks


@dataclass(frozen=True)
class ParetoBar:
    label: str
    count: int
    share: float
    cumulative: float
    vital_few: bool


def pareto(counts: Mapping[str, int], *, vital_share: float = 0.8, top: int | None = None) -> tuple[ParetoBar, ...]:
    if not 0 < vital_share <= 1:
        raise ValueError(f"vital_share must lie in (0, 1], got {vital_share!r}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, got {top!r}")
    items = sorted(
        ((str(k), _checks.count(v, f"counts[{k!r}]")) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0])
    )
    if top is not None and len(items) > top:
        rest = items[top:]
        items = [*items[:top], (f"Other ({len(rest)})", sum(v for _, v in rest))]
    total = sum(v for _, v in items)
    bars: list[ParetoBar] = []
    running = 0
    reached = False
    for label, n in items:
        running += n
        cumulative = running / total if total else 0.0
        bars.append(ParetoBar(label, n, n / total if total else 0.0, cumulative, total > 0 and not reached))
        reached = reached or (total > 0 and cumulative >= vital_share)
    return tuple(bars)
