"""Accessibility scans with axe-core (vendored in tests/vendor/axe-core) on live pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[3] / "tests" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
SCAN = """async () => await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
})"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.x A/AA violations on the page as it stands.

    The page's context must be created with `bypass_csp=True`: our strict CSP rightly
    refuses the injected scanner script.
    """
    from playwright.sync_api import Error as PlaywrightError

    # A click that submits a form returns as the navigation starts: the scanner may be injected
    # into a document being swapped out ("reading 'appendChild'" of a null head) or its run cut
    # short ("Execution context was destroyed"). Wait for the new page to load and scan again.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(SCAN)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
