from collections.abc import Sequence
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection

from openpso.audit import trail
from openpso.audit.models import AuditEvent


@pytest.fixture
def nurse(db: None) -> AbstractBaseUser:
    return get_user_model().objects.create_user(email="nurse@example.org", password=None)


def record_one(**overrides: Any) -> AuditEvent:
    """Append one small event; tests override only the fields they are about."""
    fields: dict[str, Any] = {
        "actor": None,
        "action": "report.viewed",
        "object_type": "reporting.eventreport",
        "object_id": "r1",
    }
    fields.update(overrides)
    return trail.record(**fields)


def record_events(count: int) -> list[AuditEvent]:
    """Append `count` events, oldest first."""
    return [record_one(object_id=str(n), organization_id=7, detail={"n": n}) for n in range(1, count + 1)]


def raw_sql(sql: str, params: Sequence[Any] = ()) -> None:
    """Tamper the way an attacker with database access would: behind the ORM's back."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
