import pytest

from openpso.audit import trail
from openpso.audit.events import AuditAction, object_type_of
from openpso.audit.models import AuditEvent

from .conftest import record_one


class _Sample(AuditAction):
    VIEWED = "sample.viewed"


@pytest.mark.django_db
def test_an_enum_action_is_stored_as_its_plain_string_and_the_chain_verifies():
    event = record_one(action=_Sample.VIEWED)
    assert type(event.action) is str
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.action == "sample.viewed"
    assert stored.hash == event.hash
    assert trail.verify_chain().ok
    assert AuditEvent.objects.filter(action=_Sample.VIEWED).count() == 1


def test_an_action_member_equals_the_string_stored_before_the_enums():
    stored: str = "sample.viewed"
    assert stored == _Sample.VIEWED
    assert hash(_Sample.VIEWED) == hash(stored)
    assert f"{_Sample.VIEWED}" == stored


def test_object_type_is_the_models_lower_case_label_for_a_class_or_a_row():
    assert object_type_of(AuditEvent) == "audit.auditevent"
    assert object_type_of(AuditEvent(action="sample.viewed")) == "audit.auditevent"
