"""Issue 12 item 4: a report filed at 22:03 on the 6th in New York shows the 6th everywhere.

22:03 EST on 2026-12-06 is 03:03 UTC on the 7th. The server is left in UTC here, as an
operator might leave it; the organisations are set to New York, and every page that lists
the report must say the 6th (in the organisation's zone), never the 7th (UTC).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from openpso.lib.months import parse_month
from openpso.organizations.models import MemberAgreement
from openpso.pses.safety_events import actions as pses_actions
from openpso.pswp import ledger
from openpso.reporting.actions import file_anonymous_report
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn
from openpso.submissions.models import Submission
from openpso.testing.cast import Cast, build_cast
from openpso.testing.payloads import fall_report

NOW = dt.datetime(2026, 12, 7, 3, 3, tzinfo=dt.UTC)  # 22:03 EST on Sunday 6 December


@pytest.fixture
def night(db: None, settings, monkeypatch) -> Cast:
    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    cast = build_cast()  # every cast report is filed "now" too, so no page may show the 7th
    for org in cast.orgs.values():
        org.time_zone = "America/New_York"
        org.save(update_fields=["time_zone"])
    # A66 ("other") needs no event module, so the report is complete for submission.
    MemberAgreement.objects.filter(pk=cast.agreements["p1"].pk).update(categories=["A48", "A54", "A66"])
    return cast


def _client(cast: Cast, key: str) -> Client:
    client = Client()
    client.force_login(cast.users[key])
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _file_at_night(cast: Cast) -> EventReport:
    before = set(EventReport.objects.values_list("pk", flat=True))
    response = _client(cast, "reporter").post(
        "/reports/new/",
        {
            "event_type": "A6",
            "categories": ["A66"],
            "category_other": "Wrong wristband colour",
            "discovered_at": "2026-12-06T22:03",  # typed in New York time
            "unit": str(cast.units["p1"].pk),
            "narrative": "Allergy band missing on admission; caught at the first medication pass.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return EventReport.objects.exclude(pk__in=before).get()


def test_a_report_filed_at_2203_on_the_6th_shows_the_6th_on_every_page(night):
    cast = night
    report = _file_at_night(cast)
    assert report.discovered_at == NOW  # the typed local time read in the provider's zone
    assert report.reported_at == NOW  # stored in UTC: the 7th at 03:03
    manager = _client(cast, "safety_manager")
    event = pses_actions.create_event(user=cast.users["safety_manager"], report=report)

    pages = {
        "report list": _page(manager, "/reports/"),
        "report page": _page(manager, f"/reports/{report.pk}/"),
        "queue": _page(manager, "/pses/queue/"),
        "event page": _page(manager, f"/pses/events/{event.pk}/"),
        "submit page": _page(manager, "/submissions/"),
        "my reports": _page(_client(cast, "reporter"), "/reports/mine/"),
    }
    manager.post("/submissions/", {"events": [str(report.pk)]})
    submission = Submission.objects.get(event_id=report.pk)
    analyst = _client(cast, "pso_analyst")
    pages["inbox"] = _page(analyst, "/pso/inbox/")
    pages["inbox event"] = _page(analyst, f"/pso/inbox/{submission.pk}/")

    for name, page in pages.items():
        text = _text(page)
        assert "2026-12-06" in text, name
        utc_day = re.search(r".{0,80}2026-12-07(?!T03:03:00Z).{0,40}", text)  # the contract's UTC value aside
        assert utc_day is None, (name, utc_day.group(0) if utc_day else "")
    assert "2026-12-06 22:03 EST" in _text(pages["report list"])
    report_page = _text(pages["report page"])
    assert "Discovered 2026-12-06 22:03 EST" in report_page
    assert "Reported 2026-12-06 22:03 EST" in report_page
    assert "reported 2026-12-06 (today)" in _text(pages["queue"])
    assert "Received 2026-12-06 22:03 EST" in _text(pages["my reports"])
    # The PSO sees the event's times in words in its provider's zone, the UTC value it received beside them.
    inbox_event = _text(pages["inbox event"])
    assert "Discovered (DE9) 2026-12-06 22:03 EST (2026-12-07T03:03:00Z)" in inbox_event
    assert submission.event_month == dt.date(2026, 12, 1)
    assert submission.document["discovered_at"] == "2026-12-07T03:03:00Z"  # the document keeps UTC (contract)


def test_a_refusals_date_agrees_with_the_report_page(night):
    cast = night
    report = _file_at_night(cast)
    manager = _client(cast, "safety_manager")
    manager.post("/submissions/", {"events": [str(report.pk)]})
    report.refresh_from_db()
    page = _text(_page(manager, f"/reports/{report.pk}/"))
    assert "since 2026-12-06 22:03 EST" in page
    with pytest.raises(ledger.PswpTransitionRefused) as refused:
        ledger.drop_out(artefact=report, actor=cast.users["safety_manager"], reason="needed elsewhere")
    assert "on 2026-12-06. 42 CFR 3.20" in str(refused.value)


def test_the_missing_agreement_refusal_names_the_providers_day(night):
    from openpso.submissions.document import refusal_of

    refusal = refusal_of(night.reports["r1"], None)
    assert refusal is not None
    assert refusal.reason.endswith("in force on 2026-12-06")


def test_an_anonymous_report_shows_its_hour_and_no_minutes_in_a_half_hour_zone(night):
    cast = night
    p1 = cast.orgs["p1"]
    p1.time_zone = "America/St_Johns"  # UTC-3:30: 03:00 UTC is 23:30 local
    p1.save(update_fields=["time_zone"])
    # Filed as the anonymous page files it (the hour only), at 03:03 UTC = 23:33 NST.
    anonymous = file_anonymous_report(provider=p1, data=ReportIn.model_validate(fall_report(cast)))
    page = _text(_page(_client(cast, "safety_manager"), f"/reports/{anonymous.pk}/"))
    assert "Reported 2026-12-06 23h NST (anonymous, to the hour)" in page
    assert "23:30" not in page


def test_a_clocks_due_day_is_counted_in_the_providers_zone(night, settings):
    from openpso.pses.models import ClockRule, ClockUnit
    from openpso.pses.safety_events.clocks import due_at

    p1 = night.orgs["p1"]
    p1.time_zone = "America/Denver"
    p1.save(update_fields=["time_zone"])
    rule = ClockRule(provider=p1, name="State report", due_amount=1, due_unit=ClockUnit.WORK_DAYS)
    friday_night = dt.datetime(2026, 12, 5, 5, 0, tzinfo=dt.UTC)  # Friday 22:00 in Denver, Saturday in UTC
    with timezone.override(dt.UTC):  # whoever looks, and background work, see the same deadline
        due = due_at(rule, friday_night)
    local = timezone.localtime(due, timezone=__import__("zoneinfo").ZoneInfo("America/Denver"))
    assert (local.date(), local.hour) == (dt.date(2026, 12, 7), 22)  # Monday 22:00 in Denver, not Tuesday


def test_a_feedback_report_built_in_the_background_counts_months_in_its_organisations_zone(night):
    from openpso.feedback.models import AlertStatus, FeedbackReport, ReportKind, ReportStatus, SafetyAlert
    from openpso.feedback.reports import actions as reports

    pso = night.orgs["pso1"]
    SafetyAlert.objects.create(
        pso=pso,
        title="Night-time falls CANARY-LATE-NOVEMBER",
        hazard="Unassisted night-time toileting.",
        evidence="Pooled falls rose.",
        recommended_actions="Scheduled toileting rounds.",
        categories=["A48"],
        status=AlertStatus.PUBLISHED,
        published_at=dt.datetime(2026, 12, 1, 3, 3, tzinfo=dt.UTC),  # 30 November, 22:03 in New York
    )
    report = FeedbackReport.objects.create(
        kind=ReportKind.PSO_LEARNING, organization=pso, period=parse_month("2026-11")
    )
    done = reports.generate(report.pk)  # as the worker runs it: no request, the server in UTC
    assert done.status == ReportStatus.DONE
    assert "CANARY-LATE-NOVEMBER" in done.html


def test_the_disclosure_accounting_counts_a_late_night_disclosure_in_the_providers_month(night, monkeypatch):
    from openpso.pswp import actions as pswp_actions
    from openpso.pswp.tests.test_disclosures import _valid

    cast = night
    late_november = dt.datetime(2026, 12, 1, 3, 3, tzinfo=dt.UTC)  # 30 November, 22:03 in New York
    monkeypatch.setattr(timezone, "now", lambda: late_november)
    pswp_actions.disclose(
        provider=cast.orgs["p1"],
        reports=[cast.reports["r1"]],
        actor=cast.users["safety_manager"],
        request=_valid("FDA"),
    )
    csv = _client(cast, "pses_committee").get("/pswp/t-p1/disclosures.csv?period=month").content.decode()
    assert "2026-11,FDA,3.206(b)(7),1" in csv.splitlines()
