"""Fixtures for the analytics tests."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pytest

KEPT_CHARTS = 128  # distinct specs kept per module: a dashboard draws about 15


@pytest.fixture(autouse=True, scope="module")
def _each_chart_rendered_once() -> Iterator[None]:
    """vl-convert turns a Vega-Lite spec into the same SVG every time, and that is about half the
    time of building a dashboard; a module's tests build the same dashboards over the same
    synthetic lakes again and again. So within a module each distinct spec is rendered once and
    its markup (exactly what vl-convert gave) is handed out again. Everything else a dashboard
    build does (queries, statistics, the Altair specs, the checks on the markup) still runs per
    build; a test that replaces the renderer itself still replaces this."""
    import vl_convert

    real = vl_convert.vegalite_to_svg
    kept: OrderedDict[str, str] = OrderedDict()

    def render_once(spec: Any, *args: Any, **kwargs: Any) -> str:
        try:
            key = json.dumps([spec, args, kwargs])  # key order kept: it can matter to a chart
        except (TypeError, ValueError):
            return str(real(spec, *args, **kwargs))
        if key in kept:
            kept.move_to_end(key)
        else:
            kept[key] = str(real(spec, *args, **kwargs))
            if len(kept) > KEPT_CHARTS:
                kept.popitem(last=False)
        return kept[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vl_convert, "vegalite_to_svg", render_once)
        yield
