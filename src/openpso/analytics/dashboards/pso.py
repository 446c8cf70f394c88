"""The PSO analyst's dashboard: the whole pool, providers by pseudonym only (the lake holds no names)."""

from __future__ import annotations

import hashlib

import pandas as pd  # type: ignore[import-untyped]
from scipy.stats import poisson  # type: ignore[import-untyped]

from openpso.analytics import charts
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import Scope
from openpso.analytics.measures import PER, RATE_MEASURE, label
from openpso.analytics.panels import (
    NO_DATA,
    Dashboard,
    Drill,
    Panel,
    available_months,
    by_month,
    empty_panel,
    funnel_description,
    funnel_of,
    measure_words,
    pareto_panel,
    period_of,
    rate_chart,
    spc_panel,
    type_words,
    unit_words,
)
from openpso.analytics.signals_pool import pool_signals, series_filters
from openpso.analytics.stats.shrinkage import eb_poisson
from openpso.analytics.stats.signals import Signal
from openpso.analytics.suite import dashboard_queries, recent_words
from openpso.analytics.themes import theme_monthly, theme_terms, themes_stale
from openpso.lib.months import month_range
from openpso.nonid.release import POOL_LINE
from openpso.nonid.suppression import configured_rules, suppress_counts

RANKED_SHOWN = 25  # the caterpillar draws the highest-ranked; the table lists every provider
SIGNALS_SHOWN = 6
UNIT_TYPES_SHOWN = 9


def signal_id(signal: Signal) -> str:
    """A short stable id for a signal, for its drill-down URL (the series name holds codes only)."""
    text = f"{signal.series}|{signal.method}|{signal.label}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def surprise(signal: Signal) -> float:
    """How unlikely the signal's excess is by chance: the one-sided Poisson probability of at least
    the observed events given the expected. Signals are listed by it, most surprising first: a high
    ratio on a handful of events is noise more often than a moderate rise on hundreds, and CUSUM
    statistics of different series have different thresholds, so neither orders them well."""
    return float(poisson.sf(signal.observed - 1, max(signal.expected, 1e-9)))


# The pool's tables a member-facing view publishes, and the columns each is counted by.
MEMBER_TABLES = {
    "monthly_counts": ["event_month"],
    "monthly_harmful": ["event_month"],
    "category_counts": ["category"],
    "factor_counts": ["factor"],
    "unit_type_monthly": ["event_month", "unit_type"],
}
MEMBER_PANELS = {"monthly_counts": "rate", "monthly_harmful": "harm", "category_counts": "categories"}
MEMBER_PANELS |= {"factor_counts": "factors", "unit_type_monthly": "units"}


def published(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """`frame` (*by, n, providers) with every count through small-cell suppression: None where hidden.
    No totals are published beside it, so a hidden count cannot be worked out from them."""
    rows = [
        {**{k: r[k] for k in by}, "n": int(r["n"]), "providers": int(r["providers"])} for r in frame.to_dict("records")
    ]
    if not rows:
        return frame.assign(suppressed=pd.Series(dtype=bool))
    shown = suppress_counts(rows, by=by, count="n", providers="providers", with_totals=False)
    return pd.DataFrame(shown, columns=[*by, "n", "providers", "suppressed"])


def pso_dashboard(
    lake: Lake, *, end_month: str | None = None, provider_type: str | None = None, for_members: bool = False
) -> Dashboard:
    """The pool for the PSO analyst: pooled SPC, Paretos, a funnel and peer ranking within one
    provider type (`provider_type`, default the most numerous), signals, unit-type trends.

    `for_members`: the pool as members may see it (a PSO learning report): every count through
    small-cell suppression, and nothing drawn per provider or per signal series (funnel, ranking,
    signals), where a few providers' events could stand out even unlabelled."""
    months = available_months(lake)
    period = period_of(months, end_month)
    if period is None:
        return Dashboard("pso", "The pool", ("", ""), [], months=months, notes=[NO_DATA])
    window = month_range(*period)
    frames = dashboard_queries(lake, Scope(months=period))
    if for_members:
        frames |= {name: published(frames[name], by) for name, by in MEMBER_TABLES.items()}
    types = frames["provider_counts"]["provider_type"].dropna().value_counts()
    focus = str(provider_type) if provider_type in types.index else (str(types.index[0]) if len(types) else "hospital")
    counts, exposure = by_month(frames["monthly_counts"], "n"), by_month(frames["monthly_exposure"], "exposure")
    harmful = by_month(frames["monthly_harmful"], "n")
    volume = "each member's volume (patient-days, EMS responses or encounters, by provider type)"
    dashboard = Dashboard("pso", "The pool", period, [], months=months)
    dashboard.panels += [
        spc_panel(
            "rate",
            title=f"All events per {PER:,} units of volume, whole pool",
            what="the pool's monthly event rate",
            chart=rate_chart(window, counts, exposure, laney=True),
            counts=counts,
            exposures=exposure,
            measure="volume",
            caption=f"Events per {PER:,} of {volume}. Laney u′ chart: pooled denominators are large, so "
            "the limits allow for real month-to-month variation between members (Laney 2002).",
        ),
        spc_panel(
            "harm",
            title=f"Harmful events per {PER:,} units of volume, whole pool",
            what="the pool's monthly rate of events that reached and harmed a patient",
            chart=rate_chart(window, harmful, exposure, laney=True),
            counts=harmful,
            exposures=exposure,
            measure="volume",
            caption="Incidents with harm from mild to death (AHRQ harm scale). Laney u′ chart.",
        ),
        pareto_panel(
            "categories",
            title="Events by category",
            counts=_counts(frames["category_counts"], "category"),
            kind="category",
            caption="An event counts once in each of its Common Formats categories (HERF DE21).",
            # The analyst opens the pooled events behind it; a learning report for members does not.
            drill=None if for_members else "events/",
        ),
        pareto_panel(
            "factors",
            title="Contributing factors",
            counts=_counts(frames["factor_counts"], "factor"),
            kind="factor",
            caption="Events per contributing factor recorded in their investigations.",
        ),
    ]
    if not for_members:
        dashboard.panels += [
            _funnel_panel(frames["provider_falls"], focus, period),
            _ranking_panel(frames["provider_counts"], focus),
        ]
        signals = sorted(pool_signals(frames), key=lambda s: (surprise(s), s.series))
        _add_signals(dashboard, signals, period)
    dashboard.panels.append(_unit_panel(frames["unit_type_monthly"]))
    if not for_members:
        dashboard.panels.append(themes_panel(lake, period))
    if for_members:
        hidden = {MEMBER_PANELS[name] for name in MEMBER_TABLES if frames[name]["suppressed"].any()}
        for panel in dashboard.panels:
            panel.suppressed = panel.id in hidden
        dashboard.notes.append("Counts from too few events or providers are hidden (small-cell suppression).")
        return dashboard
    dashboard.notes.append(POOL_LINE)  # the analyst's own screen: the pool as it is, not a release (decision 0017)
    dashboard.notes.append(
        f"Funnel and ranking compare {type_words(focus)} over {recent_words(period)}, "
        f"per {PER:,} {measure_words(RATE_MEASURE.get(focus, 'encounters'))}."
    )
    return dashboard


def _counts(frame: pd.DataFrame, column: str) -> dict[str, int]:
    """Code → count, hidden (suppressed) counts left out."""
    return {str(k): int(n) for k, n in zip(frame[column], frame["n"], strict=True) if k is not None and pd.notna(n)}


def _funnel_panel(providers: pd.DataFrame, focus: str, period: tuple[str, str]) -> Panel:
    rows = providers[providers["provider_type"] == focus]
    measure = measure_words(RATE_MEASURE.get(focus, "encounters"))
    title = f"Falls per {PER:,} {measure}: {type_words(focus)}"
    funnel = funnel_of(rows)
    caption = f"Each point is one provider (pseudonymous) over {recent_words(period)}."
    if funnel is None:
        return empty_panel("funnel", title=title, caption=f"{caption} Fewer than three providers with volume data.")
    description = funnel_description(funnel, what=f"falls among {type_words(focus)}")
    chart = charts.funnel_plot(funnel, title=title, x_title=measure.capitalize(), y_title=f"Falls per {PER:,}")
    table = pd.DataFrame(
        [
            {
                "provider": p.unit,
                "falls": p.count,
                f"exposure ({measure})": p.exposure,
                f"rate per {PER:,}": round(p.rate, 4),
                "z": round(p.z, 3),
                "position": charts.FLAG_LABELS.get(p.flag, p.flag),
            }
            for p in sorted(funnel.points, key=lambda p: (-p.z, p.unit))
        ]
    )
    return Panel("funnel", title, charts.svg(chart, description=description), table, f"{caption} {description}")


def _ranking_panel(providers: pd.DataFrame, focus: str) -> Panel:
    rows = providers[(providers["provider_type"] == focus) & (providers["exposure"] > 0)]
    measure = measure_words(RATE_MEASURE.get(focus, "encounters"))
    title = f"Peer ranking, all events per {PER:,} {measure}: {type_words(focus)}"
    if len(rows) < 2:
        return empty_panel("ranking", title=title, caption="Fewer than two providers with volume data.")
    groups = [str(s or "unknown") for s in rows["size_band"]]
    ranked = eb_poisson(
        [int(n) for n in rows["n"]],
        [float(e) for e in rows["exposure"]],
        [str(p) for p in rows["provider"]],
        groups=groups,
        per=PER,
    )
    shown = sorted(ranked, key=lambda r: (-r.shrunk, r.unit))[:RANKED_SHOWN]
    chart = charts.caterpillar(shown, title=title, x_title=f"Events per {PER:,}", subtitle="Highest shrunken rates")
    description = (
        f"Empirical-Bayes shrunken event rates of {len(ranked)} {type_words(focus)}, each pulled towards its "
        f"size band's rate in proportion to how little volume it has, so a small provider is not ranked on "
        f"noise. The {len(shown)} highest are drawn with 95% intervals; hollow marks are raw rates."
    )
    table = pd.DataFrame(
        [
            {
                "rank in size band": r.rank,
                "provider": r.unit,
                "size band": r.group,
                "events": r.count,
                f"exposure ({measure})": r.exposure,
                "raw rate": round(r.raw, 4),
                "shrunken rate": round(r.shrunk, 4),
                "lower 95%": round(r.lower, 4),
                "upper 95%": round(r.upper, 4),
                "weight on own data": round(r.weight, 3),
            }
            for r in sorted(ranked, key=lambda r: (r.group, r.rank, r.unit))
        ]
    )
    return Panel("ranking", title, charts.svg(chart, description=description), table, description)


def _signal_words(signal: Signal) -> str:
    filters = series_filters(signal.series)
    parts = [label("category", filters.get("category"))]
    if "provider_type" in filters:
        parts.append(f"at {type_words(filters['provider_type'])}")
    if "unit_type" in filters:
        parts.append(f"on {unit_words(filters['unit_type'])} units")
    return " ".join(parts)


def _add_signals(dashboard: Dashboard, signals: list[Signal], period: tuple[str, str]) -> None:
    """A table of every signal (each linked to its events) and an evidence chart for the strongest."""
    rows = []
    for signal in signals:
        sid = signal_id(signal)
        filters = series_filters(signal.series)
        months = [e.label for e in signal.evidence] or [period[1]]
        dashboard.drills[sid] = Drill(
            title=f"Rising {_signal_words(signal)}",
            months=(min(months), max(months)),
            category=filters.get("category"),
            unit_type=filters.get("unit_type"),
            provider_type=filters.get("provider_type"),
        )
        rows.append(
            {
                "signal": sid,
                "what": _signal_words(signal),
                "series": signal.series,
                "method": signal.method,
                "month": signal.label,
                "observed": signal.observed,
                "expected": round(signal.expected, 2),
                "observed / expected": round(signal.ratio, 2),
                "statistic": round(signal.statistic, 3),
                "threshold": round(signal.threshold, 3),
                "chance (one-sided Poisson)": float(f"{surprise(signal):.2g}"),
                "events": f"signals/{sid}/",
            }
        )
    title = "Signals: emerging increases across the pool"
    caption = (
        "Poisson CUSUM on monthly rates per category within each provider type and each unit type; the first "
        "twelve months set the expected rate. Listed most surprising first (the chance of at least the observed "
        "events if the expected rate held); each links to the non-identified events behind it."
    )
    if not rows:
        dashboard.panels.append(empty_panel("signals", title=title, caption=f"{caption} No signal in this period."))
        return
    table = pd.DataFrame(rows)
    chart = charts.bar_chart(
        rows, x="what", y="observed / expected", title=title, x_title="", y_title="Observed / expected events"
    )
    description = f"{len(rows)} signal(s); strongest: " + "; ".join(
        f"{r['what']} ({r['observed / expected']}× expected by {r['month']})" for r in rows[:3]
    )
    dashboard.panels.append(Panel("signals", title, charts.svg(chart, description=description), table, caption))
    for signal, row in zip(signals[:SIGNALS_SHOWN], rows, strict=False):
        sid = str(row["signal"])
        words = str(row["what"])
        words = words[:1].upper() + words[1:]
        evidence = pd.DataFrame(
            [
                {"month": e.label, "observed": e.observed, "expected": round(e.expected, 2), "statistic": e.statistic}
                for e in signal.evidence
            ]
        )
        text = (
            f"{words}: {signal.observed} events against {signal.expected:.1f} expected "
            f"({signal.ratio:.2f}×), signalled in {signal.label} ({signal.method})."
        )
        svg = charts.svg(charts.signal_evidence(signal, title=f"Signal: {words}"), description=text)
        dashboard.panels.append(
            Panel(f"signal-{sid}", f"Signal: {words}", svg, evidence, text, drill=f"signals/{sid}/")
        )


def _unit_panel(frame: pd.DataFrame) -> Panel:
    title = "Events by unit type, month by month"
    caption = "Counts, not rates: the lake has no volumes per unit type. The busiest unit types are drawn."
    if frame.empty:
        return empty_panel("units", title=title, caption=caption)
    totals = frame.groupby("unit_type")["n"].sum().sort_values(ascending=False)
    top = list(totals.index[:UNIT_TYPES_SHOWN])
    shown = frame[frame["unit_type"].isin(top)]
    rows = [
        {"label": str(m), "unit": unit_words(str(u)), "n": int(n) if pd.notna(n) else None}
        for m, u, n in zip(shown["event_month"], shown["unit_type"], shown["n"], strict=True)
    ]
    chart = charts.small_multiples(rows, facet="unit", y="n", title=title, y_title="Events")
    description = "Small multiples of monthly event counts for " + ", ".join(unit_words(str(u)) for u in top) + "."
    table = frame.drop(columns=["providers"], errors="ignore")
    table = table.assign(unit_type=table["unit_type"].map(lambda u: unit_words(str(u))))
    table = table.rename(columns={"event_month": "month", "unit_type": "unit type", "n": "events"})
    return Panel("units", title, charts.svg(chart, description=description), table.reset_index(drop=True), caption)


def themes_panel(lake: Lake, period: tuple[str, str]) -> Panel:
    """Themes over time: narratives per theme (clusters of the scrubbed narratives, named by their
    top terms; `analytics.themes`) and month, every cell through small-cell suppression."""
    title = "Themes over time"
    least = configured_rules().min_providers  # the word rule analytics.themes applied when naming them
    caption = (
        "Clusters of the pooled narratives as scrubbed for the pool (WordLlama vectors, k-means), each named by "
        f"its most distinctive words that at least {least} providers' narratives use. A theme is a pattern in the "
        "words, not a coded category; themes are renumbered at every refresh. Cells from too few narratives or "
        "providers are hidden (—), with others where needed so they cannot be worked out."
    )
    frame = published(lake.execute(theme_monthly(lake, Scope(months=period))), ["theme", "event_month"])
    if frame.empty:
        return empty_panel("themes", title=title, caption=f"{caption} No themes computed for this period yet.")
    terms = lake.execute(theme_terms(lake))
    named = {int(t): ", ".join(str(w) for w in g["term"]) for t, g in terms.groupby("theme")}
    names = {t: f"{t}. {named.get(t) or 'no word shared by enough providers'}" for t in sorted(set(frame["theme"]))}
    rows = [
        {"label": str(m), "theme": names[int(t)], "n": None if pd.isna(n) else int(n)}
        for t, m, n in zip(frame["theme"], frame["event_month"], frame["n"], strict=True)
    ]
    chart = charts.small_multiples(
        rows, facet="theme", y="n", title=title, y_title="Narratives", order=list(names.values())
    )
    description = f"Small multiples of monthly narrative counts for {len(names)} themes: " + "; ".join(names.values())
    table = pd.DataFrame(
        {
            "theme": [names[int(t)] for t in frame["theme"]],
            "month": frame["event_month"].astype(str),
            "narratives": pd.array([None if pd.isna(n) else int(n) for n in frame["n"]], dtype="Int64"),
        }
    )
    if themes_stale(lake):
        caption += " Computed before the latest pooled events arrived: the task worker recomputes them after a refresh."
    panel = Panel("themes", title, charts.svg(chart, description=description), table, f"{caption} {description}")
    panel.suppressed = bool(frame["suppressed"].any())
    return panel
