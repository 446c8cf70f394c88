"""Dashboards name categories and factors in words, never AHRQ's form instructions (issue 12)."""

from __future__ import annotations

from openpso.analytics.measures import factor_labels, label


def test_the_other_category_reads_other_not_the_form_instruction() -> None:
    assert label("category", "A66") == "Other"
    assert label("category", "A48") == "Fall"


def test_no_contributing_factor_reads_please_specify() -> None:
    assert not [text for text in factor_labels().values() if "PLEASE SPECIFY" in text.upper()]


def test_a_factor_pareto_says_its_opso_codes_are_openpso_s_not_ahrq_s() -> None:
    # Issue 15 item 8: the factor list is an OpenPSO extension, and its chart and table say so.
    from openpso.analytics.panels import pareto_panel
    from openpso.commonformats.model import EXTENSION_CODE

    assert label("factor", "OPSO-SIR-CF-STAFFING") == "Staffing or workload (OpenPSO extension)"
    assert label("factor", "A66") == "Other"
    panel = pareto_panel(
        "factors",
        title="Contributing factors",
        counts={"OPSO-SIR-CF-STAFFING": 3, "A66": 1},
        kind="factor",
        caption=".",
    )
    assert EXTENSION_CODE in panel.caption
    assert list(panel.table["factor"]) == ["Staffing or workload (OpenPSO extension)", "Other"]
    categories = pareto_panel("categories", title="Categories", counts={"A48": 2}, kind="category", caption=".")
    assert EXTENSION_CODE not in categories.caption
