"""Property: any chain verifies, and any single-column edit of any row is caught at that row."""

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpso.audit import trail
from openpso.audit.models import AuditEvent

from .conftest import raw_sql

text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)
scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
times = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC))
events = st.fixed_dictionaries(
    {
        "actor_label": st.sampled_from(["nurse@example.org", "anonymous", "system"]),
        "organization_id": st.none() | st.integers(1, 10**9),
        "action": st.sampled_from(["report.viewed", "report.filed", "org.changed", "pswp.status_changed"]),
        "object_type": st.sampled_from(["reporting.eventreport", "organizations.organization"]),
        "object_id": st.text("0123456789abcdef-", min_size=1, max_size=36),
        "purpose": st.sampled_from(["", "triage", "3.206(b)(4)"]),
        "detail": st.dictionaries(text, json_values, max_size=4),
        "at": st.none() | times,
    }
)

# One raw UPDATE per stored column, each guaranteed to change the value.
EDITS = {
    "actor_id": "UPDATE audit_auditevent SET actor_id = COALESCE(actor_id, 0) + 1 WHERE seq = %s",
    "organization_id": "UPDATE audit_auditevent SET organization_id = COALESCE(organization_id, 0) + 1 WHERE seq = %s",
    "actor_label": "UPDATE audit_auditevent SET actor_label = actor_label || 'x' WHERE seq = %s",
    "action": "UPDATE audit_auditevent SET action = action || 'x' WHERE seq = %s",
    "object_type": "UPDATE audit_auditevent SET object_type = object_type || 'x' WHERE seq = %s",
    "object_id": "UPDATE audit_auditevent SET object_id = object_id || 'x' WHERE seq = %s",
    "purpose": "UPDATE audit_auditevent SET purpose = purpose || 'x' WHERE seq = %s",
    # The key is longer than any generated key, so this detail never equals the original.
    "detail": """UPDATE audit_auditevent SET detail = '{"tampered-by-raw-sql": true}' WHERE seq = %s""",
    "prev_hash": "UPDATE audit_auditevent SET prev_hash = 'not-a-hash' WHERE seq = %s",
    "hash": "UPDATE audit_auditevent SET hash = 'not-a-hash' WHERE seq = %s",
}


def _edit(column: str, seq: int) -> None:
    if column == "at":  # one microsecond later
        moved = AuditEvent.objects.get(seq=seq).at + dt.timedelta(microseconds=1)
        raw_sql(
            "UPDATE audit_auditevent SET at = %s WHERE seq = %s", [connection.ops.adapt_datetimefield_value(moved), seq]
        )
    else:
        raw_sql(EDITS[column], [seq])


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batch=st.lists(events, min_size=1, max_size=8),
    data=st.data(),
    column=st.sampled_from([*EDITS, "at"]),
)
def test_any_single_edit_is_detected_at_exactly_that_row(batch, data, column):
    # Each example runs in its own rolled-back transaction so the chain starts empty every time.
    with transaction.atomic():
        for fields in batch:
            trail.record(actor=None, **fields)
        assert trail.verify_chain() == trail.ChainVerdict(True, len(batch), None, "")

        seq = data.draw(st.integers(1, len(batch)), label="edited seq")
        _edit(column, seq)
        verdict = trail.verify_chain()
        assert not verdict.ok
        assert verdict.first_broken_seq == seq
        assert verdict.checked == seq - 1
        transaction.set_rollback(True)
