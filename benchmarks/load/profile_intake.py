"""Where an intake request's time goes: the API, the web form and the bare view, profiled in-process.

Run under PostgreSQL: `scripts/with-postgres.sh .venv/bin/python benchmarks/load/profile_intake.py [N]`.
No gunicorn, one client (Django's test client), N requests of each after 20 to warm up; prints the
time per request, the queries per request, and the cumulative time per request of each step of
intake (cProfile, so every figure is inflated alike by the profiler).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import pstats
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

# (label, file suffix, function name): the steps of intake, outermost first.
STEPS = [
    ("whole request (Django handler)", "django/core/handlers/base.py", "get_response"),
    (
        "  middleware before the view (session, user, MFA check, time zone)",
        "openpso/accounts/middleware.py",
        "__call__",
    ),
    ("  the view", "django/core/handlers/base.py", "_get_response"),
    ("    schema (ninja/pydantic) and call", "ninja/operation.py", "run"),
    ("      API rate limit (the caller's window file)", "openpso/lib/api_throttle.py", "allow_request"),
    ("    file_report", "openpso/reporting/actions.py", "file_report"),
    ("      provider and unit look-up", "openpso/reporting/actions.py", "_resolve"),
    ("      Common Formats module checks", "openpso/reporting/modules.py", "check_answers"),
    ("      idempotency: expired keys pruned (once a minute)", "openpso/reporting/actions.py", "_prune_expired_keys"),
    ("      the row, ledger and audit (_create)", "openpso/reporting/actions.py", "_create"),
    ("        field encryption", "openpso/encryption/fields.py", "encrypt"),
    ("        field decryption (the ledger reads the row back)", "openpso/encryption/fields.py", "decrypt"),
    ("        PSWP ledger entry (record_entry_at_creation)", "openpso/pswp/ledger.py", "record_entry_at_creation"),
    ("        audit events (trail.append, both)", "openpso/audit/trail.py", "append"),
    ("        audit chain hashing", "openpso/audit/hashing.py", "event_hash"),
    ("      functional-reporting step after commit", "openpso/submissions/functional/actions.py", "report_one"),
    ("    the form view (report_new)", "openpso/reporting/views.py", "report_new"),
    ("      ReportForm built (every Common Formats module's questions)", "openpso/reporting/forms.py", "__init__"),
    ("      form validation (is_valid)", "django/forms/forms.py", "is_valid"),
    ("      draft discarded", "openpso/reporting/drafts.py", "discard_draft"),
    ("    response body (report_out)", "openpso/reporting/api.py", "report_out"),
    ("  session saved (SESSION_SAVE_EVERY_REQUEST)", "django/contrib/sessions/backends/db.py", "save"),
    ("database round trips (psycopg execute)", "psycopg/cursor.py", "execute"),
]


FORM = "/reports/new/"


class QueryCounter:
    """A database execute wrapper that counts the statements sent."""

    count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def main() -> int:
    import benchmarks.bench_load as bench

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    bench.setup_django(Path(tempfile.mkdtemp(prefix="openpso-profile-intake-")))
    intake = bench.set_up_network()
    from django.db import connection
    from django.test import Client

    from openpso.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=intake.email))

    def post(path: str, i: int) -> None:
        if path == FORM:
            fields = {k: v if isinstance(v, list) else str(v) for k, v in bench.report_fields(intake, i).items()}
            discovered = dt.datetime.now(intake.zone) - dt.timedelta(hours=1)
            fields.update({"unit": str(intake.unit), "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M")})
            response = client.post(path, fields)
            client.cookies.pop("messages", None)  # as the load's clients: the report page is not opened
            assert response.status_code == 302, response.content[:300]
            return
        body = {"provider": intake.provider, "unit": intake.unit}
        body["discovered_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
        body.update(bench.report_fields(intake, i))
        response = client.post(
            path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )
        assert response.status_code == 201, response.content[:300]

    for path in ("/api/v1/reports", FORM, bench.BARE_INTAKE_URL):
        for i in range(20):
            post(path, i)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            post(path, 0)
        profile = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        profile.enable()
        for i in range(n):
            post(path, i)
        profile.disable()
        per = (time.perf_counter() - started) / n * 1000
        # CPU time of this process (not PostgreSQL's): less swayed than the wall time by others' load.
        per_cpu = (time.process_time() - cpu) / n * 1000
        timing = f"{per:.1f} ms a request under the profiler ({per_cpu:.1f} ms CPU)"
        bench.out(f"== {path}: {timing}, {queries.count} queries")
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        for label, suffix, name in STEPS:
            cumulative = sum(v[3] for k, v in stats.items() if k[0].endswith(suffix) and k[2] == name)
            if cumulative:
                bench.out(f"  {label:<72}{cumulative / n * 1000:>8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
