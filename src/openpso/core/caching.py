"""Keep signed-in pages out of the browser's cache.

A signed-in page can hold narratives, patient details and other PSWP; on a shared ward computer
the browser's cache (and its back button after sign-out) must not keep them (ASVS 5.0 V14
anti-caching, docs/security.md). A view that set its own Cache-Control (the drug name list)
keeps it; static files never reach here (whitenoise answers them first).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreWhenSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
