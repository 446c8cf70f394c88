"""Themes over time: the pool's scrubbed narratives clustered, each theme named by its top terms.

Clustering is not an Ibis expression, so it is a separate step (docs/analytics.md, "Themes over
time"): `refresh_themes` reads only the lake's scrubbed `narrative` column (with the event month
and the provider's pseudonym) through an Ibis expression, computes the themes in Python and
writes them back as two flat lake tables, `theme_counts` (theme, event_month, provider, n) and
`theme_terms` (theme, rank, term). The dashboard reads those tables with Ibis like every other
table (`theme_monthly`), so the panel runs on DuckDB or Spark unchanged; only the clustering runs
in the process that refreshes the lake (the task worker after a refresh, `openpso demo`).

The method (`compute_themes`, pure, no Django):

1. Each distinct narrative gets the suggester's WordLlama vector (`openpso.suggest.similar.embed`).
2. MiniBatchKMeans with a fixed seed clusters them into k themes, k = round(√(n / 2)) for n
   distinct narratives (the common rule of thumb), at least 2 and at most `MAX_THEMES` so the
   chart stays readable. Past `FIT_SAMPLE` narratives the centres are fitted on a seeded sample
   and every narrative is assigned to its nearest centre. Themes are numbered by size, largest 1.
3. Each theme is named by its top `TOP_TERMS` terms by class-based TF-IDF (Grootendorst 2022,
   BERTopic): a term's frequency within the theme's narratives times log(1 + A / its frequency
   over all themes), A the mean number of words per theme. Placeholders the scrubber left
   (`[NAME]`, `[DATE]` …), English stop words and words under three letters are left out, and
   a term is a candidate only if narratives of at least `min_providers` distinct providers in
   the theme use it (the small-cell rule's provider threshold): a word only one or two members
   write — a unit's local name, a name the scrubber missed — never names a theme.

Counts shown per theme and month go through `nonid.suppression.suppress_counts`, as every count
a member could see does (`dashboards.pso.published`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped]
    import pandas as pd  # type: ignore[import-untyped]

    from openpso.analytics.engine import Lake
    from openpso.analytics.expressions import Scope

MAX_THEMES = 12
MIN_THEMES = 2
FIT_SAMPLE = 5000  # narratives the centres are fitted on; the rest are assigned to the nearest
TOP_TERMS = 5
SEED = 0
# The only columns the computation reads: never an identified narrative, only the lake's scrubbed one.
READ_COLUMNS = ("event_month", "provider", "narrative")

THEME_COUNTS = pa.schema(
    [
        pa.field("theme", pa.int32(), nullable=False),
        pa.field("event_month", pa.string(), nullable=False),
        pa.field("provider", pa.string(), nullable=False),
        pa.field("n", pa.int64(), nullable=False),
    ]
)
THEME_TERMS = pa.schema(
    [
        pa.field("theme", pa.int32(), nullable=False),
        pa.field("rank", pa.int32(), nullable=False),
        pa.field("term", pa.string(), nullable=False),
    ]
)
TABLES = {"theme_counts": THEME_COUNTS, "theme_terms": THEME_TERMS}

_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9 +]*\]")
_WORD = re.compile(r"(?u)\b[a-z][a-z'-]{2,}\b")


@dataclass(frozen=True)
class Themes:
    k: int
    counts: pd.DataFrame  # theme, event_month, provider, n
    terms: pd.DataFrame  # theme, rank, term
    labels: tuple[int, ...]  # the theme of each input row (0 for a row without text)


def choose_k(distinct: int) -> int:
    """k = round(√(n / 2)), between MIN_THEMES and MAX_THEMES, never more than the narratives."""
    if distinct < MIN_THEMES:
        return distinct
    return max(MIN_THEMES, min(MAX_THEMES, round(math.sqrt(distinct / 2)), distinct))


def words(text: str) -> list[str]:
    """The words a theme can be named by: lower case, placeholders and stop words removed."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # type: ignore[import-untyped]

    found = _WORD.findall(_PLACEHOLDER.sub(" ", text).lower())
    return [w for w in found if w not in ENGLISH_STOP_WORDS]


def scrubbed_narratives(lake: Lake, scope: Scope | None = None) -> ir.Table:
    """The lake's scrubbed narratives with their month and provider pseudonym, non-empty ones only."""
    events = lake.table("events")
    if scope is not None:
        events = scope.apply(events)
    events = events.filter(events.narrative.notnull() & (events.narrative != ""))
    return events.select(*READ_COLUMNS).order_by("event_month", "provider", "narrative")


def compute_themes(
    rows: pd.DataFrame, *, seed: int = SEED, k: int | None = None, min_providers: int | None = None
) -> Themes:
    """Themes of `rows` (event_month, provider, narrative: the scrubbed text only)."""
    import numpy as np
    import pandas as pd
    from sklearn.cluster import MiniBatchKMeans  # type: ignore[import-untyped]

    from openpso.suggest.similar import embed

    if min_providers is None:
        from openpso.nonid.suppression import configured_rules

        min_providers = configured_rules().min_providers
    texts = [str(t) for t in rows["narrative"]]
    distinct = sorted({t for t in texts if t.strip()})
    k = choose_k(len(distinct)) if k is None else min(k, len(distinct))
    if k < 1:
        return Themes(0, _empty(THEME_COUNTS), _empty(THEME_TERMS), tuple(0 for _ in texts))
    vectors = embed(distinct)
    rng = np.random.default_rng(seed)
    fit_rows = np.sort(rng.choice(len(distinct), FIT_SAMPLE, replace=False)) if len(distinct) > FIT_SAMPLE else None
    model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=1024)
    model.fit(vectors if fit_rows is None else vectors[fit_rows])
    cluster_of = dict(zip(distinct, model.predict(vectors).tolist(), strict=True))
    # Number the themes by how many rows each holds, largest first (ties by cluster index).
    raw = [cluster_of.get(t, -1) for t in texts]
    sizes = pd.Series([c for c in raw if c >= 0]).value_counts()
    order = sorted(sizes.index, key=lambda c: (-int(sizes[c]), int(c)))
    number = {int(c): i + 1 for i, c in enumerate(order)}
    labels = tuple(number.get(c, 0) for c in raw)
    frame = pd.DataFrame(
        {"theme": labels, "event_month": rows["event_month"].astype(str), "provider": rows["provider"].astype(str)}
    )
    frame = frame[frame["theme"] > 0]
    counts = frame.groupby(["theme", "event_month", "provider"]).size().rename("n").reset_index().astype({"n": "int64"})
    terms = _top_terms(texts, labels, [str(p) for p in rows["provider"]], min_providers=min_providers)
    return Themes(len(number), counts, terms, labels)


def _top_terms(texts: Sequence[str], labels: Sequence[int], providers: Sequence[str], *, min_providers: int) -> Any:
    """The class-based TF-IDF top terms of each theme, each used by at least `min_providers` providers."""
    import pandas as pd

    per_theme: dict[int, dict[str, int]] = {}
    users: dict[tuple[int, str], set[str]] = {}
    for text, theme, provider in zip(texts, labels, providers, strict=True):
        if theme <= 0:
            continue
        tally = per_theme.setdefault(theme, {})
        for w in words(text):
            tally[w] = tally.get(w, 0) + 1
            users.setdefault((theme, w), set()).add(provider)
    overall: dict[str, int] = {}
    for tally in per_theme.values():
        for w, n in tally.items():
            overall[w] = overall.get(w, 0) + n
    mean_words = sum(overall.values()) / max(len(per_theme), 1)
    out = []
    for theme in sorted(per_theme):
        tally = per_theme[theme]
        size = sum(tally.values())
        scored = sorted(
            (
                (n / size * math.log(1 + mean_words / overall[w]), w)
                for w, n in tally.items()
                if len(users[(theme, w)]) >= min_providers
            ),
            key=lambda s: (-s[0], s[1]),
        )
        out += [{"theme": theme, "rank": i + 1, "term": w} for i, (_, w) in enumerate(scored[:TOP_TERMS])]
    return pd.DataFrame(out, columns=THEME_TERMS.names).astype({"theme": "int32", "rank": "int32"})


def _empty(schema: Any) -> Any:
    return schema.empty_table().to_pandas()


def refresh_themes(lake: Lake, *, seed: int = SEED) -> Themes | None:
    """Recompute the themes of the whole lake and write `theme_counts` and `theme_terms` beside its
    tables (replacing them); None (and nothing written) where the lake has no events table yet."""
    from openpso.lake import files

    if not lake.exists():
        return None
    themes = compute_themes(lake.execute(scrubbed_narratives(lake)), seed=seed)
    files.write(
        pa.Table.from_pandas(themes.counts, schema=THEME_COUNTS, preserve_index=False),
        files.table_path(lake.root, "theme_counts"),
    )
    files.write(
        pa.Table.from_pandas(themes.terms, schema=THEME_TERMS, preserve_index=False),
        files.table_path(lake.root, "theme_terms"),
    )
    return themes


def themes_stale(lake: Lake) -> bool:
    """Whether the events changed since the themes were written (or they never were)."""
    from openpso.lake import files

    written = files.table_path(lake.root, "theme_counts")
    events = [p.stat().st_mtime_ns for p in (lake.root / "events").glob(f"*/{files.PART}")]
    return bool(events) and (not written.exists() or written.stat().st_mtime_ns < max(events))


def theme_monthly(lake: Lake, scope: Scope) -> ir.Table:
    """Narratives per theme and month in scope: theme, event_month, n, providers (distinct)."""
    rows = scope.apply(lake.table("theme_counts"))
    per_provider = rows.group_by(["theme", "event_month", "provider"]).aggregate(n=rows.n.sum())
    counted = per_provider.group_by(["theme", "event_month"]).aggregate(
        n=per_provider.n.sum().cast("int64"), providers=per_provider.count().cast("int64")
    )
    return counted.order_by([ibis.asc("theme"), ibis.asc("event_month")])


def theme_terms(lake: Lake) -> ir.Table:
    terms = lake.table("theme_terms")
    return terms.order_by([ibis.asc("theme"), ibis.asc("rank")])
