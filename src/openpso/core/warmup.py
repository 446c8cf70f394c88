"""Make a web worker's first view of each page as fast as its later ones.

A freshly started process pays, on whichever request comes first, for what Django and the apps
load lazily: the URLconf (every app's views, the de-identification engine's compiled patterns),
each template's compilation, the analytics pages' pandas, Ibis and Altair (`analytics.views`
loads them on first use so commands start fast), the spaCy model the narrative review
needs, and the report form's code suggester. Measured on the demo (benchmarks/bench_pages.py),
that was 0.5 s on every first page and 2 s and more on the dashboards and the review, even with
their content already built. Gunicorn calls `warm_process()` in each worker after it has loaded
the application and before it takes requests (`post_worker_init` in `core.gunicorn`), so that
cost is paid while the server starts.

Nothing here reads PSWP or writes anything: it loads code, templates and models only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


def _urls() -> None:
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018 - imports every app's URLconf and views
    reverse("core:healthz")  # builds the reverse lookup tables


def _templates() -> None:
    """Compile every project template once; the cached loader keeps them for the process."""
    from django.template import TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates

    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for folder in engine.template_dirs:
            root = Path(folder)
            if "site-packages" in root.parts:  # ours only: the libraries' own admin and allauth pages are rare
                continue
            for path in sorted(root.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(root).as_posix())
                except TemplateSyntaxError:  # the page reports it when it is asked for
                    log.warning("warm-up: template %s does not compile", path.name)


def _analytics() -> None:
    from openpso.analytics import pages  # noqa: F401 - pandas, Ibis, Altair and the dashboards' code
    from openpso.analytics.charts import bar_chart, svg

    # Starts vl-convert's JavaScript runtime, so a dashboard built on a page view does not.
    svg(bar_chart([{"k": "a", "n": 1}], x="k", y="n", title="Warm-up", x_title="k", y_title="n"))


def _deid() -> None:
    from openpso.nonid.deid import find
    from openpso.nonid.deid.lexicon import warm as load_word_lists
    from openpso.nonid.deid.ner import warm as load_model

    load_word_lists()
    load_model()
    find("Warm-up note: Jordan Avery was seen in Room 4 on 3/14.")  # the model's first call is slower


def _suggester() -> None:
    """The report form's code suggester (numpy, the model file, WordLlama's weights), so the first
    reporter who writes "What happened?" waits for no load (issue 18 item 3)."""
    from openpso.reporting.suggestions import suggest

    suggest("Warm-up note: patient found on the floor beside the bed, no injury.")


STEPS: dict[str, Callable[[], None]] = {
    "URLs and views": _urls,
    "templates": _templates,
    "analytics pages": _analytics,
    "de-identification engine": _deid,
    "code suggester": _suggester,
}


def warm_process(*, alive: Callable[[], None] | None = None) -> dict[str, float]:
    """Load what the first requests would; returns seconds per step. A failing step is logged and
    skipped: the request that needs it loads it, as it would have without the warm-up. `alive()`
    is called after each step (gunicorn's worker heartbeat: a worker silent for its timeout is killed)."""
    seconds: dict[str, float] = {}
    for name, step in STEPS.items():
        started = time.perf_counter()
        try:
            step()
        except Exception:
            log.exception("warm-up step %r failed", name)
            continue
        finally:
            if alive is not None:
                alive()
        seconds[name] = time.perf_counter() - started
    log.info("warm-up: %s", ", ".join(f"{name} {s:.2f} s" for name, s in seconds.items()))
    return seconds
