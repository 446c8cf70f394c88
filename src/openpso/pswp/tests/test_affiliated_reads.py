"""A health-system officer reading an affiliate's report leaves a PSA_AFFILIATED disclosure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.pswp.models import Disclosure


def _detail(report):
    return reverse("reporting:report-detail", kwargs={"report_id": report.pk})


def test_a_health_system_read_of_an_affiliate_report_is_a_logged_disclosure(cast, client_for):
    officer = client_for("system_safety_officer")
    before = Disclosure.objects.count()
    assert officer.get(_detail(cast.reports["r1"])).status_code == 200
    assert Disclosure.objects.count() == before + 1
    disclosure = Disclosure.objects.order_by("-pk").first()
    assert disclosure is not None
    assert disclosure.basis == "PSA_AFFILIATED"
    assert disclosure.report_ids == [str(cast.reports["r1"].pk)]


def test_an_affiliate_that_does_not_share_is_neither_shown_nor_disclosed(cast, client_for):
    before = Disclosure.objects.count()
    assert client_for("system_safety_officer").get(_detail(cast.reports["r1b"])).status_code == 404
    assert Disclosure.objects.count() == before


def test_the_providers_own_safety_manager_reading_is_not_a_disclosure(cast, client_for):
    before = Disclosure.objects.count()
    assert client_for("safety_manager").get(_detail(cast.reports["r1"])).status_code == 200
    assert Disclosure.objects.count() == before


def _read(client, report, channel: str):
    if channel == "page":
        return client.get(_detail(report))
    return client.get(f"/api/v1/reports/{report.pk}")


@pytest.mark.parametrize("channel", ["page", "api"])
def test_a_health_system_read_writes_exactly_one_psa_affiliated_disclosure_on_the_page_and_the_api(
    cast, client_for, channel
):
    report = cast.reports["r1"]
    before = set(Disclosure.objects.values_list("pk", flat=True))
    assert _read(client_for("system_safety_officer"), report, channel).status_code == 200
    (disclosure,) = Disclosure.objects.exclude(pk__in=before)
    assert disclosure.basis == "PSA_AFFILIATED"
    assert disclosure.report_ids == [str(report.pk)]
    assert disclosure.provider_id == report.provider_id
    assert disclosure.conditions["via"] == {"page": "reporting.detail", "api": "api.reports.detail"}[channel]
    read = AuditEvent.objects.filter(action="report.viewed", object_id=str(report.pk)).order_by("-seq").first()
    assert read is not None
    assert read.purpose == "health_system.oversight"


@pytest.mark.parametrize("channel", ["page", "api"])
def test_reading_ones_own_providers_report_is_no_disclosure_on_the_page_or_the_api(cast, client_for, channel):
    before = Disclosure.objects.count()
    assert _read(client_for("safety_manager"), cast.reports["r1"], channel).status_code == 200
    assert _read(client_for("reporter"), cast.reports["r1"], channel).status_code == 200
    assert Disclosure.objects.count() == before


@pytest.mark.parametrize("channel", ["page", "api"])
def test_a_read_whose_disclosure_cannot_be_logged_is_not_served_or_audited(cast, client_for, channel, monkeypatch):
    from openpso.pswp import affiliated

    def fail(**kwargs):
        raise RuntimeError("disclosure log unavailable")

    monkeypatch.setattr(affiliated, "disclose", fail)
    client = client_for("system_safety_officer")
    client.raise_request_exception = False
    viewed = AuditEvent.objects.filter(action="report.viewed").count()
    assert _read(client, cast.reports["r1"], channel).status_code == 500
    assert AuditEvent.objects.filter(action="report.viewed").count() == viewed
