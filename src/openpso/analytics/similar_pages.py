"""Pages for similar events across the pool (`similar_pool`): the RCA² panel and the PSO analyst's page.

Both show only `similar_pool.PoolSimilar`: counts under the release profile, small cells
suppressed, no provider and no narrative. The heavy imports (pandas, Ibis, the embedding) load on
the first request, as `views` does for the dashboards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

if TYPE_CHECKING:
    from openpso.analytics.similar_pool import PoolSimilar
    from openpso.audit.actor import Actor
    from openpso.pses.models import SafetyEvent


class SimilarForm(forms.Form):
    text = forms.CharField(
        label="Narrative",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        min_length=12,
        help_text="Scrubbed before it is compared: names, dates and numbers never reach the search.",
    )


def similar_for_event(event: SafetyEvent, actor: Actor | None = None) -> PoolSimilar:
    """The pool's events like `event`: its first report's narrative, scrubbed with its provider's context."""
    from openpso.analytics.engine import Lake
    from openpso.analytics.similar_pool import PoolSimilar, similar_in_pool
    from openpso.nonid.deid.engine import scrub
    from openpso.nonid.review import context_for

    pso = event.provider.network
    if pso is None or not Lake.for_pso(pso.slug).exists():
        return PoolSimilar(False, "The pool holds no events yet.")
    link = event.links.select_related("report__provider", "report__reporter").order_by("linked_at").first()
    if link is None:
        return PoolSimilar(False, "No report to compare: the event has no linked report.")
    text = scrub(link.report.narrative, context=context_for(link.report)).text
    return similar_in_pool(pso, text, recipient=event.provider, actor=actor)


@require_GET
@login_required
def event_similar(request: HttpRequest, event_id: str) -> HttpResponse:
    """The RCA² page's "Similar events in the pool" panel (loaded after the page; its event's team only)."""
    from openpso.pses import queries

    event = queries.get_event_for_user(request.user, event_id)
    return render(request, "analytics/_similar_pool.html", {"result": similar_for_event(event, request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def pso_similar(request: HttpRequest) -> HttpResponse:
    """A PSO analyst's search of the pool by a narrative (POST: the text never sits in a URL)."""
    from openpso.analytics import access

    pso = access.get_pso_for_user(request.user, request.GET.get("pso"))
    form = SimilarForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        from openpso.analytics.similar_pool import similar_in_pool
        from openpso.nonid.deid.engine import scrub

        result = similar_in_pool(pso, scrub(form.cleaned_data["text"]).text)
    return render(request, "analytics/similar.html", {"pso": pso, "form": form, "result": result})
