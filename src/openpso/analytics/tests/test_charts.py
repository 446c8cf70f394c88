"""Charts render on the server to SVG that our strict CSP allows and a screen reader can name."""

from __future__ import annotations

import re

import pytest

from openpso.analytics import charts
from openpso.analytics.stats.funnel import poisson_funnel
from openpso.analytics.stats.pareto import pareto
from openpso.analytics.stats.shrinkage import eb_poisson
from openpso.analytics.stats.signals import Evidence, Signal
from openpso.analytics.stats.spc import u_chart

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]


def _u():
    counts = [20, 22, 19, 21, 18, 23, 20, 22, 21, 19, 20, 22, 21, 20, 23, 30, 32, 35, 36, 38, 40, 41, 43, 60]
    return u_chart(counts, [5000.0] * len(MONTHS), MONTHS, per=1000, phase_starts=[12])


def _funnel():
    counts = [5, 9, 14, 20, 31, 40, 52, 60, 75, 160]
    exposures = [1000.0, 2000, 3000, 4000, 6000, 8000, 10000, 12000, 15000, 16000]
    return poisson_funnel(counts, exposures, [f"P-{i:02d}" for i in range(10)], per=1000)


def _signal():
    evidence = tuple(Evidence(m, 30 + i * 3, 20.0, float(i)) for i, m in enumerate(MONTHS[-6:]))
    return Signal(
        "category:A48|provider_type:nursing_home", "poisson_cusum", MONTHS[-1], 23, 250, 120.0, 2.1, 9, 5, evidence
    )


def all_charts():
    ranked = eb_poisson([3, 10, 40, 8], [900.0, 3000, 9000, 2500], ["P-A", "P-B", "P-C", "P-D"], groups=["g"] * 4)
    series = [
        {"label": m, "series": s, "value": None if s == "Peers" and i == 3 else i}
        for i, m in enumerate(MONTHS)
        for s in ("You", "Peers")
    ]
    units = [{"label": m, "unit": u, "n": i} for i, m in enumerate(MONTHS) for u in ("icu", "ed")]
    return {
        "control": charts.control_chart(_u(), title="Falls per 1,000 patient-days", y_title="per 1,000"),
        "funnel": charts.funnel_plot(_funnel(), title="Funnel", x_title="Patient-days", y_title="Rate"),
        "pareto": charts.pareto_chart(pareto({"A48": 40, "A54": 30, "A66": 5}), title="Pareto", x_title="Category"),
        "caterpillar": charts.caterpillar(ranked, title="Ranking", x_title="Rate"),
        "multiples": charts.small_multiples(units, facet="unit", y="n", title="Units", y_title="Events"),
        "series": charts.series_chart(series, title="You and peers", y_title="Rate", series=["You", "Peers"]),
        "bars": charts.bar_chart([{"a": "x", "n": 2}], x="a", y="n", title="Bars", x_title="", y_title="n"),
        "evidence": charts.signal_evidence(_signal(), title="Signal"),
    }


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_chart_renders_svg_the_csp_allows(name):
    markup = charts.svg(all_charts()[name], description=f"What the {name} chart shows")
    assert markup.startswith("<svg")
    # style-src 'self' blocks style attributes and <style> elements; no script may ride along.
    assert not re.search(r"<style|\sstyle\s*=|<script|javascript:|\son[a-z]+\s*=", markup, re.IGNORECASE)


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_chart_is_an_image_with_a_title_and_a_description(name):
    markup = charts.svg(all_charts()[name], description=f"What the {name} chart shows")
    root = markup[: markup.index(">") + 1]
    assert 'role="img"' in root
    title_id = re.search(r'aria-labelledby="([^"]+)"', root).group(1)
    desc_id = re.search(r'aria-describedby="([^"]+)"', root).group(1)
    assert f'<title id="{title_id}">' in markup
    assert f'<desc id="{desc_id}">What the {name} chart shows</desc>' in markup
    # One named image: the marks inside carry no roles or labels of their own (axe: svg-img-alt).
    assert markup.count("role=") == 1
    assert "aria-label=" not in markup


def test_the_title_comes_from_the_chart_unless_given():
    markup = charts.svg(charts.control_chart(_u(), title="Falls per 1,000 patient-days", y_title="r"))
    assert re.search(r"<title id=\"[^\"]+\">Falls per 1,000 patient-days</title>", markup)


def test_two_charts_on_one_page_do_not_share_ids():
    a = charts.svg(charts.pareto_chart(pareto({"A48": 4}), title="One", x_title="c"))
    b = charts.svg(charts.pareto_chart(pareto({"A54": 4}), title="Two", x_title="c"))
    ids = lambda m: set(re.findall(r'id="([^"]+)"', m))  # noqa: E731
    assert not ids(a) & ids(b)


def test_text_from_the_data_is_escaped_not_markup():
    rows = [{"a": "<script>alert(1)</script>", "n": 1}]
    markup = charts.svg(charts.bar_chart(rows, x="a", y="n", title="<b>T</b>", x_title="", y_title="n"))
    assert "<script" not in markup
    assert "<b>" not in markup
    assert "&lt;script&gt;" in markup


def test_an_inline_style_in_the_output_is_refused(monkeypatch):
    monkeypatch.setattr(
        "openpso.analytics.charts.vl_convert.vegalite_to_svg", lambda spec: '<svg style="fill:red"></svg>'
    )
    with pytest.raises(ValueError, match="inline style"):
        charts.svg(charts.bar_chart([{"a": "x", "n": 1}], x="a", y="n", title="T", x_title="", y_title="n"))


def test_the_control_chart_marks_signals_and_draws_a_rule_at_each_phase_break():
    chart = _u()
    spec = charts.control_chart(chart, title="T", y_title="r").to_dict()
    filters = [t["filter"] for layer in spec["layer"] for t in layer.get("transform", [])]
    assert "datum.signalled" in filters

    def values(layer):
        data = layer["data"]
        return data["values"] if "values" in data else spec["datasets"][data["name"]]

    rules = [layer for layer in spec["layer"] if layer["mark"] == "rule" or layer["mark"].get("type") == "rule"]
    assert [v["label"] for v in values(rules[0])] == ["2026-01"]
    signalled = [v["label"] for v in values(spec["layer"][0]) if v["signalled"]]
    assert signalled == [p.label for p in chart.signalled]
    assert signalled


def test_the_description_of_a_control_chart_names_the_signal_months():
    chart = _u()
    text = charts.describe_control_chart(chart, what="falls")
    assert chart.signalled
    assert all(p.label in text for p in chart.signalled[:6])


def test_a_funnel_labels_only_the_highlighted_provider():
    plain = charts.svg(charts.funnel_plot(_funnel(), title="F", x_title="x", y_title="y"))
    mine = charts.svg(charts.funnel_plot(_funnel(), title="F", x_title="x", y_title="y", highlight="P-03"))
    assert ">You<" in mine
    assert ">You<" not in plain
    assert "P-0" not in plain
    assert "P-0" not in mine


def test_a_suppressed_value_is_a_gap_not_a_zero():
    rows = [{"label": "2026-01", "series": "Peers", "value": float("nan")}]
    data = charts.data(rows)
    assert data.to_dict()["values"][0]["value"] is None


def test_the_peer_ranking_draws_the_highest_shrunken_rate_first_across_peer_groups():
    # Ranks count within a size band: sorting by rank would interleave the bands.
    ranked = eb_poisson(
        [3, 10, 40, 8, 90, 5],
        [900.0, 3000, 9000, 2500, 9000, 3000],
        ["P-A", "P-B", "P-C", "P-D", "P-E", "P-F"],
        groups=["small", "small", "small", "large", "large", "large"],
    )
    spec = charts.caterpillar(ranked, title="Ranking", x_title="Rate").to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    shrunk = {r.unit: r.shrunk for r in ranked}
    assert [shrunk[u] for u in order] == sorted(shrunk.values(), reverse=True)
    assert order != [r.unit for r in sorted(ranked, key=lambda r: (r.rank, r.unit))]


def test_a_members_funnel_draws_no_other_provider_and_limits_only_near_its_own_volume():
    funnel = _funnel()
    spec = charts.funnel_plot(funnel, title="F", x_title="x", y_title="y", highlight="P-05", others=False).to_dict()
    datasets = spec["datasets"]
    drawn = [row for rows in datasets.values() for row in rows if "flag" in row]
    assert [row["exposure"] for row in drawn] == [8000]
    limit_exposures = [row["exposure"] for rows in datasets.values() for row in rows if "limit" in row]
    assert limit_exposures
    assert min(limit_exposures) >= 2000
    assert max(limit_exposures) <= 32000
    everyone = charts.funnel_plot(funnel, title="F", x_title="x", y_title="y", highlight="P-05").to_dict()
    assert len([r for rows in everyone["datasets"].values() for r in rows if "flag" in r]) == 10
