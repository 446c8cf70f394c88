"""Safety alerts name the categories in words, never AHRQ's form instruction (issue 12)."""

from __future__ import annotations

from openpso.feedback.alerts.forms import category_choices
from openpso.feedback.models import SafetyAlert


def test_a_safety_alert_and_its_form_name_the_other_category_in_words() -> None:
    assert SafetyAlert(categories=["A48", "A66"]).category_names == ["Fall (A48)", "Other (A66)"]
    assert ("A66", "Other") in category_choices()
