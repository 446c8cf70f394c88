import pytest

from openpso.audit import trail
from openpso.audit.hashing import event_hash

from .conftest import raw_sql, record_events

pytestmark = pytest.mark.django_db


def test_it_detects_an_edited_detail_and_names_the_row():
    record_events(5)
    raw_sql("UPDATE audit_auditevent SET detail = %s WHERE seq = 3", ['{"n": 99}'])
    verdict = trail.verify_chain()
    assert not verdict.ok
    assert verdict.first_broken_seq == 3
    assert verdict.checked == 2
    assert verdict.reason == "row 3: hash does not match its contents (edited)"


def test_it_detects_an_edited_action():
    record_events(5)
    raw_sql("UPDATE audit_auditevent SET action = 'report.nothing' WHERE seq = 4")
    verdict = trail.verify_chain()
    assert (verdict.ok, verdict.first_broken_seq) == (False, 4)


def test_it_detects_an_edited_hash_at_that_row():
    record_events(5)
    raw_sql("UPDATE audit_auditevent SET hash = %s WHERE seq = 2", ["a" * 64])
    assert trail.verify_chain().first_broken_seq == 2


def test_it_detects_a_deleted_middle_row():
    record_events(5)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = 3")
    verdict = trail.verify_chain()
    assert (verdict.ok, verdict.first_broken_seq) == (False, 3)
    assert verdict.reason == "row 3 missing (deleted)"


def test_it_names_the_whole_range_of_deleted_middle_rows():
    record_events(8)
    raw_sql("DELETE FROM audit_auditevent WHERE seq BETWEEN 3 AND 5")
    verdict = trail.verify_chain()
    assert verdict.first_broken_seq == 3
    assert verdict.reason == "rows 3–5 missing (deleted)"


def test_it_detects_deleted_oldest_rows():
    record_events(4)
    raw_sql("DELETE FROM audit_auditevent WHERE seq <= 2")
    assert trail.verify_chain().reason == "rows 1–2 missing (deleted)"


def test_it_detects_a_deleted_newest_row_through_the_head():
    record_events(5)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = 5")
    verdict = trail.verify_chain()
    assert (verdict.ok, verdict.first_broken_seq, verdict.checked) == (False, 5, 4)
    assert verdict.reason == "chain ends at row 4 but head records row 5 (newest rows deleted)"


def test_it_detects_a_newest_row_rewritten_with_a_consistent_hash():
    events = record_events(3)
    forged = events[2]
    forged.action = "report.nothing"
    raw_sql("UPDATE audit_auditevent SET action = %s, hash = %s WHERE seq = 3", [forged.action, event_hash(forged)])
    verdict = trail.verify_chain()
    assert (verdict.ok, verdict.first_broken_seq) == (False, 3)
    assert "head" in verdict.reason


def test_it_detects_a_row_inserted_after_the_head():
    record_events(2)
    raw_sql(
        "UPDATE audit_auditchainhead SET last_seq = 1, last_hash = "
        "(SELECT prev_hash FROM audit_auditevent WHERE seq = 2)"
    )
    verdict = trail.verify_chain()
    assert (verdict.ok, verdict.first_broken_seq) == (False, 2)
    assert "after the chain head" in verdict.reason


def test_it_detects_a_deleted_head_row():
    record_events(2)
    raw_sql("DELETE FROM audit_auditchainhead")
    verdict = trail.verify_chain()
    assert not verdict.ok
    assert "head row missing" in verdict.reason


def test_recording_refuses_to_restart_a_chain_whose_head_was_deleted():
    record_events(2)
    raw_sql("DELETE FROM audit_auditchainhead")
    with pytest.raises(trail.AuditChainError):
        record_events(1)
