"""Submissions for the shared test cast: every cast report pushed to its PSO by the system,
made once per cast (the tenancy matrix and the submission tests use them)."""

from __future__ import annotations

from openpso.submissions.inbox.actions import ask
from openpso.submissions.models import Question, Submission
from openpso.submissions.push.actions import Channel, submit_events
from openpso.testing.cast import Cast

SUBMITTED_REPORTS = ("r1", "r1anon", "r1b", "r2", "r3")


def cast_submissions(cast: Cast) -> dict[str, Submission]:
    """The current submission of each cast report (keyed by report)."""
    found: dict[str, Submission] = {}
    for key in SUBMITTED_REPORTS:
        report = cast.reports[key]
        current = Submission.objects.filter(event_id=report.pk, current=True).first()
        if current is None:
            submit_events(event_ids=[str(report.pk)], provider_ids=[report.provider_id], channel=Channel())
            current = Submission.objects.get(event_id=report.pk, current=True)
        found[key] = current
    return found


def cast_questions(cast: Cast) -> dict[str, Question]:
    """A question from the PSO on each cast submission (keyed by report); its words carry the
    report's canary, so a thread shown to the wrong person shows up as a leak."""
    found: dict[str, Question] = {}
    for key, submission in cast_submissions(cast).items():
        existing = Question.objects.filter(submission=submission).first()
        found[key] = existing or ask(user=None, submission=submission, text=f"Which pump? CANARY-REPORT-{key}")
    return found
