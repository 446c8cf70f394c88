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
