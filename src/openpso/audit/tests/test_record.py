import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from openpso.audit import trail
from openpso.audit.models import AuditEvent

from .conftest import record_one

pytestmark = pytest.mark.django_db


def test_an_explicit_time_is_kept_as_given():
    hour = dt.datetime(2025, 3, 4, 15, 0, tzinfo=dt.UTC)
    event = record_one(at=hour)
    assert AuditEvent.objects.get(seq=event.seq).at == hour
    assert trail.verify_chain().ok


def test_a_time_in_another_zone_is_kept_as_the_same_instant():
    eastern = dt.timezone(dt.timedelta(hours=-5))
    at = dt.datetime(2025, 3, 4, 10, 0, 0, 123456, tzinfo=eastern)
    event = record_one(at=at)
    assert AuditEvent.objects.get(seq=event.seq).at == at
    assert trail.verify_chain().ok


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="at: must be timezone-aware"):
        record_one(at=dt.datetime(2025, 3, 4))


def test_a_user_is_recorded_by_id_and_email(nurse):
    event = record_one(actor=nurse)
    assert (event.actor_id, event.actor_label) == (nurse.pk, "nurse@example.org")


def test_no_actor_is_labelled_system():
    assert record_one(actor=None).actor_label == "system"


def test_an_anonymous_user_keeps_no_id():
    event = record_one(actor=AnonymousUser())
    assert (event.actor_id, event.actor_label) == (None, "anonymous")


def test_deleting_the_user_leaves_the_audit_row_untouched(nurse):
    record_one(actor=nurse)
    nurse.delete()
    assert AuditEvent.objects.get().actor_label == "nurse@example.org"
    assert trail.verify_chain().ok


def test_an_integer_object_id_is_stored_as_text():
    assert record_one(object_id=42).object_id == "42"


def test_floats_in_detail_are_refused():
    with pytest.raises(ValueError, match=r"detail\.score: floats are not allowed"):
        record_one(detail={"score": 0.5})


def test_non_string_keys_in_detail_are_refused():
    with pytest.raises(ValueError, match="keys must be strings"):
        record_one(detail={"codes": {1: "A3"}})


def test_an_action_must_be_a_dotted_verb():
    with pytest.raises(ValueError, match="action"):
        record_one(action="Viewed report")


def test_an_over_long_field_is_refused_on_every_database():
    with pytest.raises(ValueError, match="object_id: longer than 64"):
        record_one(object_id="9" * 65)
    assert not AuditEvent.objects.exists()
