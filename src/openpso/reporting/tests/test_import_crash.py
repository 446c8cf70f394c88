"""`openpso import` killed with SIGKILL half-way through a file, then run again, leaves what one
uninterrupted import leaves (issue 13, item 10): the import is one transaction, so the kill
leaves nothing and the second run imports every response once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpso.testing.crash import assert_same, kill_midway, prepare, rows, snapshot

RESPONSES = 100
STATE = "openpso.reporting.tests.test_import_crash:state"


def _bundle() -> dict[str, Any]:
    """RESPONSES HERF QuestionnaireResponses, each with its own id (so each is its own report)."""

    def response(n: int) -> dict[str, Any]:
        answers = {
            "HERF/DE3": [{"valueCoding": {"code": "A3"}}],
            "HERF/DE15": [{"valueString": f"Patient slipped on a wet floor, event {n}."}],
            "HERF/DE21": [{"valueCoding": {"code": "A48"}}],
            "HERF/DE9a": [{"valueString": f"11/{1 + n % 28:02d}/2026"}],
            "HERF/DE9b": [{"valueString": "0930"}],
        }
        return {
            "resourceType": "QuestionnaireResponse",
            "id": f"crash-{n}",
            "questionnaire": "http://hl7.org/fhir/uv/sdc/Questionnaire/HERF-1.2",
            "status": "completed",
            "authored": "2026-11-29T10:00:00-05:00",
            "item": [{"linkId": link_id, "answer": value} for link_id, value in answers.items()],
        }

    entries = [{"resource": response(n)} for n in range(RESPONSES)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def state() -> dict[str, Any]:
    from openpso.audit.models import AuditEvent
    from openpso.pswp.models import PswpTransition
    from openpso.reporting.models import EventReport, IdempotencyKey

    # A new report's id is a random UUID: each report is named by the response it came from
    # (its source key), and so is every row that points at it.
    source = {str(k.report_id): k.key for k in IdempotencyKey.objects.all()}

    def by_source(field: str) -> Any:
        return lambda row: source.get(str(getattr(row, field)), str(getattr(row, field)))

    return {
        # reported_at, pswp_status_at, created_at, a ledger entry's `at` and an audit event's
        # `at` are the wall-clock time of the run; an audit event's hashes chain those times.
        "reports": rows(
            EventReport.objects.all(), leave_out=["reported_at", "pswp_status_at"], natural={"id": by_source("pk")}
        ),
        "keys": rows(
            IdempotencyKey.objects.all(), leave_out=["id", "created_at"], natural={"report": by_source("report_id")}
        ),
        "ledger": rows(
            PswpTransition.objects.all(), leave_out=["id", "at"], natural={"object_id": by_source("object_id")}
        ),
        "audit": rows(
            AuditEvent.objects.all(),
            leave_out=["seq", "at", "prev_hash", "hash"],
            natural={"object_id": by_source("object_id")},
        ),
    }


def test_an_import_killed_midway_then_run_again_leaves_what_one_import_leaves(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(_bundle()))
    reference, crashed = prepare(tmp_path)
    command = ("import", "--provider", "t-p1", str(bundle))
    reference.openpso(*command)

    # Each response is printed as it is saved, inside the import's one transaction.
    watch = kill_midway(crashed, *command, when=lambda w: w.printed(": imported as report") >= RESPONSES // 5)
    assert watch.printed(": imported as report") < RESPONSES, "the kill came after the last response"
    out = crashed.openpso(*command)
    assert out.count(": imported as report") == RESPONSES, "the second run did not import every response"

    expected, got = snapshot(reference, STATE), snapshot(crashed, STATE)
    assert len(expected["keys"]) == RESPONSES
    assert_same(got, expected)
