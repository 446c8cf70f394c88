"""Issue 15 item 3: the PSO's copy of a submission is labelled PSWP reported to the PSO, in the
inbox list, on its page and on the health system's view of it."""

from __future__ import annotations

import pytest

from openpso.submissions.tests.fixtures import cast_submissions

pytestmark = pytest.mark.django_db
LABEL = 'PSWP: reported to the PSO (the PSO&#x27;s copy) <span class="pswp-cite">(42 CFR 3.20, PSWP para (1)(i)(A))'


def test_the_inbox_and_the_psos_copy_carry_the_label(cast, client_for):
    submission = cast_submissions(cast)["r1"]
    analyst = client_for("pso_analyst")
    assert LABEL in analyst.get("/pso/inbox/").content.decode()
    detail = analyst.get(f"/pso/inbox/{submission.pk}/").content.decode()
    assert '<p class="pswp-label" data-pswp-label="pso_copy">' + LABEL in detail


def test_the_health_systems_view_of_a_shared_submission_carries_it_too(cast, client_for):
    submission = cast_submissions(cast)["r1"]
    body = client_for("system_safety_officer").get(f"/system/submissions/{submission.pk}/").content.decode()
    assert LABEL in body
