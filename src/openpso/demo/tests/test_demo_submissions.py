"""seed_submissions: the demo's events reach the PSO in bulk, the same way as a real push."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.demo.analysis import demo_analysis
from openpso.demo.generate import seed_demo
from openpso.demo.history import ACTIONS_WINDOW
from openpso.demo.submissions import FUNCTIONAL_PROVIDERS, SUBMISSION_DELAY, seed_submissions
from openpso.organizations.queries import agreement_in_force
from openpso.pswp.ledger import history
from openpso.reporting.models import EventReport
from openpso.submissions.document import EMPTY_ANALYSIS, analyses_for, build_document, missing_answers, version_of
from openpso.submissions.models import FunctionalReportingGrant, Submission

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def seeded(db):
    seed_demo(events=400, today=TODAY)
    return seed_submissions()


def _agreement(report):
    agreement = agreement_in_force(report.provider)
    assert agreement is not None
    return agreement


def test_every_covered_demo_report_is_submitted_once(seeded):
    covered = [r for r in EventReport.objects.all() if _agreement(r).covers(r.categories)]
    assert seeded.submitted == len(covered) == Submission.objects.count()
    assert seeded.not_covered == EventReport.objects.count() - len(covered)
    assert set(EventReport.objects.filter(pk__in=[r.pk for r in covered]).values_list("pswp_status", flat=True)) <= {
        "reported",
        "functionally_reported",
    }


def test_documents_are_the_ones_a_real_push_would_send(seeded):
    for submission in Submission.objects.all()[:25]:
        report = EventReport.objects.get(pk=submission.event_id)
        # An event its safety team investigated (demo.history) sends that analysis; of the
        # others, a share carry a demo analysis.
        analysis = (
            analyses_for([report.pk]).get(report.pk)
            or demo_analysis(report, today=timezone.localdate())
            or EMPTY_ANALYSIS
        )
        document = build_document(report, _agreement(report), analysis=analysis)
        assert submission.document == document
        assert submission.version == version_of(document)


def test_a_share_of_demo_documents_carry_an_analysis(seeded):
    analyses = [s.document["analysis"] for s in Submission.objects.all()]
    analysed = [a for a in analyses if a["contributing_factors"]]
    assert 0.15 < len(analysed) / len(analyses) < 0.6
    assert any(a["actions"] for a in analysed)
    assert not any(a["actions"] for a in analyses if not a["contributing_factors"])


def test_functional_providers_get_a_grant_and_their_later_events_arrive_functionally(seeded):
    assert seeded.grants == len(FUNCTIONAL_PROVIDERS)
    grants = FunctionalReportingGrant.objects.filter(provider__slug__in=FUNCTIONAL_PROVIDERS)
    assert grants.count() == len(FUNCTIONAL_PROVIDERS)
    functional = Submission.objects.filter(method="functional")
    assert functional.count() == seeded.functional > 0
    assert all(s.grant is not None and s.submitted_at >= s.grant.effective_from for s in functional)


def test_each_report_has_its_ledger_history_and_the_audit_chain_holds(seeded):
    report = EventReport.objects.filter(pswp_status="reported").first()
    assert report is not None
    assert [(e.from_status, e.to_status) for e in history(report)] == [("", "candidate"), ("candidate", "reported")]
    assert verify_chain().ok


def test_seeding_again_creates_nothing(seeded):
    again = seed_submissions()
    assert (again.submitted, again.grants) == (0, 0)
    assert Submission.objects.count() == seeded.submitted


def _recent_push_candidates(now):
    """Covered push reports whose submission falls in the window the demo replays through the action."""
    found = []
    recent = EventReport.objects.filter(reported_at__gte=now - ACTIONS_WINDOW - SUBMISSION_DELAY)
    for report in recent.exclude(provider__slug__in=FUNCTIONAL_PROVIDERS):
        if not _agreement(report).covers(report.categories):
            continue
        if min(report.reported_at + SUBMISSION_DELAY, now) >= now - ACTIONS_WINDOW:
            found.append(report)
    return found


@pytest.mark.django_db
def test_the_recent_past_is_submitted_by_the_safety_manager_through_the_real_action():
    now = timezone.now()
    seed_demo(events=1200, today=timezone.localdate(now))
    recent = _recent_push_candidates(now)
    assert recent, "the demo has reports in its last weeks"
    # A fall incident whose Fall module questions were all left to the safety team, not yet
    # completed, beside the demo's own recent reports filed with a question open (demo.module_answers).
    incomplete = next(r for r in recent if r.event_type == "A3" and _agreement(r).covers(["A48"]))
    EventReport.objects.filter(pk=incomplete.pk).update(categories=["A48"], modules=["cfer-h-1.2/fall"], answers={})
    incomplete.refresh_from_db()
    recent = [EventReport.objects.get(pk=r.pk) for r in recent]
    waiting = {r.pk for r in recent if missing_answers(r)}
    assert incomplete.pk in waiting
    result = seed_submissions(now=now)
    assert result.waiting == len(waiting)
    assert not Submission.objects.filter(event_id__in=waiting).exists()
    assert set(EventReport.objects.filter(pk__in=waiting).values_list("pswp_status", flat=True)) == {"candidate"}
    sent = Submission.objects.filter(event_id__in=[r.pk for r in recent if r.pk not in waiting])
    assert sent.count() == len(recent) - len(waiting)
    for submission in sent:
        manager = submission.submitted_by
        assert manager is not None
        assert manager.memberships.filter(organization_id=submission.provider_id, role="safety_manager").exists()
        assert AuditEvent.objects.filter(action="submission.received", object_id=str(submission.pk)).exists()
    assert verify_chain().ok
