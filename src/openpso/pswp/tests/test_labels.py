"""`pswp.labels.label_for`: one honest PSWP label per record kind (issue 15 item 3)."""

from __future__ import annotations

import pytest

from openpso.feedback.models import FeedbackReport, SafetyAlert
from openpso.nonid.models import Release
from openpso.pses.models import Addendum, SafetyEvent
from openpso.pses.rca.models import Investigation
from openpso.pswp.labels import feedback_report_label, label_for, release_label
from openpso.pswp.status import PswpStatus
from openpso.submissions.models import Submission


class WithStatus:
    def __init__(self, status: str) -> None:
        self.pswp_status = status


@pytest.mark.parametrize("status", list(PswpStatus))
def test_every_ledger_status_has_its_own_label_and_only_drop_out_and_not_pswp_say_not_pswp(status):
    label = label_for(WithStatus(status))
    assert label.code == status
    assert label.is_pswp is (status not in {PswpStatus.DROPPED_OUT, PswpStatus.NOT_PSWP})
    assert label.text.startswith("PSWP:" if label.is_pswp else "Not PSWP:")
    assert "42 CFR 3.20" in label.cite


def test_pses_records_without_a_status_are_pses_analysis():
    for model in (SafetyEvent, Addendum, Investigation):
        assert label_for(model).code == "pses_analysis"
        assert label_for(model()).text == "PSWP: analysis in the provider's PSES"
        assert label_for(model).cite.endswith("para (1)(ii)")


def test_the_psos_copy_of_a_submission_was_reported_to_a_pso():
    label = label_for(Submission())
    assert (label.code, label.cite) == ("pso_copy", "42 CFR 3.20, PSWP para (1)(i)(A)")


def test_pso_developed_records_cite_para_1_i_b_and_say_when_they_name_the_provider():
    assert label_for(SafetyAlert()).cite == "42 CFR 3.20, PSWP para (1)(i)(B)"
    assert "identifies the provider" in label_for(FeedbackReport(kind="provider_monthly")).text
    assert "identifies the provider" in label_for(FeedbackReport(kind="system")).text
    assert "identifies the provider" not in label_for(FeedbackReport(kind="pso_learning")).text


@pytest.mark.parametrize("profile", ["release/1", "release-ed/1"])
def test_a_release_is_never_labelled_non_identified_or_anything_the_data_does_not_meet(profile):
    labels = (release_label(profile), label_for(Release(profile=profile)), feedback_report_label("system", profile))
    for label in labels:
        assert label.is_pswp
        assert f"released under {profile}" in label.text
        assert "not labelled non-identified" in label.text
        lowered = label.text.lower().replace("not labelled non-identified", "")
        for claim in ("non-identified", "safe harbor", "expert determination", "de-identified"):
            assert claim not in lowered


def test_a_record_kind_without_a_label_is_an_error_not_a_guess():
    class Other:
        class _meta:
            label_lower = "reporting.unit"

    with pytest.raises(LookupError, match=r"reporting\.unit"):
        label_for(Other())
