"""What follows what on an event's way from filing to the pooled lake and the dashboards.

This is the one place that wires the stages together. Each stage offers plain functions and
knows nothing of the stages after it (no hook registries, no Django signals, no late upward
imports); this module sits above them all, and the entry points that complete a step — the
pages, the API operations, the commands — call the matching function here once their action
has returned. A later stage runs after the step's transaction commits, so it never sees a row
that may still roll back, and its failure never undoes the step: it is logged (ids only) and
the catch-up command (`openpso submissions functional`) or the next refresh repairs it.

    step                  called by                       what follows
    --------------------  ------------------------------  ---------------------------------------
    report_filed          reporting page and API, the     functional reporting: if a grant covers
                          anonymous channel, the import   the report, the PSO receives it now
                          command                         -> events_received if it did
    review_approved       de-identification review page   functional reporting again (approved
                                                          spans change the document)
                                                          -> events_received if received
    grant_scope_reported  grant page (a grant opened),    every report in the grant's scope
                          catch-up command                reported -> events_received if any
    events_submitted      submissions page and API        -> events_received if any was accepted
    events_received       the four steps above            a pool refresh queued (background task)
    pool_refreshed        the pool refresh task           the analytics dashboards warmed
    reports_filed         the bulk import (each batch,    as report_filed, for the batch's new
                          after it commits)               reports at once
    bulk_import_queued    the bulk import pages           the background import; each batch filed
                                                          -> reports_filed

Pushed submissions (page and API) and functional reporting are the two ways events reach the
PSO; both end in `events_received`, so nothing the PSO receives waits for a manual refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django_tasks import task

from openpso.analytics.warm import warm_dashboards
from openpso.reporting.bulk_import import actions as bulk_import
from openpso.submissions.functional import actions as functional
from openpso.submissions.functional.actions import FunctionalRun
from openpso.submissions.models import FunctionalReportingGrant
from openpso.submissions.push.actions import ACCEPTED, EventResult

log = logging.getLogger(__name__)


def report_filed(report_id: Any) -> None:
    """A report was filed (page, API, anonymous channel or import): after commit, functional
    reporting takes it if a grant covers it."""
    transaction.on_commit(lambda: _functionally_report_one(report_id, step="filing"))


def reports_filed(report_ids: Sequence[Any]) -> None:
    """Reports were filed together (a batch of a bulk import): after commit, functional reporting
    takes each one a grant covers, as `report_filed` does for one, with the grants looked up once."""
    ids = list(report_ids)
    if ids:
        transaction.on_commit(lambda: _functionally_report_many(ids))


def review_approved(report_id: Any) -> None:
    """A safety manager approved the de-identification review of a report: where the PSO has
    functional access it gets the new document now (push submitters send it again themselves)."""
    transaction.on_commit(lambda: _functionally_report_one(report_id, step="review approval"))


def grant_scope_reported(grant: FunctionalReportingGrant) -> FunctionalRun:
    """A provider opened part of its PSES to the PSO, or the catch-up command runs: every report
    in the grant's scope is reported now (each in its own transaction), and the pool learns of them."""
    run = functional.functionally_report(grant=grant)
    if run.accepted:
        events_received()
    return run


def events_submitted(results: Sequence[EventResult]) -> None:
    """A provider pushed a batch (page or API): the pool learns of what the PSO accepted."""
    if any(result.status == ACCEPTED for result in results):
        events_received()


def events_received() -> None:
    """The PSO received at least one event (accepted, not unchanged): queue a pool refresh once
    the current transaction commits, so the task sees the rows. Refreshes are idempotent and
    serialised by a lock; one that finds nothing new writes nothing."""
    transaction.on_commit(lambda: pool_refresh_task.enqueue())


def bulk_import_queued(job_id: Any) -> None:
    """A safety manager started (or resumed) a bulk import: the background task runs it once
    the current transaction commits."""
    transaction.on_commit(lambda: bulk_import_task.enqueue(str(job_id)))


@task()
def bulk_import_task(job_id: str) -> dict[str, Any]:
    """A provider's incident-system export imported from its checkpoint on (reporting.bulk_import):
    each batch's new reports are followed by `reports_filed`, as a filing is from every other entry
    point by `report_filed`. Counts only."""
    job = bulk_import.run(job_id=job_id, on_filed=reports_filed)
    return {"job": str(job.pk), "status": job.status, "rows_done": job.rows_done, "created": job.created}


@task()
def pool_refresh_task(full: bool = False) -> dict[str, Any]:
    """The background pool refresh: every PSO's lake brought up to date, then `pool_refreshed`.
    The result is the refresh's summary (counts and seconds only)."""
    from openpso.lake.refresh import refresh_lake  # pyarrow: loaded in the worker, not by every page

    summary = refresh_lake(full=full)
    pool_refreshed()
    return summary.as_dict()


def pool_refreshed() -> None:
    """The lake changed: build the dashboards now, in the worker, so the first page view after
    new data does not pay for them. A failure here must not fail the refresh that succeeded:
    a page builds its dashboard itself when it finds none cached."""
    try:
        warm_dashboards()
    except Exception:
        log.exception("warming the analytics dashboards failed")


def _functionally_report_one(report_id: Any, *, step: str) -> None:
    try:
        received = functional.report_one(report_id)
    except Exception:  # ids only in logs (invariant 4); the catch-up command reports it later
        log.exception("functional reporting after %s failed", step, extra={"report": str(report_id)})
        return
    if received:
        events_received()


def _functionally_report_many(report_ids: list[Any]) -> None:
    try:
        received = functional.report_many(report_ids)
    except Exception:  # ids only in logs (invariant 4); the catch-up command reports the rest later
        log.exception("functional reporting after a batch of filings failed", extra={"reports": len(report_ids)})
        return
    if received:
        events_received()
