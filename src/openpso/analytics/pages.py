"""Dashboard pages, each panel's CSV, and drill-downs to the pooled events behind a number
(reached through `views`, which loads this module on the first request).

Every view finds its organisation through `access` (404 for anything outside the user's reach)
and its dashboard through `caching` (built once per lake state). Charts are inline SVG rendered
on the server, so the pages run no script of their own.

Audit (invariant 3): the dashboards show aggregates of the non-identified lake, so opening one
reads no PSWP record and is not logged, as listing the PSO inbox is not (only an opened event
is). A drill-down lists event-level pooled rows, narratives included: still non-identified,
but it is the analytics' nearest thing to opening events, so it is logged like one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd  # type: ignore[import-untyped]
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from openpso.analytics import access
from openpso.analytics.caching import cached, lake_stamp
from openpso.analytics.dashboards import (
    Dashboard,
    Drill,
    available_months,
    provider_dashboard,
    pso_dashboard,
    system_dashboard,
)
from openpso.analytics.engine import Lake
from openpso.analytics.events import LAKE_DRILL, AnalyticsAction
from openpso.analytics.expressions import Scope, events_matching
from openpso.analytics.measures import category_labels, label
from openpso.analytics.panels import NO_DATA, type_words, unit_words
from openpso.audit.trail import record
from openpso.nonid.models import ExpertDetermination
from openpso.nonid.profiles import Profile
from openpso.nonid.pseudonyms import provider_pseudonym, provider_pseudonyms
from openpso.nonid.release import record_release, release_line, release_profile
from openpso.organizations.models import Organization
from openpso.pswp.labels import release_label

DRILL_LIMIT = 200


class PeriodForm(forms.Form):
    end = forms.ChoiceField(required=False, label="Period ending")
    type = forms.ChoiceField(required=False, label="Compare providers of type")

    def __init__(self, data: Any, *, months: list[str], types: list[str] | None) -> None:
        super().__init__(data)
        end = self.fields["end"]
        assert isinstance(end, forms.ChoiceField)
        end.choices = [("", "Latest month"), *[(m, m) for m in reversed(months)]]
        kind = self.fields["type"]
        assert isinstance(kind, forms.ChoiceField)
        if types is None:
            del self.fields["type"]
        else:
            kind.choices = [("", "Most numerous"), *[(t, type_words(t).capitalize()) for t in types]]

    def value(self, name: str) -> str | None:
        """A valid choice, else None (an unknown month or type falls back to the default)."""
        if not self.is_valid() or name not in self.fields:
            return None
        return self.cleaned_data.get(name) or None


@dataclass
class Source:
    """One dashboard's lake, the organisation it is for, and how to build it."""

    audience: str
    org: Organization
    pso: Organization
    lake: Lake
    base: str  # the dashboard's URL; panel CSVs and drill-downs hang below it
    build: Callable[[Lake, str | None, str | None], Dashboard]
    scope: tuple[Any, ...] = ()
    params: dict[str, str] | None = None  # query parameters that pick the dashboard (the PSO's slug)
    # The release profile in force and its determination (none for the analyst's own dashboard):
    # a determination that starts or ends changes the dashboard.
    release: tuple[str, int | None] | None = None


def _pso_source(request: HttpRequest) -> Source:
    return pso_source(access.get_pso_for_user(request.user, request.GET.get("pso")))


def pso_source(pso: Organization) -> Source:
    """The PSO analyst's dashboard of `pso` (access is the caller's business)."""
    return Source(
        "pso",
        pso,
        pso,
        Lake.for_pso(pso.slug),
        reverse("analytics:pso"),
        lambda lake, end, kind: pso_dashboard(lake, end_month=end, provider_type=kind),
        params={"pso": pso.slug},
    )


def _provider_source(request: HttpRequest, slug: str) -> Source:
    return provider_source(access.get_provider_for_user(request.user, slug))


def provider_source(provider: Organization) -> Source:
    """The dashboard of `provider`, a member of a PSO network (access is the caller's business)."""
    assert provider.network is not None  # access.providers_for requires a network
    pseudonym = provider_pseudonym(provider)
    profile, determination = release_profile(provider.network)
    return Source(
        "provider",
        provider,
        provider.network,
        Lake.for_pso(provider.network.slug),
        reverse("analytics:provider", kwargs={"slug": provider.slug}),
        lambda lake, end, _: provider_dashboard(
            lake, pseudonym, end_month=end, profile=profile, determination=determination
        ),
        scope=(pseudonym,),
        release=_release_key(profile, determination),
    )


def _system_source(request: HttpRequest, slug: str) -> Source:
    return system_source(access.get_system_for_user(request.user, slug))


def system_source(system: Organization) -> Source:
    """The dashboard of health system `system` over its sharing affiliates (access is the caller's business)."""
    assert system.network is not None
    # Provider → code only, to pick the affiliates' rows; the page never maps a code back to a name
    # (that is the PSO's logged re-identification) nor shows one.
    members = access.affiliates_of(system).values_list("pk", flat=True)  # within the system's network
    affiliates = frozenset(provider_pseudonyms(system.network.pk, members).values())
    profile, determination = release_profile(system.network)
    return Source(
        "system",
        system,
        system.network,
        Lake.for_pso(system.network.slug),
        reverse("analytics:system", kwargs={"slug": system.slug}),
        lambda lake, end, _: system_dashboard(
            lake, affiliates, end_month=end, profile=profile, determination=determination
        ),
        scope=tuple(sorted(affiliates)),  # an agreement that changes changes the dashboard
        release=_release_key(profile, determination),
    )


def _release_key(profile: Profile, determination: ExpertDetermination | None) -> tuple[str, int | None]:
    return (profile.id, determination.pk if determination else None)


def _provider_types(lake: Lake) -> list[str]:
    table = lake.table("providers")
    frame = lake.execute(table.select("provider_type").distinct().order_by("provider_type"))
    return [str(t) for t in frame["provider_type"] if t]


def _load(request: HttpRequest, source: Source) -> tuple[Dashboard | None, PeriodForm | None, str]:
    """The dashboard the request asks for (None: no lake yet), its period form, and its query string."""
    if not source.lake.exists():
        return None, None, ""
    stamp = lake_stamp(source.lake, source.pso)
    months, types = _choices(source, stamp)
    form = PeriodForm(request.GET, months=months, types=types if source.audience == "pso" else None)
    end, kind = form.value("end"), form.value("type")
    dashboard = cached_dashboard(source, stamp, end, kind)
    params = {**(source.params or {}), **{k: v for k, v in (("end", end), ("type", kind)) if v}}
    return dashboard, form, urlencode(params)


def _choices(source: Source, stamp: str) -> tuple[list[str], list[str]]:
    return cached(
        ("choices", source.pso.pk), stamp, lambda: (available_months(source.lake), _provider_types(source.lake))
    )


def cached_dashboard(source: Source, stamp: str, end: str | None, kind: str | None) -> Dashboard:
    """The dashboard for this period and provider type, built once per lake state."""
    parts = (source.audience, source.org.pk, source.scope, source.release, end, kind)
    return cached(parts, stamp, lambda: _build(source, end, kind))


def _build(source: Source, end: str | None, kind: str | None) -> Dashboard:
    """Build a dashboard; a member's or a health system's is a release, recorded once per build
    (the cache then serves it until the lake, the period or the profile in force changes)."""
    dashboard = source.build(source.lake, end, kind)
    if dashboard.release is not None:
        profile, peers, determination = dashboard.release
        record_release(
            pso=source.pso,
            what=f"analytics.dashboard:{source.audience}",
            profile=profile,
            peers=peers,
            determination=determination,
            recipient=source.org,
            object_id="/".join(part for part in (dashboard.period[1], kind or "") if part),
        )
    return dashboard


def warm(source: Source) -> None:
    """Build the default dashboard (latest month, default type) into the cache ahead of its first view."""
    if source.lake.exists():
        stamp = lake_stamp(source.lake, source.pso)
        _choices(source, stamp)
        cached_dashboard(source, stamp, None, None)


def _table(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns and rows for the template; missing values (suppressed or not applicable) as None."""
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def _page(request: HttpRequest, source: Source) -> HttpResponse:
    dashboard, form, query = _load(request, source)
    panels = [{"panel": p, "table": _table(p.table)} for p in dashboard.panels] if dashboard else []
    context = {
        "source": source,
        "dashboard": dashboard,
        "panels": panels,
        "form": form,
        "query": query,
        "no_data": NO_DATA,
    }
    return render(request, "analytics/dashboard.html", context)


def _csv(request: HttpRequest, source: Source, panel_id: str) -> HttpResponse:
    dashboard, _, _ = _load(request, source)
    panel = dashboard.panel(panel_id) if dashboard else None
    if dashboard is None or panel is None:
        raise Http404("No such panel")
    response = HttpResponse(panel.csv(_release_marks(dashboard)), content_type="text/csv; charset=utf-8")
    name = f"openpso-{source.audience}-{source.org.slug}-{panel.id}-{dashboard.period[1]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _release_marks(dashboard: Dashboard) -> dict[str, str]:
    """A member's or health system's CSV leaves the PSO: it says, on every row, that it is PSWP
    released under a profile, and the release line (profile, dates, measured k)."""
    if dashboard.release is None:
        return {}
    profile, peers, determination = dashboard.release
    return {"pswp_status": str(release_label(profile.id)), "release": release_line(profile, peers, determination)}


def _given(value: object) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and pd.isna(value))


def _events(
    request: HttpRequest,
    source: Source,
    drill: Drill,
    *,
    providers: frozenset[str] | None,
    names: dict[str, str] | None = None,
) -> HttpResponse:
    scope = Scope(providers=providers, provider_type=drill.provider_type, months=drill.months)
    expr = events_matching(source.lake, scope, category=drill.category, unit_type=drill.unit_type, limit=DRILL_LIMIT)
    frame = source.lake.execute(expr)
    rows = [
        {
            "key": r["event_key"],
            "month": r["event_month"],
            # A provider sees its own code; a system sees "An affiliate", never a code or a name.
            "provider": (names or {}).get(str(r["provider"]), r["provider"]),
            "provider_type": type_words(str(r["provider_type"] or "other")),
            "categories": [label("category", c) for c in (r["categories"] if r["categories"] is not None else [])],
            # A near miss or unsafe condition has no harm: a missing value, NaN from the frame.
            "harm": label("harm", r["harm"]) if _given(r["harm"]) else "—",
            "unit_type": unit_words(str(r["unit_type"])) if _given(r["unit_type"]) else "—",
            "narrative": r["narrative"],
        }
        for r in frame.to_dict("records")
    ]
    record(
        actor=request.user,
        action=AnalyticsAction.EVENTS_VIEWED,
        object_type=LAKE_DRILL,
        object_id=f"{source.audience}:{drill.category or '-'}:{drill.unit_type or '-'}:{drill.provider_type or '-'}",
        organization_id=source.org.pk,
        detail={"months": list(drill.months), "events": len(rows)},
    )
    context = {
        "source": source,
        "drill": drill,
        "rows": rows,
        "limit": DRILL_LIMIT,
        "unit_words": unit_words(drill.unit_type) if drill.unit_type else "",
    }
    return render(request, "analytics/events.html", context)


# --- the pages ----------------------------------------------------------------------------------
@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    choices = access.dashboards_for(request.user)
    if not choices:
        raise Http404("No dashboard for you")
    return render(request, "analytics/index.html", {"choices": choices})


@require_GET
@login_required
def pso(request: HttpRequest) -> HttpResponse:
    return _page(request, _pso_source(request))


@require_GET
@login_required
def pso_csv(request: HttpRequest, panel_id: str) -> HttpResponse:
    return _csv(request, _pso_source(request), panel_id)


@require_GET
@login_required
def pso_signal(request: HttpRequest, signal_id: str) -> HttpResponse:
    """The pooled events behind one signal (PSO only: the pool's rows, pseudonymous and scrubbed)."""
    source = _pso_source(request)
    dashboard, _, _ = _load(request, source)
    drill = dashboard.drills.get(signal_id) if dashboard else None
    if drill is None:
        raise Http404("No such signal")
    return _events(request, source, drill, providers=None)


@require_GET
@login_required
def pso_events(request: HttpRequest) -> HttpResponse:
    """The pooled events of the period shown, optionally of one category (PSO only: the pool's
    rows, pseudonymous and scrubbed): where the analyst finds a newly pooled event."""
    source = _pso_source(request)
    dashboard, _, _ = _load(request, source)
    if dashboard is None or not dashboard.period[0]:
        raise Http404("No pooled data yet")
    category = request.GET.get("category") or None
    if category is not None and category not in category_labels():
        raise Http404("No such category")
    title = f"Pooled events: {label('category', category)}" if category else "Pooled events"
    return _events(request, source, Drill(title=title, months=dashboard.period, category=category), providers=None)


@require_GET
@login_required
def provider(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _provider_source(request, slug))


@require_GET
@login_required
def provider_csv(request: HttpRequest, slug: str, panel_id: str) -> HttpResponse:
    return _csv(request, _provider_source(request, slug), panel_id)


def _member_events(request: HttpRequest, source: Source, names: dict[str, str], whose: str) -> HttpResponse:
    """Pooled events of the providers in `names` only (never another provider's rows), optionally of one category."""
    dashboard, _, _ = _load(request, source)
    if dashboard is None or not dashboard.period[0] or not names:
        raise Http404("No pooled data yet")
    category = request.GET.get("category") or None
    if category is not None and category not in category_labels():
        raise Http404("No such category")
    title = f"{whose} pooled events: {label('category', category)}" if category else f"{whose} pooled events"
    drill = Drill(title=title, months=dashboard.period, category=category)
    return _events(request, source, drill, providers=frozenset(names), names=names)


@require_GET
@login_required
def provider_events(request: HttpRequest, slug: str) -> HttpResponse:
    source = _provider_source(request, slug)
    own = str(source.scope[0])
    return _member_events(request, source, {own: own}, "Your")  # its own pseudonym: the lake has no names


@require_GET
@login_required
def system(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _system_source(request, slug))


@require_GET
@login_required
def system_csv(request: HttpRequest, slug: str, panel_id: str) -> HttpResponse:
    return _csv(request, _system_source(request, slug), panel_id)


@require_GET
@login_required
def system_events(request: HttpRequest, slug: str) -> HttpResponse:
    source = _system_source(request, slug)
    # Every row is "An affiliate": the pool's code is not shown, and no name is looked up for it.
    return _member_events(request, source, dict.fromkeys(source.scope, "An affiliate"), "Your affiliates'")
