import pytest

from openpso.audit import trail
from openpso.audit.models import AuditEvent

from .conftest import record_one

pytestmark = pytest.mark.django_db


def _view(org: int, obj: str) -> AuditEvent:
    return record_one(object_id=obj, organization_id=org)


def test_events_for_lists_only_the_given_organisations_newest_first():
    a1, _, a2, c1 = _view(1, "a"), _view(2, "b"), _view(1, "c"), _view(3, "d")
    assert list(trail.events_for(organization_ids=[1, 3])) == [c1, a2, a1]


def test_events_for_no_organisations_is_empty():
    _view(1, "a")
    assert not trail.events_for(organization_ids=[]).exists()


def test_events_about_gives_one_objects_timeline_newest_first():
    first, _, second = _view(1, "a"), _view(1, "b"), _view(2, "a")
    assert list(trail.events_about(object_type="reporting.eventreport", object_id="a")) == [second, first]
