"""The PSO inbox shows a submitted event's module answers in words, with their codes beside (issue 12 item 5)."""

from __future__ import annotations

from openpso.submissions.models import Submission
from openpso.submissions.push.actions import Channel, submit_events

from .helpers import file


def test_the_inbox_shows_each_answer_as_the_question_and_its_words_with_the_codes(cast, client_for):
    report = file(cast.users["safety_manager"])
    submit_events(event_ids=[str(report.pk)], provider_ids=[report.provider_id], channel=Channel())
    submission = Submission.objects.get(event_id=report.pk, current=True)
    body = client_for("pso_analyst").get(f"/pso/inbox/{submission.pk}/").content.decode()
    assert "<caption>Fall</caption>" in body
    assert "<td>Did the patient have an injury from the fall?</td><td>No</td>" in body
    assert "A18 · Fall/injury" in body
    assert "<td>Was the fall assisted or unassisted?</td><td>Unassisted</td>" in body
    assert "OPSO-FALL-UNASSISTED · Fall/assisted" in body
    # Issue 15 item 8: an OpenPSO code says it is not AHRQ's; an AHRQ code says nothing of the kind.
    assert "Fall/assisted · OPSO-FALL-UNASSISTED: OpenPSO extension (not an AHRQ Common Formats code)" in body
    assert "A18: OpenPSO extension" not in body
    assert "<td>Fall/injury</td>" not in body  # never the linkId in place of the question


def test_the_health_system_view_shows_the_same_words(cast, client_for):
    report = file(cast.users["safety_manager"])
    submit_events(event_ids=[str(report.pk)], provider_ids=[report.provider_id], channel=Channel())
    submission = Submission.objects.get(event_id=report.pk, current=True)
    body = client_for("system_safety_officer").get(f"/system/submissions/{submission.pk}/").content.decode()
    assert "<td>Did the patient have an injury from the fall?</td><td>No</td>" in body


def _submit_other(cast):
    agreement = cast.agreements["p1"]
    agreement.categories = [*agreement.categories, "A66"]
    agreement.save()
    report = file(cast.users["safety_manager"], categories=["A66"], category_other="Wrong wristband", answers={})
    submit_events(event_ids=[str(report.pk)], provider_ids=[report.provider_id], channel=Channel())
    return Submission.objects.get(event_id=report.pk, current=True)


def test_the_inbox_and_the_health_system_list_show_other_without_the_form_instruction(cast, client_for):
    submission = _submit_other(cast)
    inbox = client_for("pso_analyst").get("/pso/inbox/").content.decode()
    system = client_for("system_safety_officer").get("/system/submissions/").content.decode()
    detail = client_for("pso_analyst").get(f"/pso/inbox/{submission.pk}/").content.decode()
    for body in (inbox, system, detail):
        assert "PLEASE SPECIFY" not in body
    assert "<td>Other</td>" in inbox
    assert "<td>Other</td>" in system


def test_the_inbox_names_the_common_formats_modules_in_words_with_their_keys(cast, client_for):
    report = file(cast.users["safety_manager"])
    submit_events(event_ids=[str(report.pk)], provider_ids=[report.provider_id], channel=Channel())
    submission = Submission.objects.get(event_id=report.pk, current=True)
    body = client_for("pso_analyst").get(f"/pso/inbox/{submission.pk}/").content.decode()
    assert '<dt>Common Formats modules</dt><dd>Fall <span class="hint">(cfer-h-1.2/fall)</span></dd>' in body
