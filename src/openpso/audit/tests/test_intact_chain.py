import pytest

from openpso.audit import trail
from openpso.audit.hashing import event_hash
from openpso.audit.models import GENESIS_HASH

from .conftest import record_events

pytestmark = pytest.mark.django_db


def test_an_empty_log_verifies():
    assert trail.verify_chain() == trail.ChainVerdict(ok=True, checked=0, first_broken_seq=None, reason="")


def test_an_untouched_chain_verifies_and_counts_every_event():
    record_events(5)
    verdict = trail.verify_chain()
    assert verdict.ok
    assert verdict.checked == 5
    assert verdict.first_broken_seq is None


def test_each_event_links_to_the_one_before_starting_from_the_genesis_hash():
    events = record_events(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash


def test_the_stored_hash_is_the_hash_of_the_stored_row():
    (event,) = record_events(1)
    event.refresh_from_db()
    assert event_hash(event) == event.hash
