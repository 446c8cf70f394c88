"""Asking for a report, its background generation and progress, who reads it, and the CLI."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openpso.audit.models import AuditEvent
from openpso.commonformats.rca2 import ActionStatus
from openpso.feedback.digest.queries import digest_for
from openpso.feedback.models import FeedbackReport, ReportKind, ReportStatus
from openpso.feedback.queries import requestable
from openpso.feedback.reports import actions as reports
from openpso.feedback.tests.fixtures import cast_reports, give_products
from openpso.pses.models import EventReportLink
from openpso.pses.tests.rca_fixtures import cast_actions

TASK = "openpso.feedback.tasks.generate_report_task"


def test_asking_for_a_report_queues_its_task_when_the_row_is_committed(
    cast, client_for, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    give_products(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("safety_manager").post(
            "/feedback/reports/", {"product": "provider_monthly:t-p1", "month": "2026-09"}
        )
    report = FeedbackReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/reports/{report.pk}/"
    assert (report.kind, report.organization, report.period) == (
        "provider_monthly",
        cast.orgs["p1"],
        dt.date(2026, 9, 1),
    )
    assert report.status == ReportStatus.QUEUED
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1
    assert AuditEvent.objects.filter(action="feedback.report_requested", object_id=str(report.pk)).exists()


def test_reports_on_offer_follow_each_agreements_products(cast):
    give_products(cast, products=["reporter_digest"])
    assert [(k, o.slug) for k, o in requestable(cast.users["safety_manager"])] == [("reporter_digest", "t-p1")]
    give_products(cast, products=["monthly_provider_report", "system_report"])
    assert [(k, o.slug) for k, o in requestable(cast.users["safety_manager"])] == [("provider_monthly", "t-p1")]
    assert [(k, o.slug) for k, o in requestable(cast.users["system_safety_officer"])] == [("system", "t-sys1")]
    assert [k for k, _ in requestable(cast.users["pso_analyst"])] == ["pso_learning"]
    assert requestable(cast.users["reporter"]) == []


def test_a_report_for_a_product_not_on_offer_is_refused_by_field(cast, client_for):
    give_products(cast, products=["reporter_digest"])
    body = (
        client_for("safety_manager")
        .post("/feedback/reports/", {"product": "provider_monthly:t-p1", "month": "2026-09"})
        .content.decode()
    )
    assert "Report</a>: Select a valid choice." in body
    body = (
        client_for("safety_manager")
        .post("/feedback/reports/", {"product": "reporter_digest:t-p1", "month": "2099-01"})
        .content.decode()
    )
    assert "Month</a>: This month has not begun yet." in body
    assert not FeedbackReport.objects.exists()


def test_the_page_polls_progress_and_reloads_when_the_report_is_done(cast, client_for):
    give_products(cast)
    report = FeedbackReport.objects.create(
        kind=ReportKind.REPORTER_DIGEST, organization=cast.orgs["p1"], period=dt.date(2026, 9, 1)
    )
    reports.set_progress(report, 40, "Changes put in place")
    client = client_for("reporter")
    page = client.get(f"/feedback/reports/{report.pk}/").content.decode()
    assert f'hx-get="/feedback/reports/{report.pk}/progress/"' in page
    assert 'value="40"' in page
    fragment = client.get(f"/feedback/reports/{report.pk}/progress/", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment
    assert "(40%)" in fragment.content.decode()
    reports.generate(report.pk)
    fragment = client.get(f"/feedback/reports/{report.pk}/progress/", headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    page = client.get(f"/feedback/reports/{report.pk}/").content.decode()
    assert "What changed because you reported" in page
    assert "Download the PDF" in page


def test_generating_twice_leaves_the_finished_report_as_it_was(cast):
    give_products(cast)
    report = FeedbackReport.objects.create(
        kind=ReportKind.REPORTER_DIGEST, organization=cast.orgs["p1"], period=dt.date(2026, 9, 1)
    )
    first = reports.generate(report.pk)
    again = reports.generate(report.pk)
    assert again.finished_at == first.finished_at
    assert bytes(again.pdf) == bytes(first.pdf)
    assert bytes(first.pdf).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="feedback.report_generated").count() == 1


def test_reading_and_downloading_a_report_is_audited(cast, client_for):
    report = cast_reports(cast)["provider_monthly:p1"]
    client = client_for("pses_committee")
    assert client.get(f"/feedback/reports/{report.pk}/").status_code == 200
    response = client.get(f"/feedback/reports/{report.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="provider_monthly-t-p1-2026-09.pdf"' in response["Content-Disposition"]
    actions = set(AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert {"feedback.report_viewed", "feedback.report_downloaded"} <= actions


def test_the_digest_counts_changes_and_the_reports_behind_them_without_any_text(cast, client_for):
    give_products(cast)
    action = cast_actions(cast)["r1"]
    action.status, action.implemented_on = ActionStatus.DONE, dt.date(2026, 9, 10)
    action.save()
    EventReportLink.objects.create(event=action.investigation.event, report=cast.reports["r1anon"])
    digest = digest_for(cast.orgs["p1"], start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    assert (digest.actions, digest.reports) == (1, 2)
    assert [(r.action_type, r.strength, r.category, r.month) for r in digest.rows] == [
        ("Forcing functions", "Stronger", "Fall", "2026-09")
    ]
    body = client_for("reporter").get("/feedback/digest/").content.decode()
    assert "Cast General Hospital" in body
    assert "CANARY-RCA" not in body
    assert "CANARY-REPORT" not in body


def test_a_provider_without_the_digest_in_its_agreement_is_told_so(cast, client_for):
    give_products(cast, products=["safety_alerts"])
    body = client_for("reporter").get("/feedback/digest/").content.decode()
    assert "member agreement does not include the reporter digest" in body


def test_the_command_generates_a_report_and_writes_its_pdf(cast, tmp_path):
    give_products(cast)
    out, err = StringIO(), StringIO()
    target = tmp_path / "digest.pdf"
    call_command(
        "feedback",
        "generate",
        "--kind",
        "reporter_digest",
        "--org",
        "t-p1",
        "--month",
        "2026-09",
        "--pdf",
        str(target),
        stdout=out,
        stderr=err,
    )
    assert target.read_bytes().startswith(b"%PDF")
    assert "reporter_digest\tt-p1\t2026-09" in out.getvalue()
    assert "100%" not in err.getvalue()
    assert " 85% Writing the PDF" in err.getvalue()
    assert FeedbackReport.objects.get().status == ReportStatus.DONE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "provider_monthly", "--org", "nope", "--month", "2026-09"], "no organisation with the slug"),
        (["--kind", "provider_monthly", "--org", "t-sys1", "--month", "2026-09"], "is a health system"),
        (
            ["--kind", "provider_monthly", "--org", "t-p1b", "--month", "2026-09"],
            "does not include monthly provider report",
        ),
        (["--kind", "reporter_digest", "--org", "t-p1", "--month", "Sept"], "is not a month like 2026-10"),
    ],
)
def test_the_command_names_what_is_wrong(cast, args, message):
    give_products(cast)
    with pytest.raises(CommandError, match=message):
        call_command("feedback", "generate", *args)
    assert not FeedbackReport.objects.exists()


def test_a_provider_report_lists_only_the_alerts_sent_to_that_provider(cast):
    from django.utils import timezone

    from openpso.feedback.reports.content import learned_section
    from openpso.feedback.tests.fixtures import cast_alerts

    alert = cast_alerts(cast)["pso1"]
    month = f"{timezone.localdate():%Y-%m}"
    sent = learned_section(cast.orgs["pso1"], month, None, provider=cast.orgs["p1"])
    assert [row[1] for row in sent.tables[0].rows] == [alert.title]
    assert sent.tables[0].rows[0][-1] == "not yet acknowledged"
    not_sent = learned_section(cast.orgs["pso1"], month, None, provider=cast.orgs["p1b"])
    assert not not_sent.tables
    assert f"No safety alert was sent to you in {month}." in not_sent.notes
    pool = learned_section(cast.orgs["pso1"], month, None)
    assert pool.tables[0].rows[0][-1] == "0 of 2 acknowledged"
