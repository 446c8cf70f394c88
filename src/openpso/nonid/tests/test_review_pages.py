"""The review page: highlights with their type, the scrubbed preview, undo, add (by typed text
without JavaScript, or by offsets with it) and approve — for the provider's PSES roles only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.nonid import review
from openpso.nonid.models import NarrativeReview, ScrubCorrection
from openpso.nonid.tests.helpers import JANE_ROE, NARRATIVE, make_report, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return make_review(make_report(cast))


def _url(report, name="review"):
    return reverse(f"nonid:{name}", kwargs={"report_id": report.pk})


def test_the_page_highlights_each_identifier_with_its_type_beside_the_scrubbed_text(cast, client_for, draft):
    response = client_for("safety_manager").get(_url(draft.report))
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<mark class="deid deid-date"><span class="seg" data-start="35" data-end="45">03/04/2024</span>'
        '<span class="deid-label"><span class="sr-only">, identified as </span>DATE</span></mark>'
    ) in page
    assert "[NAME] fell at the bedside on [DATE] in room [ROOM]." in page
    assert page.count("Undo<span") == 3
    assert "Approve the scrubbed text" in page
    assert 'src="/static/nonid/review.js"' in page


def test_reading_the_page_is_an_audited_use_of_the_report(cast, client_for, draft):
    client_for("pses_committee").get(_url(draft.report))
    viewed = AuditEvent.objects.get(action="report.viewed")
    assert (viewed.object_id, viewed.purpose) == (str(draft.report_id), "nonid.review")


def test_undo_removes_a_span_and_the_page_shows_the_words_again(cast, client_for, draft):
    client = client_for("safety_manager")
    response = client.post(_url(draft.report, "span-remove"), {"review": draft.pk, "start": 0, "end": 11})
    assert response.status_code == 302
    assert response["Location"].endswith("#identifiers")
    page = client.get(_url(draft.report)).content.decode()
    assert "Maria Lopez fell at the bedside on [DATE]" in page
    assert "Undone: characters 0–11 (PERSON)" in page


def test_a_missed_name_is_added_by_its_text_without_javascript(cast, client_for, draft):
    client = client_for("safety_manager")
    data = {"review": draft.pk, "text": "Maria", "occurrence": "2", "span_type": "PATIENT"}
    assert client.post(_url(draft.report, "span-add"), data).status_code == 302
    assert review.scrubbed_text(draft) == (
        "[NAME] fell at the bedside on [DATE] in room [ROOM]. [PATIENT] was helped up by Jane Roe."
    )


def test_every_occurrence_is_added_when_asked(cast, client_for, draft):
    data = {"review": draft.pk, "text": "Maria", "every": "on", "span_type": "PATIENT"}
    client_for("safety_manager").post(_url(draft.report, "span-add"), data)
    assert [(c.start, c.end) for c in ScrubCorrection.objects.all()] == [(0, 5), (58, 63)]


def test_a_selection_adds_the_span_at_its_offsets(cast, client_for, draft):
    start, end = JANE_ROE
    data = {"review": draft.pk, "text": "Jane Roe", "start": start, "end": end, "span_type": "STAFF"}
    client_for("pses_committee").post(_url(draft.report, "span-add"), data)
    correction = ScrubCorrection.objects.get()
    assert (correction.start, correction.end, correction.span_type) == (81, 89, "STAFF")
    assert correction.made_by == cast.users["pses_committee"]


def test_a_selection_whose_text_does_not_match_its_offsets_is_refused(cast, client_for, draft):
    data = {"review": draft.pk, "text": "Someone Else", "start": 81, "end": 89, "span_type": "STAFF"}
    response = client_for("safety_manager").post(_url(draft.report, "span-add"), data)
    assert response.status_code == 400
    assert "does not match the selected characters" in response.content.decode()
    assert not ScrubCorrection.objects.exists()


def test_a_text_not_in_the_narrative_gets_an_error_beside_the_field(cast, client_for, draft):
    data = {"review": draft.pk, "text": "Nobody", "occurrence": "1", "span_type": "PATIENT"}
    response = client_for("safety_manager").post(_url(draft.report, "span-add"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_text">Text to redact</a>: does not occur in the narrative' in page
    assert 'id="id_text_errors"' in page
    assert not ScrubCorrection.objects.exists()


def test_a_form_made_for_a_replaced_review_changes_nothing(cast, client_for, draft):
    report = draft.report
    report.narrative = NARRATIVE + " Addendum by the reporter."
    report.save()
    client = client_for("safety_manager")
    response = client.post(_url(report, "span-remove"), {"review": draft.pk, "start": 0, "end": 11}, follow=True)
    assert "review: this review was replaced because the narrative changed" in response.content.decode()
    assert not ScrubCorrection.objects.exists()
    assert NarrativeReview.objects.count() == 2
    assert "The narrative changed after an earlier review" in response.content.decode()


def test_approving_freezes_the_page(cast, client_for, draft):
    client = client_for("safety_manager")
    response = client.post(_url(draft.report, "approve"), {"review": draft.pk}, follow=True)
    page = response.content.decode()
    assert "Approved: the PSO will pool the scrubbed text exactly as approved here" in page
    assert "Undo<span" not in page
    assert "Approve the scrubbed text" not in page
    assert "review.js" not in page
    refused = client.post(_url(draft.report, "span-remove"), {"review": draft.pk, "start": 0, "end": 11}, follow=True)
    assert "Not undone: review: it is approved already" in refused.content.decode()


@pytest.mark.parametrize("who", ["reporter", "system_safety_officer", "pso_analyst", "pso_admin", "provider_auditor"])
def test_people_outside_the_pses_get_404(cast, client_for, who):
    report = cast.reports["r1"]  # the reporter's own report, shared with the health system
    made = make_review(report)
    client = client_for(who)
    assert client.get(_url(report)).status_code == 404
    for name in ("span-add", "span-remove", "approve"):
        assert client.post(_url(report, name), {"review": made.pk, "start": 0, "end": 7}).status_code == 404
    assert not ScrubCorrection.objects.exists()


def test_another_providers_safety_manager_gets_404(cast, client_for, draft):
    client = client_for("manager_p2")
    assert client.get(_url(draft.report)).status_code == 404
    response = client.post(_url(draft.report, "approve"), {"review": draft.pk})
    assert response.status_code == 404
    assert NarrativeReview.objects.get(pk=draft.pk).state == "draft"


def test_the_report_page_links_to_the_review_for_pses_roles_only(cast, client_for):
    report = cast.reports["r1"]
    link = f'href="{_url(report)}">Review de-identification</a>'
    report_url = reverse("reporting:report-detail", kwargs={"report_id": report.pk})
    assert link in client_for("safety_manager").get(report_url).content.decode()
    assert link not in client_for("reporter").get(report_url).content.decode()


def test_adding_to_a_review_approved_meanwhile_says_so_and_changes_nothing(cast, client_for, draft):
    review.approve(review=draft, by=cast.users["pses_committee"])
    data = {"review": draft.pk, "text": "Jane Roe", "occurrence": "1", "span_type": "STAFF"}
    response = client_for("safety_manager").post(_url(draft.report, "span-add"), data, follow=True)
    assert "Nothing added: review: it is approved already" in response.content.decode()
    assert not ScrubCorrection.objects.exists()


def test_a_selection_outside_the_narrative_is_refused_naming_the_offset(cast, client_for, draft):
    data = {"review": draft.pk, "text": "x", "start": 500, "end": 501, "span_type": "STAFF"}
    response = client_for("safety_manager").post(_url(draft.report, "span-add"), data)
    assert response.status_code == 400
    assert "start: must be between 0 and" in response.content.decode()
