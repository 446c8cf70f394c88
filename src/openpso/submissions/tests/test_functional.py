"""Functional reporting: the PSO's access to part of the PSES makes reports reported."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from openpso import flows
from openpso.pswp.models import PswpTransition
from openpso.reporting.models import EventReport
from openpso.submissions.functional.actions import functionally_report, grant_access, revoke_access
from openpso.submissions.models import Submission
from openpso.submissions.tests.helpers import file


def _grant(cast, **kw):
    start = kw.pop("effective_from", timezone.now() - dt.timedelta(days=1))
    return grant_access(provider=cast.orgs["p1"], actor=cast.users["safety_manager"], effective_from=start, **kw)


def test_a_grant_reports_every_report_in_scope_from_its_date(cast):
    old = cast.reports["r1"]
    EventReport.objects.filter(pk=old.pk).update(
        discovered_at=timezone.now() - dt.timedelta(days=30), reported_at=timezone.now() - dt.timedelta(days=30)
    )
    new = file(cast.users["reporter"])
    run = functionally_report(grant=_grant(cast))
    assert run.accepted == 2  # new and r1anon (filed today); r1 is from before the grant
    submission = Submission.objects.get(event_id=new.pk)
    assert submission.method == "functional"
    new.refresh_from_db()
    assert new.pswp_status == "functionally_reported"
    assert PswpTransition.objects.filter(object_id=str(new.pk), to_status="functionally_reported").count() == 1
    assert not Submission.objects.filter(event_id=old.pk).exists()


def test_a_grant_covers_only_its_categories_and_units(cast):
    file(cast.users["reporter"], categories=["A54"], answers={})
    run = functionally_report(grant=_grant(cast, categories=["A54"], unit_ids=[cast.units["p1"].pk]))
    assert run.accepted == 0  # filed without a unit
    run = functionally_report(grant=_grant(cast, categories=["A54"]))
    assert run.accepted == 1
    assert Submission.objects.get().category_codes == ",A54,"


def test_running_it_again_reports_nothing_twice(cast):
    grant = _grant(cast)
    first = functionally_report(grant=grant)
    again = functionally_report(grant=grant)
    assert (again.accepted, again.unchanged) == (0, first.accepted)
    assert Submission.objects.count() == first.accepted


def test_revoking_a_grant_stops_new_ones_and_keeps_what_was_reported(cast):
    grant = _grant(cast)
    functionally_report(grant=grant)
    count = Submission.objects.count()
    revoke_access(grant=grant, actor=cast.users["safety_manager"])
    grant.refresh_from_db()
    file(cast.users["reporter"])
    assert functionally_report(grant=grant).accepted == 0
    assert Submission.objects.count() == count
    assert EventReport.objects.filter(pswp_status="functionally_reported").count() == count


def test_a_report_filed_under_a_grant_is_reported_once_the_filing_commits(cast, django_capture_on_commit_callbacks):
    _grant(cast)
    with django_capture_on_commit_callbacks(execute=True):
        report = file(cast.users["reporter"])
        flows.report_filed(report.pk)
    report.refresh_from_db()
    assert report.pswp_status == "functionally_reported"
    assert Submission.objects.get(event_id=report.pk).method == "functional"


def test_a_report_filed_under_a_grant_queues_a_pool_refresh(cast, django_capture_on_commit_callbacks, monkeypatch):
    # Issue 16: the filed report became functionally reported but never reached the pool — no
    # refresh was queued, and the catch-up command then found nothing new to send.
    queued: list[bool] = []
    monkeypatch.setattr(flows, "events_received", lambda: queued.append(True))
    _grant(cast)
    with django_capture_on_commit_callbacks(execute=True):
        flows.report_filed(file(cast.users["reporter"]).pk)
    assert queued == [True]


def test_a_report_filed_with_no_grant_queues_no_pool_refresh(cast, django_capture_on_commit_callbacks, monkeypatch):
    queued: list[bool] = []
    monkeypatch.setattr(flows, "events_received", lambda: queued.append(True))
    with django_capture_on_commit_callbacks(execute=True):
        flows.report_filed(file(cast.users["reporter"]).pk)
    assert queued == []


def test_the_catch_up_command_reports_what_the_hook_missed(cast):
    _grant(cast)
    out = io.StringIO()
    call_command("submissions", "functional", stdout=out)
    assert "functional reporting: accepted 2, unchanged 0" in out.getvalue()
    out = io.StringIO()
    call_command("submissions", "functional", stdout=out)
    assert "accepted 0, unchanged 2" in out.getvalue()


def test_the_grant_page_gives_and_closes_access(cast, client_for):
    client = client_for("safety_manager")
    url = f"/submissions/{cast.orgs['p1'].slug}/functional/"
    today = timezone.localdate().isoformat()
    response = client.post(url, {"action": "grant", "effective_from": today}, follow=True)
    assert "functionally reported now" in response.content.decode()
    grant = cast.orgs["p1"].functional_grants.get()
    client.post(url, {"action": "revoke", "grant_id": grant.pk})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert client_for("manager_p2").get(url).status_code == 404


def test_the_grant_page_names_categories_without_the_form_instruction(cast, client_for):
    page = client_for("safety_manager").get(f"/submissions/{cast.orgs['p1'].slug}/functional/").content.decode()
    assert "Medication or Other Substance" in page
    assert "PLEASE SPECIFY" not in page
