"""The demo's safety alert: sent to every member, answered by two, so the PSO sees who has not."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.demo.feedback import seed_feedback
from openpso.demo.network import DEMO_EMS_AGENCY, DEMO_HOSPITAL, PROVIDERS, build_network
from openpso.demo.users import create_demo_users
from openpso.feedback.models import AlertStatus, AlertTarget, SafetyAlert

TODAY = dt.date(2026, 11, 20)
pytestmark = pytest.mark.django_db


def test_the_demo_alert_is_published_and_two_members_have_answered():
    network = build_network(today=TODAY)
    create_demo_users(network, seed=1)
    assert seed_feedback(network.pso, today=TODAY) is True
    assert seed_feedback(network.pso, today=TODAY) is False
    alert = SafetyAlert.objects.get()
    assert alert.status == AlertStatus.PUBLISHED
    assert alert.categories == ["A48"]
    assert f"{alert.published_at:%Y-%m}" == "2026-10"  # the last full month, so its report lists it
    targets = AlertTarget.objects.filter(alert=alert)
    assert targets.count() == len(PROVIDERS)
    answered = {t.provider.slug: t for t in targets.filter(acknowledged_at__isnull=False)}
    assert set(answered) == {DEMO_HOSPITAL.slug, DEMO_EMS_AGENCY.slug}
    assert answered[DEMO_HOSPITAL.slug].action_status == "in_progress"
    assert answered[DEMO_EMS_AGENCY.slug].applicability == "under_review"
    assert alert.published_at is not None
    assert all(t.acknowledged_at and t.acknowledged_at > alert.published_at for t in answered.values())
