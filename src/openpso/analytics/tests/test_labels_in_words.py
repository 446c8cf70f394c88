"""Dashboards name categories and factors in words, never AHRQ's form instructions (issue 12)."""

from __future__ import annotations

from openpso.analytics.measures import factor_labels, label


def test_the_other_category_reads_other_not_the_form_instruction() -> None:
    assert label("category", "A66") == "Other"
    assert label("category", "A48") == "Fall"


def test_no_contributing_factor_reads_please_specify() -> None:
    assert not [text for text in factor_labels().values() if "PLEASE SPECIFY" in text.upper()]
