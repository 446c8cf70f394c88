import pytest
from django.db import transaction

from openpso.audit import trail
from openpso.audit.models import AuditEvent

from .conftest import record_one

pytestmark = pytest.mark.django_db


def test_record_works_inside_an_outer_transaction():
    with transaction.atomic():
        record_one(object_id="1")
        record_one(object_id="2")
    assert trail.verify_chain().checked == 2


def _record_then_fail() -> None:
    with transaction.atomic():
        record_one(object_id="2")
        raise RuntimeError("the change being audited failed")


def test_a_rolled_back_outer_transaction_leaves_no_gap_in_the_chain():
    record_one(object_id="1")
    with pytest.raises(RuntimeError):
        _record_then_fail()
    later = record_one(object_id="3")
    assert later.seq == 2
    assert list(AuditEvent.objects.order_by("seq").values_list("object_id", flat=True)) == ["1", "3"]
    assert trail.verify_chain().ok


def test_a_failed_append_takes_the_callers_transaction_with_it(monkeypatch):
    # No savepoint of its own (issue 13 item 9): the caller cannot catch the failure and
    # commit its change without the event, nor keep what it recorded before.
    def broken_hash(event):
        raise RuntimeError("hashing failed")

    with transaction.atomic():
        record_one(object_id="1")
        monkeypatch.setattr(trail, "event_hash", broken_hash)
        with pytest.raises(RuntimeError):
            record_one(object_id="2")
    monkeypatch.undo()
    assert not AuditEvent.objects.exists()
    assert trail.verify_chain().ok


def test_events_appended_together_are_consecutive_links_of_one_chain():
    record_one(object_id="1")
    entries = [trail.Entry(actor=None, action="test.done", object_type="test", object_id=n) for n in ("2", "3")]
    events = trail.append(entries)
    assert [e.seq for e in events] == [2, 3]
    assert events[1].prev_hash == events[0].hash
    assert AuditEvent.objects.get(seq=3).hash == events[1].hash
    assert trail.verify_chain().checked == 3
