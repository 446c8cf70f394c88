"""HTML → PDF with WeasyPrint, fetching nothing (DESIGN: no network at run time).

The report's HTML carries its stylesheet in a <style> element and its charts as inline SVG,
so the PDF needs no other resource. The fetcher refuses every URL but `data:` ones; a refused
URL becomes a warning in WeasyPrint and a line in `refused`, never a request.

WeasyPrint (with Pango) is imported on first use, so pages and commands that never print
start without it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


def local_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every scheme but `data:`: no network, no disk."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                self.refused.append(url[:80])
                raise ValueError("feedback PDFs fetch nothing; inline the resource")
            return super().fetch(url, headers)

    return LocalOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint narrates every step at INFO (even while importing); the server log needs its warnings only.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # type: ignore[import-untyped]

    fetcher = local_only_fetcher()
    # base_url is a local directory: relative URLs resolve there and are refused all the same.
    document = HTML(string=html, base_url=str(settings.DATA_DIR), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    if fetcher.refused:
        log.warning("feedback PDF: %d resource(s) refused", len(fetcher.refused))
    return pdf
