"""EncryptedJSONField keeps structured answers as ciphertext and gives back the same structure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from openpso.reporting.models import EventReport


@pytest.fixture
def report(cast):
    return cast.reports["r1"]


def test_answers_round_trip_and_are_stored_as_ciphertext(report):
    report.answers = {"Medication/DE270": "A1197", "Medication/DE318": "heparin 5000 units", "n": [1, 2]}
    report.save()
    fresh = EventReport.objects.get(pk=report.pk)
    assert fresh.answers == {"Medication/DE270": "A1197", "Medication/DE318": "heparin 5000 units", "n": [1, 2]}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers FROM reporting_eventreport WHERE id = %s",
            [report.pk.hex if connection.vendor == "sqlite" else report.pk],
        )
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc2:")
    assert "heparin" not in stored


def test_a_new_report_has_empty_answers(cast):
    now = timezone.now()
    report = EventReport.objects.create(
        provider=cast.orgs["p1"],
        event_type="A6",
        categories=["A54"],
        discovered_at=now - dt.timedelta(hours=1),
        narrative="n",
        reported_at=now,
        pswp_status_at=now,
    )
    assert EventReport.objects.get(pk=report.pk).answers == {}


def test_rotation_re_encrypts_answers_and_they_still_read_back(report):
    from openpso.encryption import keyring, rotation

    report.answers = {"Fall/DE100": "A15", "note": "bed alarm off"}
    report.save()
    new = keyring.add_active_key().active
    rotation.reencrypt_all()
    fresh = EventReport.objects.get(pk=report.pk)
    assert fresh.answers == {"Fall/DE100": "A15", "note": "bed alarm off"}
    assert set(rotation.stale_key_usage()) == {new}
