import pytest

from openpso.audit.models import AppendOnlyError, AuditChainHead, AuditEvent

from .conftest import record_events

pytestmark = pytest.mark.django_db


def test_saving_a_stored_event_again_is_refused():
    (event,) = record_events(1)
    event.action = "report.nothing"
    with pytest.raises(AppendOnlyError, match="append-only"):
        event.save()


def test_saving_a_loaded_event_is_refused():
    record_events(1)
    event = AuditEvent.objects.get(seq=1)
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["action"])


def test_deleting_an_event_is_refused():
    (event,) = record_events(1)
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(seq=event.seq).exists()


def test_queryset_update_is_refused():
    record_events(2)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(action="report.nothing")


def test_queryset_delete_is_refused():
    record_events(2)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


def test_bulk_create_is_refused_because_it_bypasses_the_chain():
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent()])


def test_deleting_the_chain_head_is_refused():
    record_events(1)
    with pytest.raises(AppendOnlyError):
        AuditChainHead.objects.get(pk=1).delete()
