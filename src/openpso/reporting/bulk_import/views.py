"""The safety manager's import pages: upload, confirm the mapping, dry run, import, progress."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from openpso import flows
from openpso.commonformats.definitions import herf_core
from openpso.reporting.bulk_import import actions, queries, reader
from openpso.reporting.bulk_import.forms import UploadForm, mapping_from_post
from openpso.reporting.bulk_import.mapping import CODED, FIELDS, ImportMapping, MappingInvalid
from openpso.reporting.bulk_import.proposal import distinct_words
from openpso.reporting.models import ImportJob, ImportStatus

POLL_SECONDS = 2
SHOWN_PROBLEMS = 500
FIELD_LABELS = {
    "source_id": "Source system's id (required: makes a re-import idempotent)",
    "event_type": "DE3 What is being reported",
    "categories": "DE21 Categories",
    "category_other": "DE21 Other: please specify",
    "discovered_at": "DE9 Discovery date (or date and time)",
    "discovered_time": "Discovery time, if in its own column",
    "narrative": "DE15 Brief narrative",
    "location_detail": "DE18 Location",
    "patient_age_years": "Patient age (years)",
    "patient_sex": "DE42 Patient gender",
    "harm": "Harm scale",
    "reporter_role": "DE36 Reporter's job",
}
_HERF = herf_core()
ELEMENTS = {"event_type": "DE3", "categories": "DE21", "harm": "PIF/harm", "patient_sex": "DE42"}


def _chunks(upload: Any) -> Iterator[bytes]:
    yield from upload.chunks()


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, provider: str) -> HttpResponse:
    organization = queries.get_importing_provider_for_user(request.user, provider)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = actions.upload(
                user=request.user,
                provider=organization,
                source_system=form.cleaned_data["source_system"],
                file_name=upload.name,
                chunks=_chunks(upload),
            )
        except reader.UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("reporting:import-job", import_id=job.pk)
    context = {
        "provider": organization,
        "form": form,
        "jobs": queries.jobs_of(organization)[:20],
        "mappings": queries.mappings_of(organization),
    }
    return render(request, "reporting/bulk_import/start.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    job = queries.get_job_for_user(request.user, import_id)
    problems: list[str] = []
    editable = job.status in {ImportStatus.UPLOADED, ImportStatus.CHECKED}
    mapping = ImportMapping.from_json(job.mapping) if editable else None
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "dry_run" and mapping is not None:
            try:
                mapping = mapping_from_post(request.POST, source_system=job.source_system, earlier=mapping)
            except MappingInvalid as exc:
                problems = exc.problems
            else:
                actions.confirm_mapping(user=request.user, job=job, mapping=mapping)
                result = actions.check(user=request.user, job=job)
                messages.info(request, f"Dry run: {result.rows} rows, {result.failing_rows} would fail.")
                return redirect("reporting:import-job", import_id=job.pk)
        elif step == "start" and job.status == ImportStatus.CHECKED:
            actions.queue(user=request.user, job=job)
            flows.bulk_import_queued(job.pk)
            return redirect("reporting:import-job", import_id=job.pk)
        elif step == "resume" and job.status in {ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.FAILED}:
            # After a crash or a restart: the import continues from its checkpoint.
            actions.queue(user=request.user, job=job)
            flows.bulk_import_queued(job.pk)
            return redirect("reporting:import-job", import_id=job.pk)
        else:
            problems = ["this step is not open for the import in its present state"]
    context = {"job": job, "problems_posted": problems, "poll": POLL_SECONDS, **_mapping_context(job, mapping)}
    context["problems"] = (job.problems or [])[:SHOWN_PROBLEMS]
    return render(request, "reporting/bulk_import/job.html", context, status=400 if problems else 200)


def _mapping_context(job: ImportJob, mapping: ImportMapping | None) -> dict[str, Any]:
    if mapping is None:
        return {"editable": False, "mapping_json": json.dumps(job.mapping, indent=2)}
    with reader.open_rows(file_format=job.file_format, stored=job.stored_name) as rows:
        header = rows.header
        words = distinct_words(mapping, rows)
    fields = [{"name": f, "label": FIELD_LABELS[f], "column": mapping.columns.get(f, "")} for f in FIELDS]
    coded = []
    for field in CODED:
        table = {" ".join(k.split()).casefold(): v for k, v in mapping.values.get(field, {}).items()}
        element = _HERF[ELEMENTS[field]]
        choices = [(a.code, f"{a.display} [{a.code}]") for a in element.answers]
        rows_ = [{"word": w, "code": table.get(w.casefold(), "")} for w in words.get(field, [])]
        coded.append({"name": field, "label": FIELD_LABELS[field], "words": rows_, "choices": choices})
    return {
        "editable": True,
        "header": header,
        "fields": fields,
        "coded": coded,
        "mapping": mapping,
        "answers_json": json.dumps(mapping.answers),
        "mapping_json": json.dumps(mapping.as_json(), indent=2),
    }


@login_required
def import_progress(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """The fragment htmx polls while the import runs; the whole page reloads once it is done."""
    job = queries.get_job_for_user(request.user, import_id)
    response = render(request, "reporting/bulk_import/_progress.html", {"job": job, "poll": POLL_SECONDS})
    if job.status == ImportStatus.FINISHED and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
