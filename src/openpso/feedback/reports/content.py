"""What each report says: the analytics dashboards (released under the profile in force, peers suppressed) plus the
sections only the feedback app knows — the provider's own actions and their measured effect, what
the PSO learned this month (alerts and pooled signals), and what changed because people reported.

Each builder takes the organisation, the month ("YYYY-MM") and a progress callback (percent, words).

A report leaves the PSO, so its pooled parts are a release (docs/decisions/0017; openpso.nonid.release):
peers and pooled numbers at the release profile's dates (the year under release/1), peer groups of
at least k providers, and the document names its profile and the measured k (`release_line`); the
generated report is recorded as a `Release` (`reports.generate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from openpso.analytics.engine import Lake
from openpso.analytics.measures import label
from openpso.commonformats.rca2 import ACTION_TYPE_CHOICES, STRENGTH_LABELS, ActionStatus
from openpso.feedback import queries
from openpso.feedback.alerts.actions import status_counts
from openpso.feedback.alerts.evidence import describe
from openpso.feedback.digest.queries import digest_for
from openpso.feedback.models import AlertStatus, AlertTarget, ReportKind, SafetyAlert
from openpso.feedback.reports.document import ReportDocument, Section, Table, cell, figure_of
from openpso.lib.months import month_bounds
from openpso.nonid.profiles import RELEASE, Profile, period_of_month
from openpso.nonid.pseudonyms import provider_pseudonym, provider_pseudonyms
from openpso.nonid.release import release_line, release_profile
from openpso.organizations.models import Organization
from openpso.pses.rca.effectiveness import reviews_for
from openpso.pses.rca.models import ActionItem

Progress = Callable[[int, str], None]
PSWP = "Confidential: Patient Safety Work Product of {org} (42 U.S.C. 299b-22). For {org}'s own use."
NON_IDENTIFIED = "Non-identified pooled analytics: peers appear only as suppressed aggregates."
RELEASED = "Released under "  # how every release line starts (nonid.release.release_line)
NO_LAKE = "The PSO's pool holds no data yet, so there is nothing to compare."
_TYPE_LABELS = dict(ACTION_TYPE_CHOICES)
# Which panels of a dashboard go under which heading, by words in the panel id.
PEER_WORDS = ("peer", "pool", "funnel", "shrink", "benchmark", "caterpillar", "rank")
FACTOR_WORDS = ("factor", "pareto")


def _lake(pso: Organization | None) -> Lake | None:
    if pso is None:
        return None
    lake = Lake.for_pso(pso.slug)
    return lake if lake.exists() else None


def _group(panels: Iterable[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    own, peers, factors = [], [], []
    for panel in panels:
        words = panel.id.lower()
        if any(w in words for w in FACTOR_WORDS):
            factors.append(panel)
        elif any(w in words for w in PEER_WORDS):
            peers.append(panel)
        else:
            own.append(panel)
    return own, peers, factors


def _dashboard_sections(dashboard: Any, *, own_title: str) -> list[Section]:
    own, peers, factors = _group(dashboard.panels)
    notes = [n for n in getattr(dashboard, "notes", []) if not n.startswith(RELEASED)]
    released = next((n for n in getattr(dashboard, "notes", []) if n.startswith(RELEASED)), "")
    return [
        Section("rates", own_title, figures=[figure_of(p) for p in own], notes=notes),
        Section(
            "peers",
            "Peers (non-identified, suppressed)",
            intro=f"{NON_IDENTIFIED} {released}".strip(),
            figures=[figure_of(p) for p in peers],
        ),
        Section("factors", "Top contributing factors", figures=[figure_of(p) for p in factors]),
    ]


# --- provider monthly -------------------------------------------------------------------------------


def provider_monthly(org: Organization, month: str, progress: Progress) -> ReportDocument:
    from openpso.analytics.dashboards import provider_dashboard

    progress(10, "Reading the pool")
    lake = _lake(org.network)
    profile, determination = release_profile(org.network, on=month_bounds(month)[1])
    sections: list[Section] = []
    pooled_actions: list[Any] = []
    if lake is None:
        sections.append(Section("rates", "Your rates and control charts", notes=[NO_LAKE]))
    else:
        dashboard = provider_dashboard(
            lake, provider_pseudonym(org), end_month=month, profile=profile, determination=determination
        )
        # The actions the provider shared with the PSO (codes only) belong with its actions below.
        pooled_actions = [p for p in dashboard.panels if p.id == "actions"]
        dashboard.panels = [p for p in dashboard.panels if p.id != "actions"]
        sections += _dashboard_sections(dashboard, own_title="Your rates and control charts")
    progress(55, "Your actions and their measured effect")
    section = actions_section(org, month)
    section.figures += [figure_of(p) for p in pooled_actions]
    sections.append(section)
    progress(65, "What the PSO learned this month")
    sections.append(learned_section(org.network, month, lake, provider=org, profile=profile))
    sections.append(digest_section(org, month))
    return _released(
        ReportDocument(
            kind=ReportKind.PROVIDER_MONTHLY,
            title=f"Monthly safety report: {org.name}",
            organisation=org.name,
            month=month,
            confidentiality=PSWP.format(org=org.name),
            sections=sections,
        ),
        lake,
        profile,
        determination,
    )


def _released(document: ReportDocument, lake: Lake | None, profile: Profile, determination: Any) -> ReportDocument:
    """The document with the line naming its release profile and measured k, and what to record."""
    if lake is None:
        return document
    from openpso.analytics.dashboards.provider import peer_release

    peers = peer_release(lake, profile)
    document.release_line = release_line(profile, peers, determination)
    document.release = (profile, peers, determination)
    return document


def actions_section(org: Organization, month: str) -> Section:
    """The provider's RCA² actions implemented in the 12 months to `month`, each with its before/after rate."""
    start, end = month_bounds(month)
    since = dt.date(start.year - 1, start.month, 1)
    actions = (
        ActionItem.objects.filter(investigation__event__provider=org)
        .defer("action", "process_measure", "outcome_measure")  # encrypted texts: not loaded, not shown
        .select_related("investigation__event__provider")
    )
    done = list(actions.filter(status=ActionStatus.DONE, implemented_on__gte=since, implemented_on__lte=end))
    rows = [_action_row(a, end) for a in sorted(done, key=lambda a: (a.implemented_on or end, str(a.pk)))]
    open_count = actions.exclude(status=ActionStatus.DONE).count()
    overdue = actions.exclude(status=ActionStatus.DONE).filter(due_on__lt=start).count()
    columns = [
        "Action type",
        "Strength",
        "Category",
        "Implemented",
        "Rate before (95% CI)",
        "Rate after (95% CI)",
        "Change",
    ]
    table = Table(
        caption="Actions implemented in the last 12 months: related event rate per 1,000, 90 days before and after",
        columns=columns,
        rows=rows,
    )
    notes = [f"{open_count} PSES action{'s' if open_count != 1 else ''} still open, {overdue} past due before {month}."]
    if not rows:
        notes.insert(0, "No action of an RCA² investigation in your PSES was implemented in the last 12 months.")
    return Section("actions", "Your actions and their measured effect", tables=[table] if rows else [], notes=notes)


def _rate(r: Any) -> str:
    if r.rate is None:
        return "no denominator"
    return f"{r.rate:.2f} ({r.lower:.2f}–{r.upper:.2f}), {r.count} events"


def _action_row(action: ActionItem, end: dt.date) -> list[str]:
    reviews = reviews_for(action, today=end)
    first = reviews[0] if reviews else None
    before = _rate(first.comparison.before) if first else "—"
    after = _rate(first.comparison.after) if first and first.due else "not yet 90 days"
    change = first.comparison.percent_change if first and first.due else None
    return [
        _TYPE_LABELS.get(action.action_type, action.action_type),
        STRENGTH_LABELS[action.strength],
        label("category", action.category) if action.category else "—",
        f"{action.implemented_on:%Y-%m}" if action.implemented_on else "—",
        before,
        after,
        f"{change:+.0f}%" if change is not None else "—",
    ]


# --- what the PSO learned -----------------------------------------------------------------------


def learned_section(
    pso: Organization | None,
    month: str,
    lake: Lake | None,
    *,
    provider: Organization | None = None,
    profile: Profile = RELEASE,
) -> Section:
    """Alerts the PSO published in the month and the pool's new signals (both non-identified); the
    signals at the profile's dates (under release/1, those of the month's year, by year)."""
    start, end = month_bounds(month)
    section = Section("learned", "What the PSO learned this month")
    if pso is None:
        return section
    published = SafetyAlert.objects.filter(
        pso=pso,
        status__in=[AlertStatus.PUBLISHED, AlertStatus.WITHDRAWN],
        published_at__date__gte=start,
        published_at__date__lte=end,
    ).order_by("published_at")
    if provider is not None:
        # A member sees the alerts sent to it: safety alerts are a product of its agreement too.
        published = published.filter(targets__provider=provider)
    rows = []
    for alert in published:
        row = [alert.reference, alert.title, alert.get_severity_display(), ", ".join(alert.categories) or "—"]
        if provider is not None:
            target = AlertTarget.objects.get(alert=alert, provider=provider)
            row.append("acknowledged" if target.acknowledged_at else "not yet acknowledged")
        else:
            counts = status_counts(alert.targets.all())
            row.append(f"{counts.acknowledged} of {counts.targeted} acknowledged")
        rows.append(row)
    columns = ["Alert", "Title", "Severity", "Categories", "Your response" if provider else "Members"]
    if rows:
        section.tables.append(Table(caption=f"Safety alerts published in {month}", columns=columns, rows=rows))
    else:
        section.notes.append(f"No safety alert {'was sent to you' if provider else 'was published'} in {month}.")
    signals = _signals(lake, month, profile)
    when = period_of_month(month, profile)
    if signals:
        section.tables.append(
            Table(caption=f"Pooled signals in {when}", columns=["Signal"], rows=[[s] for s in signals])
        )
    else:
        section.notes.append(f"No pooled signal in {when}.")
    return section


def _signals(lake: Lake | None, month: str, profile: Profile) -> list[str]:
    if lake is None:
        return []
    from openpso.analytics.dashboards.provider import peer_release
    from openpso.analytics.signals_pool import detect_signals
    from openpso.feedback.alerts.evidence import releasable

    when, released = period_of_month(month, profile), peer_release(lake, profile)
    return [
        describe(s.series, s.label, s.observed, s.expected, s.method, profile=profile)
        for s in detect_signals(lake)
        if period_of_month(s.label, profile) == when and s.label <= month and releasable(s.series, released)
    ]


# --- reporter digest ------------------------------------------------------------------------------


def digest_section(org: Organization, month: str) -> Section:
    start, end = month_bounds(month)
    digest = digest_for(org, start=start, end=end)
    year = digest_for(org, start=dt.date(start.year - 1, start.month, 1), end=end)
    notes = [
        f"In {month}: {digest.actions} change{'s' if digest.actions != 1 else ''} put in place, "
        f"coming from {digest.reports} report{'s' if digest.reports != 1 else ''}.",
        f"In the 12 months to {month}: {year.actions} changes from {year.reports} reports "
        + "("
        + ", ".join(f"{n} {s.lower()}" for s, n in year.by_strength.items())
        + " in the RCA² action hierarchy).",
    ]
    rows = [[r.action_type, r.strength, r.category, r.month, cell(r.count)] for r in digest.rows]
    table = Table(
        caption=f"Changes put in place in {month}",
        columns=["Change", "Strength", "Category", "Month", "Number"],
        rows=rows,
    )
    return Section("digest", "What changed because you reported", tables=[table] if rows else [], notes=notes)


def reporter_digest(org: Organization, month: str, progress: Progress) -> ReportDocument:
    progress(30, "Changes put in place")
    section = digest_section(org, month)
    section.intro = "Thank you for reporting. These are the changes your safety team made after reports like yours."
    return ReportDocument(
        kind=ReportKind.REPORTER_DIGEST,
        title=f"What changed because you reported: {org.name}",
        organisation=org.name,
        month=month,
        confidentiality=PSWP.format(org=org.name),
        sections=[section],
    )


# --- health system and PSO ------------------------------------------------------------------------


def system_report(system: Organization, month: str, progress: Progress) -> ReportDocument:
    from openpso.analytics.dashboards import system_dashboard

    affiliates = queries.system_affiliates(system)
    progress(10, "Reading the pool")
    lake = _lake(system.network)
    profile, determination = release_profile(system.network, on=month_bounds(month)[1])
    sections: list[Section] = []
    # Provider → code only, to pick the affiliates' pooled rows: the report names no affiliate
    # from the pool (a code maps to a name only through the PSO's logged re-identification); its
    # alert table below names them from the PSO's own records.
    network = system.network_id
    pooled = [p.pk for p in affiliates if network is not None and p.network_id == network]
    codes = frozenset(provider_pseudonyms(network, pooled).values()) if network is not None and pooled else frozenset()
    if lake is None or not codes:
        sections.append(
            Section("rates", "Affiliates' rates", notes=[NO_LAKE if codes else "No affiliate shares with the system."])
        )
    else:
        sections += _dashboard_sections(
            system_dashboard(lake, codes, end_month=month, profile=profile, determination=determination),
            own_title="Affiliates' rates and control charts",
        )
    progress(60, "Alert responses")
    sections.append(_affiliate_alerts(affiliates))
    sections.append(learned_section(system.network, month, lake, profile=profile))
    return _released(
        ReportDocument(
            kind=ReportKind.SYSTEM,
            title=f"Health-system safety report: {system.name}",
            organisation=system.name,
            month=month,
            confidentiality=(
                "Confidential: affiliates' Patient Safety Work Product, shared under their member agreements."
            ),
            sections=sections,
        ),
        lake if codes else None,
        profile,
        determination,
    )


def _affiliate_alerts(affiliates: list[Organization]) -> Section:
    rows = []
    for provider in affiliates:
        targets = AlertTarget.objects.filter(provider=provider, alert__status=AlertStatus.PUBLISHED)
        counts = status_counts(targets)
        rows.append(
            [
                provider.name,
                cell(counts.targeted),
                cell(counts.acknowledged),
                cell(counts.not_acknowledged),
                cell(counts.action_done),
            ]
        )
    table = Table(
        caption="Open safety alerts per affiliate",
        columns=["Affiliate", "Alerts", "Acknowledged", "Not yet", "Action done"],
        rows=rows,
    )
    return Section("alerts", "Safety alerts: affiliates' responses", tables=[table] if rows else [])


def pso_learning(pso: Organization, month: str, progress: Progress) -> ReportDocument:
    from openpso.analytics.dashboards import pso_dashboard

    progress(10, "Reading the pool")
    lake = _lake(pso)
    profile, determination = release_profile(pso, on=month_bounds(month)[1])
    sections: list[Section] = []
    if lake is None:
        sections.append(Section("rates", "The pool", notes=[NO_LAKE]))
    else:
        # Members read this report: every count goes through small-cell suppression, and panels
        # listing providers (even by pseudonym) stay on the analyst's screen. Under a year profile
        # the monthly panels (control charts, unit-type trends) stay there too: the pool's events
        # and rate are given year by year instead.
        dashboard = pso_dashboard(lake, end_month=month, for_members=True)
        dashboard.panels = [p for p in dashboard.panels if "provider" not in p.table.columns]
        if profile.date_precision == "year":
            dashboard.panels = [p for p in dashboard.panels if "month" not in p.table.columns]
        sections += _dashboard_sections(dashboard, own_title="The pool: rates and control charts")
        if profile.date_precision == "year" and dashboard.period[0]:
            sections[0].tables.append(_pool_by_year(lake, dashboard.period, profile))
    progress(65, "Alerts and signals")
    sections.append(learned_section(pso, month, lake, profile=profile))
    return _released(
        ReportDocument(
            kind=ReportKind.PSO_LEARNING,
            title=f"Learning report: {pso.name}",
            organisation=pso.name,
            month=month,
            confidentiality=NON_IDENTIFIED,
            sections=sections,
        ),
        lake,
        profile,
        determination,
    )


def _pool_by_year(lake: Lake, period: tuple[str, str], profile: Profile) -> Table:
    """The whole pool's events and rate per year, each count through small-cell suppression."""
    from openpso.analytics.dashboards.provider import by_period, members_of, periods_of, suppressed_monthly
    from openpso.analytics.expressions import Scope, monthly_exposure
    from openpso.analytics.measures import PER
    from openpso.analytics.panels import by_month
    from openpso.lib.months import month_range

    window = month_range(*period)
    scope = Scope(providers=frozenset(str(p) for p in members_of(lake)["provider"]), months=period)
    counts, _ = suppressed_monthly(lake, scope, window, profile)
    exposure = by_period(by_month(lake.execute(monthly_exposure(lake, scope)), "exposure"), window, profile)
    rows = []
    for year in periods_of(window, profile):
        n, volume = counts.get(year), exposure.get(year)
        rate = f"{float(n) / float(volume) * PER:.2f}" if n is not None and volume else "—"
        rows.append([year, cell(n) if n is not None else "hidden (small numbers)", rate])
    return Table(
        caption=f"Events in the pool per year, {period[0][:4]} to {period[1][:4]} (the last year so far)",
        columns=["Year", "Events", f"Per {PER:,} units of volume"],
        rows=rows,
    )


BUILDERS: dict[str, Callable[[Organization, str, Progress], ReportDocument]] = {
    ReportKind.PROVIDER_MONTHLY: provider_monthly,
    ReportKind.REPORTER_DIGEST: reporter_digest,
    ReportKind.SYSTEM: system_report,
    ReportKind.PSO_LEARNING: pso_learning,
}
