"""`openpso submissions functional` killed with SIGKILL mid-batch, then run again, leaves what one
uninterrupted run leaves: the PSO's submissions, the PSWP ledger and the audit chain (issue 13,
item 10). Each report is submitted in its own transaction, so the kill loses at most the one in
flight and the second run takes up the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpso.testing.crash import assert_same, kill_midway, prepare, rows, snapshot

REPORTS = 80  # enough that the batch is seen half-way on a fast machine
SEED = "openpso.submissions.tests.test_crash:seed"
STATE = "openpso.submissions.tests.test_crash:state"


def seed() -> dict[str, int]:
    """REPORTS complete reports filed at t-p1, then a functional-reporting grant covering them."""
    from django.utils import timezone

    from openpso.accounts.models import User
    from openpso.organizations.models import Organization
    from openpso.submissions.functional.actions import grant_access
    from openpso.submissions.tests.helpers import file

    reporter = User.objects.get(email="reporter@cast.test")
    now = timezone.now()
    for n in range(REPORTS):
        file(reporter, discovered_at=now - dt.timedelta(days=n % 90, hours=3), narrative=f"Fall number {n}.")
    # Granted after the filings, so none of them was reported on filing: the command does it.
    provider = Organization.objects.get(slug="t-p1")
    grant_access(provider=provider, actor=None, effective_from=now - dt.timedelta(days=1))
    return {"reports": REPORTS}


def state() -> dict[str, Any]:
    from openpso.audit.models import AuditEvent
    from openpso.pswp.models import PswpTransition
    from openpso.reporting.models import EventReport
    from openpso.submissions.models import Submission

    # A submission's id is a random UUID made by the run: it is named by its event and version
    # instead, here and in the audit events about it. A ledger entry's id and an audit event's
    # seq are autoincrement (on PostgreSQL the killed transaction used some up).
    named = {str(s.pk): f"{s.event_id}/{s.version}" for s in Submission.objects.all()}
    return {
        # submitted_at, pswp_status_at, a ledger entry's `at` and an audit event's `at` are the
        # wall-clock time of the run that made them; an audit event's hashes chain those times.
        "submissions": rows(Submission.objects.all(), leave_out=["id", "submitted_at"]),
        "reports": rows(EventReport.objects.all(), leave_out=["pswp_status_at"]),
        "ledger": rows(PswpTransition.objects.all(), leave_out=["id", "at"]),
        "audit": rows(
            AuditEvent.objects.all(),
            leave_out=["seq", "at", "prev_hash", "hash"],
            natural={"object_id": lambda e: named.get(e.object_id, e.object_id)},
        ),
    }


def test_a_functional_batch_killed_midway_then_run_again_leaves_what_one_run_leaves(tmp_path: Path) -> None:
    reference, crashed = prepare(tmp_path, seed=SEED)
    command = ("submissions", "functional")
    reference.openpso(*command)
    total = reference.count("submissions_submission")  # the seeded reports and the cast's own

    kill_midway(crashed, *command, when=lambda w: w.site.count("submissions_submission") >= total // 6)
    done_before = crashed.count("submissions_submission")
    assert 0 < done_before < total, f"the kill came at {done_before} of {total} submissions, not mid-way"
    out = crashed.openpso(*command)
    assert f"accepted {total - done_before}," in out.splitlines()[-1]

    expected, got = snapshot(reference, STATE), snapshot(crashed, STATE)
    assert len(expected["submissions"]) == total >= REPORTS
    assert_same(got, expected)
