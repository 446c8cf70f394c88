"""Similar reports on the same unit of the same provider (issue 18 item 4, "at filing").

`similar_reports` compares a narrative with the provider's own reports on that unit filed in the
last `days` days, by cosine of the suggester's WordLlama embedding (openpso.suggest.similar), exact
over that set: a unit files tens to a few hundred reports in 90 days, far below where an
approximate index pays (docs/decisions/0022-similar-events-index.md). The search is scoped to one
provider in the query itself: another provider's report is never read, let alone suggested.

What a person is shown of the results is the caller's business (reporting/templatetags/similar_tags.py
lists only the reports that person may read, and counts the rest).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from openpso.organizations.models import Organization, Unit
from openpso.reporting.models import EventReport

# Cosine of WordLlama mean vectors: over the 1,096 hand-written narratives, pairs of the same
# category sit at 0.07-0.35 (10th-90th percentile) and of different categories at 0.03-0.28; two
# accounts of one fall in different words score about 0.6. 0.4 keeps the clearly alike.
MIN_SCORE = 0.4
MAX_CANDIDATES = 2000  # the newest; a unit rarely files this many in 90 days


@dataclass(frozen=True)
class SimilarReport:
    report: EventReport
    score: float  # cosine similarity of the narratives, -1..1


def similar_reports(
    provider: Organization,
    unit: Unit | None,
    text: str,
    *,
    days: int = 90,
    k: int = 5,
    exclude: uuid.UUID | None = None,
    now: dt.datetime | None = None,
    min_score: float = MIN_SCORE,
) -> list[SimilarReport]:
    """Up to `k` of `provider`'s reports on `unit` from the last `days` days whose narrative is like `text`.

    Best first. No unit or no words: nothing (the page says "on your unit").
    """
    if unit is None or unit.provider_id != provider.pk or not text.strip():
        return []
    since = (now or timezone.now()) - dt.timedelta(days=days)
    candidates = EventReport.objects.filter(provider=provider, unit=unit, reported_at__gte=since)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    reports = list(candidates.select_related("unit").order_by("-reported_at")[:MAX_CANDIDATES])
    if not reports:
        return []

    from openpso.suggest.similar import embed, top_k_exact

    vectors = embed([r.narrative for r in reports])
    rows, scores = top_k_exact(vectors, embed([text]), k)
    return [
        SimilarReport(reports[int(row)], float(score))
        for row, score in zip(rows[0], scores[0], strict=True)
        if score >= min_score
    ]
