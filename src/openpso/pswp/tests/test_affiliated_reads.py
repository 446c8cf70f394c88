"""A health-system officer reading an affiliate's report leaves a PSA_AFFILIATED disclosure."""

from __future__ import annotations

from django.urls import reverse

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
