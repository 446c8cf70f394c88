"""Markup typed into a report is shown as text, never run (docs/security.md, ASVS V1 output encoding)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openpso.reporting.models import EventReport

MARKUP = '<script>alert(1)</script><img src=x onerror="alert(2)"> "quoted" & \'single\''


def test_markup_in_a_narrative_reaches_the_managers_page_escaped(cast, client_for):
    form = {
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(cast.units["p1"].pk),
        "narrative": "Fall in the corridor. " + MARKUP,
        "harm": "LA21150-0",
        "patient_age_years": "81",
        "patient_sex": "M",
    }
    assert client_for("reporter").post("/reports/new/", form).status_code == 302
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    assert report.narrative.endswith(MARKUP)  # kept as typed: encoding happens on output
    page = client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    api = client_for("safety_manager").get(f"/api/v1/reports/{report.pk}")
    assert api["Content-Type"] == "application/json; charset=utf-8"
    assert api.json()["narrative"].endswith(MARKUP)
