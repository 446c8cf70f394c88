"""The drug-name search of the report form (htmx, GET): `<option>`s for the question's <datalist>.

Two doors to one search: signed in (`reporting:drug-search`) and anonymous
(`channel:anonymous-drugs`, identity-free like every page under /anonymous/). Both are
rate-limited per hashed client address, as the anonymous channel is. Nothing is stored or
logged: the query is a drug name being typed, answered from a list shipped with OpenPSO.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit  # type: ignore[import-untyped]

from openpso.reporting import drugs
from openpso.reporting.channel import receipts
from openpso.reporting.channel.views import identity_free

# Typing with a 250 ms pause sends a request every few letters; a whole hospital may share
# one address (see channel/views.py RATES). Far above a person typing, far below a scraper.
RATE = "600/h"


def _rate(group: str, request: HttpRequest) -> str:
    return RATE


def _limited(group: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    # block=False: the view answers 429 itself (as channel/views.py `_limited` does, for GET here).
    limit: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = ratelimit(
        group=group, key=receipts.client_key, rate=_rate, method="GET", block=False
    )
    return limit


def _query(request: HttpRequest) -> str:
    # htmx sends the input under its own name (m__Medication__DE318…); `q` for other callers.
    name = "q" if "q" in request.GET else next((k for k in request.GET if k.startswith("m__")), "q")
    return str(request.GET.get(name, ""))[:100]


def _answer(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return HttpResponse("", status=429, headers={"Retry-After": "3600"})
    kind = drugs.BRAND if request.GET.get("kind") == drugs.BRAND else drugs.GENERIC
    names = drugs.search(_query(request), kind=kind)
    response = render(request, "reporting/_drug_options.html", {"names": names})
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@_limited("openpso.drugs")
def drug_search(request: HttpRequest) -> HttpResponse:
    return _answer(request)


@identity_free
@_limited("openpso.anonymous.drugs")
def anonymous_drug_search(request: HttpRequest) -> HttpResponse:
    return _answer(request)
