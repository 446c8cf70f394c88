"""Approved corrections are a regression set (issue 14 item 4): `openpso deid-examples
regressions` replays each against the engine as it is now, says what it gets right and wrong
with offsets and types only, and fails when the engine misses a span a reviewer added."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openpso.nonid import examples, review
from openpso.nonid.tests.helpers import BEDSIDE, DATE, NARRATIVE, make_report

pytestmark = pytest.mark.django_db

PHI_WORDS = ["Maria", "Lopez", "Jane", "Roe", "03/04/2024", "bedside"]


def _run(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("deid-examples", "regressions", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def _approved_with_corrections(cast):
    """Through the services, as the review page does: the engine's review, three corrections, approval."""
    manager = cast.users["safety_manager"]
    report = make_report(cast)
    draft = review.review_for(report, by=manager)
    engine = review.final_spans(draft)
    assert not any(s.start < BEDSIDE[1] and s.end > BEDSIDE[0] for s in engine), "the engine now takes 'bedside'"
    assert any((s.start, s.end, s.type) == (*DATE, "DATE") for s in engine)
    maria = next(s for s in engine if s.start == 0)
    review.add_span(review=draft, start=BEDSIDE[0], end=BEDSIDE[1], span_type="FACILITY", by=manager)  # missed
    review.remove_span(review=draft, start=DATE[0], end=DATE[1], by=manager)  # undone, still taken
    retype = "PATIENT" if maria.type != "PATIENT" else "STAFF"
    review.add_span(review=draft, start=maria.start, end=maria.end, span_type=retype, by=manager)  # caught
    return review.approve(review=draft, by=manager), maria, retype


def test_the_command_reports_each_approved_correction_and_fails_on_a_missed_addition(cast):
    approved, maria, retype = _approved_with_corrections(cast)
    output, error = _run()
    assert error is not None
    assert "regressions: the engine misses 1 span(s) reviewers added" in str(error)
    assert (
        f"review {approved.pk} (report {approved.report_id}): missed: FACILITY at {BEDSIDE[0]}–{BEDSIDE[1]}" in output
    )
    assert f"undone by the reviewer, still taken: DATE at {DATE[0]}–{DATE[1]} (the engine gives DATE)" in output
    assert "1 approved review(s) with corrections. 2 span(s) reviewers added: " in output
    assert "1 missed" in output
    assert "1 span(s) reviewers undid: 0 no longer taken, 1 still taken." in output
    for word in PHI_WORDS:
        assert word not in output + str(error)
    [found] = examples.check_regressions()
    outcomes = {(c.action, c.start, c.end, c.span_type): c.outcome for c in found.checks}
    assert outcomes[("add", maria.start, maria.end, retype)] == examples.CAUGHT_AS_OTHER
    assert outcomes[("add", *BEDSIDE, "FACILITY")] == examples.MISSED
    assert outcomes[("remove", *DATE, "DATE")] == examples.STILL_FLAGGED


def test_an_engine_that_catches_every_addition_passes(cast):
    manager = cast.users["safety_manager"]
    report = make_report(cast)
    draft = review.review_for(report, by=manager)
    date = next(s for s in review.final_spans(draft) if s.type == "DATE")
    review.remove_span(review=draft, start=date.start, end=date.end, by=manager)
    review.add_span(review=draft, start=date.start, end=date.end, span_type="DATE", by=manager)  # undone, then kept
    review.approve(review=draft, by=manager)
    output, error = _run()
    assert error is None, output
    assert "1 span(s) reviewers added: 1 caught, 0 caught as another type, 0 partly missed, 0 missed." in output
    assert "0 span(s) reviewers undid" in output  # the undo was itself overridden


def test_a_partly_found_addition_is_a_regression(cast):
    manager = cast.users["safety_manager"]
    report = make_report(cast)
    draft = review.review_for(report, by=manager)
    # "bedside on 03/04/2024": the engine takes the date but not the word before it.
    review.add_span(review=draft, start=BEDSIDE[0], end=DATE[1], span_type="DATE", by=manager)
    review.approve(review=draft, by=manager)
    [found] = examples.check_regressions()
    [check] = found.checks
    assert check.outcome == examples.PARTLY_MISSED
    assert check.regressed
    assert _run()[1] is not None


def test_drafts_and_reviews_of_an_older_narrative_are_not_in_the_set(cast):
    manager = cast.users["safety_manager"]
    report = make_report(cast)
    draft = review.review_for(report, by=manager)
    review.add_span(review=draft, start=BEDSIDE[0], end=BEDSIDE[1], span_type="FACILITY", by=manager)
    assert list(examples.check_regressions()) == []  # not approved
    review.approve(review=draft, by=manager)
    report.narrative = NARRATIVE + " More."
    report.save()
    assert list(examples.check_regressions()) == []  # approved for a text that is no longer there
    output, error = _run()
    assert error is None
    assert "0 approved review(s)" in output


def test_one_provider_only_and_an_unknown_provider_is_named(cast):
    _approved_with_corrections(cast)
    output, error = _run("--provider", cast.orgs["p2"].slug)
    assert error is None
    assert "0 approved review(s)" in output
    _, error = _run("--provider", "nobody-here")
    assert error is not None
    assert "provider: no provider with the slug 'nobody-here'" in str(error)


def test_reading_the_narratives_for_the_check_is_audited_by_provider_with_ids_only(cast):
    from openpso.audit.models import AuditEvent

    approved, _, _ = _approved_with_corrections(cast)
    _run()
    event = AuditEvent.objects.get(action="deid.regressions_checked")
    assert (event.organization_id, event.detail) == (cast.orgs["p1"].pk, {"reviews": [approved.pk], "count": 1})
    for word in PHI_WORDS:
        assert word not in str(event.detail)
