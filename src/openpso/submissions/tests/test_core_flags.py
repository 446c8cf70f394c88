"""The CFER-H v2.0 core/supplemental flags are our provisional reading of v2.0 (issue 15 item 8):
no answer is kept from the PSO because an item is flagged supplemental (or core)."""

import pytest

from openpso.commonformats.catalogue import form
from openpso.commonformats.model import iter_items
from openpso.submissions.document import shared_answers

GENERIC = "cfer-h-2.0/generic"


def _flagged(core: bool) -> list[str]:
    return [
        i.link_id
        for i in iter_items(form(GENERIC))
        if i.core is core and i.is_question and not i.identifying and not i.hidden
    ]


@pytest.mark.parametrize("core", [True, False])
def test_an_answer_goes_to_the_pso_whatever_its_core_flag(core):
    link_ids = _flagged(core)
    assert link_ids, f"the v2.0 Generic module has no shareable item with core={core}"
    answers = dict.fromkeys(link_ids, "x")
    assert shared_answers(answers, [GENERIC]) == dict(sorted(answers.items()))


def test_identifying_supplemental_answers_still_stay_at_the_provider():
    # What keeps a patient's name home is `identifying`, never the provisional core flag.
    assert shared_answers({"Generic/patient_name": "Jane CANARY-NAME", "Generic/handover": "A15"}, [GENERIC]) == {
        "Generic/handover": "A15"
    }
