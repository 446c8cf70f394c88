"""HTML → PDF with WeasyPrint, fetching nothing (DESIGN: no network at run time).

The report's HTML carries its stylesheet in a <style> element and its charts as inline SVG,
so the PDF needs no other resource. The fetcher refuses every URL but `data:` ones; a refused
URL becomes a warning in WeasyPrint and a line in `refused`, never a request.

The PDF is written as PDF/UA-1 (tagged): WeasyPrint turns the HTML's structure into the PDF's
structure tree (headings, lists, tables with their header cells, figures), takes the document's
language from `<html lang>` and its title from `<title>`, asks viewers to show that title, and
writes the PDF/UA identification into the XMP metadata. A chart is an inline SVG; WeasyPrint gives
its Figure the SVG's `<title>` as alternate text, so the title is lengthened here with the chart's
`<desc>` (what it shows), which a screen reader would otherwise never reach in the PDF.
`feedback/tests/test_report_pdf_tags.py` checks the result; docs/analytics.md says what that check
covers and what it does not (it is not a veraPDF validation).

WeasyPrint (with Pango) is imported on first use, so pages and commands that never print
start without it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)
PDF_VARIANT: str = "pdf/ua-1"
# A chart's title and description as `charts.accessible` writes them, side by side.
_TITLE_DESC = re.compile(r"<title( [^>]*)?>([^<]*)</title>(<desc( [^>]*)?>([^<]*)</desc>)")


def _alt_with_description(match: re.Match[str]) -> str:
    title, description = match.group(2).strip(), match.group(5).strip()
    if not description or description == title:
        return match.group(0)
    alt = f"{title.rstrip('.')}. {description}"
    return f"<title{match.group(1) or ''}>{alt}</title>{match.group(3)}"


def charts_described(html: str) -> str:
    """Each chart's SVG `<title>` (its Figure's /Alt in the PDF) followed by its `<desc>`; already escaped text."""
    return _TITLE_DESC.sub(_alt_with_description, html)


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
    document = HTML(string=charts_described(html), base_url=str(settings.DATA_DIR), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    if fetcher.refused:
        log.warning("feedback PDF: %d resource(s) refused", len(fetcher.refused))
    return pdf
