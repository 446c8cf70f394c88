"""`openpso.flows`: each step's follow-ups fire once, in the table's order, from the entry points."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openpso import flows
from openpso.lake.models import LakeEntry
from openpso.reporting.models import EventReport
from openpso.submissions.functional import actions as functional
from openpso.submissions.functional.actions import grant_access

pytestmark = pytest.mark.django_db
SRC = Path(flows.__file__).resolve().parent
TASK = "openpso.flows.pool_refresh_task"


def _body(**overrides):
    body = {
        "provider": "t-p1",
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "narrative": "Slid from the chair to the floor while reaching for a cup.",
        "harm": "LA21150-0",
        "patient_age_years": 81,
        "patient_sex": "M",
        "answers": {"Fall/assisted": "OPSO-FALL-UNASSISTED", "Fall/injury": "A18"},
    }
    return {**body, **overrides}


def _watch(monkeypatch):
    """Record each stage as it runs, keeping what it does."""
    seen: list[str] = []

    def wrap(owner, name, label):
        real = getattr(owner, name)

        def recorded(*args, **kwargs):
            seen.append(label)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorded)

    wrap(functional, "report_one", "functional reporting")
    wrap(flows, "events_received", "pool refresh queued")
    monkeypatch.setattr(flows, "warm_dashboards", lambda: seen.append("dashboards warmed"))
    return seen


def test_a_report_filed_under_a_functional_grant_reaches_the_pool(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    # Issue 16: such a report became functionally reported, but no refresh was queued for it.
    grant_access(
        provider=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        effective_from=timezone.now() - dt.timedelta(days=1),
    )
    seen = _watch(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("reporter").post(
            "/api/v1/reports", data=json.dumps(_body()), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.pswp_status == "functionally_reported"
    assert seen == ["functional reporting", "pool refresh queued"]
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1

    summary = flows.pool_refresh_task.call()
    assert summary["added"] >= 1
    assert LakeEntry.objects.filter(event_id=report.pk).exists()
    assert seen == ["functional reporting", "pool refresh queued", "dashboards warmed"]


def test_a_report_filed_without_a_grant_queues_nothing(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    seen = _watch(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("reporter").post(
            "/api/v1/reports", data=json.dumps(_body()), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert seen == ["functional reporting"]
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_a_resent_filing_does_not_run_the_steps_again(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    seen = _watch(monkeypatch)
    client = client_for("reporter")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/api/v1/reports",
                data=json.dumps(_body()),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="same-filing",
            )
    assert seen == ["functional reporting"]


def test_pushed_events_queue_one_refresh_per_batch_and_none_when_nothing_was_accepted(
    cast, client_for, django_capture_on_commit_callbacks
):
    manager = client_for("safety_manager")
    events = [str(cast.reports["r1"].pk)]
    for expected in (1, 1):  # the second send is "unchanged": nothing new for the pool
        with django_capture_on_commit_callbacks(execute=True):
            response = manager.post(
                "/api/v1/submissions", data=json.dumps({"events": events}), content_type="application/json"
            )
        assert response.status_code == 200, response.content
        assert DBTaskResult.objects.filter(task_path=TASK).count() == expected


def test_a_failing_follow_up_never_undoes_the_filing(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(report_id):
        raise RuntimeError("grant table unreadable")

    monkeypatch.setattr(functional, "report_one", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("reporter").post(
            "/api/v1/reports", data=json.dumps(_body()), content_type="application/json"
        )
    assert response.status_code == 201
    assert EventReport.objects.filter(pk=response.json()["id"]).exists()
    assert "functional reporting after filing failed" in caplog.text


# Each step's entry points call its flow: a new caller that forgets would lose the follow-ups.
ENTRY_CALLS = {
    r"(?<!def )\b(file_report|import_report)\(": "flows.report_filed(",
    r"(?<!def )\bfile_anonymous\(": "flows.report_filed(",
    r"review\.approve\(": "flows.review_approved(",
    r"(?<!def )\bsubmit_events\(": "flows.events_submitted(",
}
# The demo replays history through the actions and pools once itself at the end.
NOT_ENTRY_POINTS = {"demo/submissions.py"}
# The filing stage itself, and the bulk import below `flows` in the layers: it cannot import the
# flow, so it takes it as `on_filed`, and whoever starts it must hand in `reports_filed` (below).
STAGE_MODULES = {"reporting/actions.py", "reporting/bulk_import/actions.py", "reporting/bulk_import/command.py"}
HANDED_IN = re.compile(r"on_filed=(?!on_filed\b)([\w.]+)")


def test_every_entry_point_of_a_step_calls_its_flow():
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{rel}" or rel in NOT_ENTRY_POINTS | STAGE_MODULES:
            continue
        text = path.read_text(encoding="utf-8")
        for call, flow in ENTRY_CALLS.items():
            if re.search(call, text) and flow not in text:
                missing.append(f"{rel}: {call} without {flow}")
        for handed in HANDED_IN.findall(text):
            if handed not in {"flows.reports_filed", "reports_filed"}:
                missing.append(f"{rel}: on_filed={handed} instead of the flow")
    assert not missing, missing


def test_functional_reporting_of_a_grant_runs_only_through_the_flow():
    callers = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "/tests/" not in path.as_posix() and "functionally_report(grant" in path.read_text(encoding="utf-8")
    ]
    assert callers == ["flows.py"]
