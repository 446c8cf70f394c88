"""The analytics URL entry points, loading the pages (`pages`) on their first request.

The pages bring pandas, Ibis, scipy and Altair with them, about 1.5 s of imports. Django's system
checks import every URLconf, so importing them here would add that to every `openpso` command
and every web worker's start, whether or not anyone opens a dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse


def _page(name: str) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        from openpso.analytics import pages

        response: HttpResponse = getattr(pages, name)(request, **kwargs)
        return response

    view.__name__ = view.__qualname__ = name
    return view


index = _page("index")
pso = _page("pso")
pso_signal = _page("pso_signal")
pso_events = _page("pso_events")
pso_csv = _page("pso_csv")
provider = _page("provider")
provider_events = _page("provider_events")
provider_csv = _page("provider_csv")
system = _page("system")
system_events = _page("system_events")
system_csv = _page("system_csv")
