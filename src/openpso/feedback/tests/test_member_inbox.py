"""The member's alert inbox puts what is still to acknowledge first, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpso.feedback.models import AlertStatus, AlertTarget, SafetyAlert
from openpso.feedback.queries import member_inbox
from openpso.feedback.tests.fixtures import cast_targets


@pytest.mark.django_db
def test_alerts_not_yet_acknowledged_come_first(cast):
    acknowledged = cast_targets(cast)["p1"]
    acknowledged.acknowledged_at = timezone.now()
    acknowledged.save(update_fields=["acknowledged_at"])
    older = SafetyAlert.objects.create(
        pso=cast.orgs["pso1"],
        title="Wrong-site block",
        hazard="Laterality not marked.",
        evidence="Pooled events.",
        recommended_actions="Stop before block.",
        categories=["A63"],
        status=AlertStatus.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=30),
    )
    waiting = AlertTarget.objects.create(alert=older, provider=cast.orgs["p1"])
    assert list(member_inbox(cast.users["safety_manager"])) == [waiting, acknowledged]
