"""A safety manager imports an export (1,000 rows: see ROWS) through the pages: upload, the proposed mapping,
the dry run, the background import and its progress; then imports it again (issue 17 item 3)."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from openpso import flows
from openpso.audit.models import AuditEvent
from openpso.pswp.models import PswpTransition
from openpso.reporting.bulk_import.tests.conftest import SAMPLE, export_of
from openpso.reporting.events import ReportAction
from openpso.reporting.models import EventReport, ImportJob, ImportMappingRecord, ImportStatus

pytestmark = pytest.mark.django_db
# Issue 17's story is 1,000 rows: `OPENPSO_IMPORT_TEST_ROWS=1000 pytest …test_import_pages.py`. Each
# row is a whole filing (ledger, audit chain, encryption), tens of seconds for 1,000 on the 2-core
# VM, more than the suite's budget has left; `make test` runs the same pages over 50 rows.
ROWS = int(os.environ.get("OPENPSO_IMPORT_TEST_ROWS", "50"))


def _confirm_as_proposed(client, job):
    """Post the mapping page back as it was proposed (the safety manager changes nothing)."""
    page = client.get(reverse("reporting:import-job", kwargs={"import_id": job.pk}))
    assert page.status_code == 200
    context = page.context
    post = {"step": "dry_run", "date_format": context["mapping"].date_format, "list_separator": ";", "answers": "{}"}
    for field in context["fields"]:
        post[f"col:{field['name']}"] = field["column"]
    for coded in context["coded"]:
        post[f"count:{coded['name']}"] = len(coded["words"])
        for i, word in enumerate(coded["words"]):
            post[f"word:{coded['name']}:{i}"] = word["word"]
            post[f"val:{coded['name']}:{i}"] = word["code"]
    return client.post(reverse("reporting:import-job", kwargs={"import_id": job.pk}), post)


def _run_queued_import(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        response = action()
    task = DBTaskResult.objects.filter(task_path="openpso.flows.bulk_import_task").order_by("-enqueued_at").first()
    assert task is not None
    with django_capture_on_commit_callbacks(execute=True):
        flows.bulk_import_task.call(*task.args_kwargs["args"])
    return response


def _upload(client, cast, name, content):
    url = reverse("reporting:import-start", kwargs={"provider": cast.orgs["p1"].slug})
    response = client.post(url, {"source_system": "datix", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_a_safety_manager_imports_an_export_with_a_proposed_mapping_and_a_dry_run(
    cast, client_for, keys_and_data, django_capture_on_commit_callbacks
):
    client = client_for("safety_manager")
    before = EventReport.objects.filter(provider=cast.orgs["p1"]).count()  # the cast's own reports
    job = _upload(client, cast, "incidents.csv", export_of(ROWS))
    proposed = job.mapping
    assert proposed["columns"]["source_id"] == "Ref"
    assert proposed["columns"]["discovered_time"] == "Time"
    assert proposed["date_format"] == "%d/%m/%Y"
    assert proposed["values"]["categories"]["Slips, trips and falls"] == "A48"

    response = _confirm_as_proposed(client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.failing_rows) == (ImportStatus.CHECKED, ROWS, 0)
    assert ImportMappingRecord.objects.get(provider=cast.orgs["p1"], source_system="datix")
    assert EventReport.objects.filter(provider=cast.orgs["p1"]).count() == before  # the dry run files nothing

    start = reverse("reporting:import-job", kwargs={"import_id": job.pk})
    _run_queued_import(django_capture_on_commit_callbacks, lambda: client.post(start, {"step": "start"}))
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created, job.failed) == (ImportStatus.FINISHED, ROWS, ROWS, 0)
    assert EventReport.objects.filter(provider=cast.orgs["p1"]).count() == before + ROWS
    # Each row is one filing: the ledger's entry into the PSES, report.filed and report.imported.
    ids = [e.object_id for e in AuditEvent.objects.filter(action=ReportAction.IMPORTED)]
    assert len(ids) == ROWS
    assert PswpTransition.objects.filter(object_id__in=ids).count() == ROWS
    assert AuditEvent.objects.filter(action=ReportAction.FILED, object_id__in=ids).count() == ROWS
    progress = client.get(reverse("reporting:import-progress", kwargs={"import_id": job.pk}))
    assert f"{ROWS} reports filed" in progress.content.decode()
    assert not (keys_and_data / "imports" / job.stored_name).exists()  # the export is not kept

    # The next export from the same system starts from the mapping the safety manager confirmed
    # (re-importing rows is tests/test_resume_and_amend.py's, at a few rows).
    again = _upload(client, cast, "next-month.csv", SAMPLE.read_bytes())
    assert again.mapping == ImportMappingRecord.objects.get(source_system="datix").mapping


def test_the_dry_run_page_lists_each_failing_row_with_its_column_and_reason(cast, client_for, keys_and_data):
    client = client_for("safety_manager")
    job = _upload(client, cast, "sample.csv", SAMPLE.read_bytes())
    _confirm_as_proposed(client, job)
    page = client.get(reverse("reporting:import-job", kwargs={"import_id": job.pk}))
    problems = {(p["row"], p["column"]) for p in page.context["problems"]}
    assert (8, "Category") in problems  # "Catering" is not in the value table
    assert (9, "Ref") in problems  # no id: cannot be imported idempotently
    assert (9, "Incident date + Time") in problems  # 31/02 at 25:99
    assert page.context["job"].failing_rows == 2
    body = page.content.decode()
    assert "would fail" in body
    assert "Catering" in body


def test_another_providers_safety_manager_gets_404(cast, client_for, keys_and_data):
    job = _upload(client_for("safety_manager"), cast, "sample.csv", SAMPLE.read_bytes())
    other = client_for("manager_p2")
    url = reverse("reporting:import-job", kwargs={"import_id": job.pk})
    assert other.get(url).status_code == 404
    assert other.get(reverse("reporting:import-progress", kwargs={"import_id": job.pk})).status_code == 404
    assert other.post(url, {"step": "start"}).status_code == 404
    assert client_for("pses_committee").get(url).status_code == 404
