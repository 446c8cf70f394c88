"""The review page says what the PSO receives of the narrative, and the submission agrees
(issue 13 item 7): the PSO gets the narrative as written — identified, PSWP at the PSO — where
the member agreement shares it, never the scrubbed text; once the review is approved, the
approved spans go with it (issue 14 item 4, test_approved_review_is_pooled.py)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from openpso.nonid import review
from openpso.nonid.tests.helpers import NARRATIVE, make_report, make_review
from openpso.organizations.queries import agreement_in_force
from openpso.submissions.document import build_document, refusal_of
from openpso.submissions.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return make_review(make_report(cast))


def _page(client_for, report) -> str:
    response = client_for("safety_manager").get(reverse("nonid:review", kwargs={"report_id": report.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _says(page: str) -> tuple[str, str]:
    """The page's statement about what is sent: (its code, its words without tags)."""
    match = re.search(r'<p id="deid-to-pso" data-to-pso="([a-z_]+)">(.*?)</p>', page, re.S)
    assert match, "the page does not say what the PSO receives"
    return match.group(1), " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split())


def _submit(client_for, report) -> Submission:
    body = json.dumps({"events": [str(report.pk)]})
    response = client_for("safety_manager").post("/api/v1/submissions", data=body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] == "accepted", response.json()
    return Submission.objects.get(event_id=report.pk, current=True)


def test_the_page_says_the_pso_receives_the_narrative_as_written_and_the_submission_carries_exactly_it(
    cast, client_for, draft
):
    report = draft.report
    code, words = _says(_page(client_for, report))
    assert code == review.AS_WRITTEN
    assert words.startswith("Sent to the PSO: the original narrative, as written.")
    assert "not the scrubbed text" in words
    sent = _submit(client_for, report).document
    assert sent["narrative"] == NARRATIVE == report.narrative
    assert sent["narrative"] != review.scrubbed_text(draft)


def test_the_page_no_longer_says_only_scrubbed_text_leaves_the_provider(cast, client_for, draft):
    page = _page(client_for, draft.report)
    assert "only the scrubbed text may leave" not in page
    assert "What leaves the provider" not in page


def test_approving_the_review_adds_its_spans_and_the_narrative_is_still_sent_as_written(cast, client_for, draft):
    report = draft.report
    agreement = agreement_in_force(report.provider)
    assert agreement is not None
    before = build_document(report, agreement)
    review.approve(review=draft, by=cast.users["safety_manager"])
    after = build_document(report, agreement)
    assert "narrative_review" not in before
    assert {k: v for k, v in after.items() if k != "narrative_review"} == before
    assert after["narrative_review"]["spans"] == [
        {"start": s.start, "end": s.end, "type": s.type, "source": s.source} for s in review.final_spans(draft)
    ]
    assert _says(_page(client_for, report))[0] == review.AS_WRITTEN
    sent = _submit(client_for, report).document
    assert sent["narrative"] == NARRATIVE
    assert "Maria" not in json.dumps(sent["narrative_review"])  # offsets and types, never the text


def test_when_the_agreement_does_not_share_the_narrative_the_page_says_it_is_not_sent(cast, client_for, draft):
    agreement = cast.agreements["p1"]
    agreement.shared_fields = ["analysis"]
    agreement.save()
    code, words = _says(_page(client_for, draft.report))
    assert code == review.NOT_SHARED
    assert words.startswith("Not sent to the PSO: the member agreement in force does not share the narrative")
    assert "narrative" not in _submit(client_for, draft.report).document


def test_with_no_agreement_in_force_the_page_says_nothing_is_sent(cast, client_for, draft):
    agreement = cast.agreements["p1"]
    agreement.effective_to = dt.date(2021, 1, 1)
    agreement.save()
    code, words = _says(_page(client_for, draft.report))
    assert code == review.NO_AGREEMENT
    assert words.startswith("Not sent to the PSO: no member agreement with the PSO is in force")
    refusal = refusal_of(draft.report, agreement_in_force(draft.report.provider))
    assert refusal is not None
    assert refusal.field == "agreement"
