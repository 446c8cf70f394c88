"""`/api/v1/feedback-reports`: an organisation's system lists the feedback reports it may read and
downloads each as PDF or HTML, the same document as the report page's download with the same audit event."""

from __future__ import annotations

from openpso.audit.models import AuditEvent
from openpso.feedback.events import FeedbackAction
from openpso.feedback.models import FeedbackReport, ReportStatus
from openpso.feedback.tests.fixtures import cast_reports


def _listed(client) -> set[int]:
    return {item["id"] for item in client.get("/api/v1/feedback-reports").json()["items"]}


def test_each_reader_lists_the_reports_its_organisation_may_read(cast, client_for):
    reports = cast_reports(cast)
    own = {reports[k].pk for k in ("provider_monthly:p1", "reporter_digest:p1", "pso_learning:pso1")}
    assert _listed(client_for("safety_manager")) == own
    assert _listed(client_for("reporter")) == {reports["reporter_digest:p1"].pk}
    assert _listed(client_for("system_safety_officer")) == {reports["system:sys1"].pk}
    assert _listed(client_for("auditor")) == set()
    detail = client_for("safety_manager").get(f"/api/v1/feedback-reports/{reports['provider_monthly:p1'].pk}").json()
    assert (detail["kind"], detail["organization"], detail["status"]) == ("provider_monthly", "t-p1", "done")


def test_the_pdf_is_the_pages_download_byte_for_byte_with_the_same_audit_event(cast, client_for):
    report = cast_reports(cast)["provider_monthly:p1"]
    client = client_for("safety_manager")
    page = client.get(f"/feedback/reports/{report.pk}/pdf/")
    api = client.get(f"/api/v1/feedback-reports/{report.pk}.pdf")
    assert api.status_code == 200
    assert api.content.startswith(b"%PDF-")
    assert api.content == page.content
    assert api["Content-Type"] == page["Content-Type"] == "application/pdf"
    assert api["Content-Disposition"] == page["Content-Disposition"]
    downloads = AuditEvent.objects.filter(action=FeedbackAction.REPORT_DOWNLOADED, object_id=str(report.pk))
    assert downloads.count() == 2
    assert set(downloads.values_list("organization_id", flat=True)) == {cast.orgs["p1"].pk}


def test_the_html_is_the_document_the_page_shows(cast, client_for):
    report = cast_reports(cast)["provider_monthly:p1"]
    response = client_for("pses_committee").get(f"/api/v1/feedback-reports/{report.pk}.html")
    assert response.status_code == 200
    assert response.content.decode() == report.html
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action=FeedbackAction.REPORT_DOWNLOADED, object_id=str(report.pk)).exists()


def test_another_organisation_gets_404_and_an_unfinished_report_has_no_document_yet(cast, client_for):
    report = cast_reports(cast)["provider_monthly:p1"]
    for who in ("manager_p2", "reporter", "pso_analyst", "system_safety_officer"):
        for suffix in ("", ".pdf", ".html"):
            assert client_for(who).get(f"/api/v1/feedback-reports/{report.pk}{suffix}").status_code == 404
    FeedbackReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    client = client_for("safety_manager")
    assert client.get(f"/api/v1/feedback-reports/{report.pk}").json()["status"] == "running"
    assert client.get(f"/api/v1/feedback-reports/{report.pk}.pdf").status_code == 404
    assert client.get("/api/v1/feedback-reports/x.pdf").status_code == 422
