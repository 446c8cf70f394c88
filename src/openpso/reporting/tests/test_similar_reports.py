"""Similar reports on the same unit in the last 90 days: own provider only, shown as each reader may see them."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from openpso.reporting.models import EventReport
from openpso.reporting.similar import similar_reports

FALL = "Patient found on the floor beside the bed at night, unwitnessed fall, bed alarm was off."
FALL_AGAIN = "Pt was found on floor next to bed overnight after an unwitnessed fall; the bed alarm was not on."
INSULIN = "Insulin 10 units given instead of 1 unit, pharmacist caught the decimal error at the next check."


def _report(provider, unit, text, *, reporter=None, anonymous=False, days_ago=1):
    when = timezone.now() - dt.timedelta(days=days_ago)
    return EventReport.objects.create(
        provider=provider,
        unit=unit,
        event_type="A3",
        categories=["A48"],
        discovered_at=when - dt.timedelta(hours=1),
        narrative=text,
        harm="LA21150-0",
        anonymous=anonymous,
        reporter=None if anonymous else reporter,
        reported_at=when,
        pswp_status_at=when,
    )


def _panel(page: str) -> str:
    found = re.search(r'<section id="similar-reports".*?</section>', page, re.S)
    assert found, "no similar-reports panel on the page"
    return found.group(0)


def test_a_report_worded_alike_on_the_same_unit_is_suggested_and_an_unlike_one_is_not(cast):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    alike = _report(p1, unit, FALL_AGAIN)
    unlike = _report(p1, unit, INSULIN)
    found = similar_reports(p1, unit, FALL)
    assert [s.report.pk for s in found][:1] == [alike.pk]
    assert unlike.pk not in {s.report.pk for s in found}
    assert found[0].score > 0.4


def test_another_providers_report_is_never_suggested(cast):
    p1, p2 = cast.orgs["p1"], cast.orgs["p2"]
    theirs = _report(p2, cast.units["p2"], FALL)  # the very same words
    assert theirs.pk not in {s.report.pk for s in similar_reports(p1, cast.units["p1"], FALL)}
    # Nor through the other provider's unit: the unit must be the provider's own.
    assert similar_reports(p1, cast.units["p2"], FALL) == []


def test_reports_older_than_90_days_and_on_other_units_are_left_out(cast):
    p1 = cast.orgs["p1"]
    other_unit = p1.units.create(name="Ward OTHER")
    old = _report(p1, cast.units["p1"], FALL_AGAIN, days_ago=91)
    elsewhere = _report(p1, other_unit, FALL_AGAIN)
    recent = _report(p1, cast.units["p1"], FALL_AGAIN, days_ago=89)
    found = {s.report.pk for s in similar_reports(p1, cast.units["p1"], FALL)}
    assert recent.pk in found
    assert old.pk not in found
    assert elsewhere.pk not in found


def test_the_safety_manager_sees_similar_reports_listed_with_links_on_the_report_page(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    earlier = _report(p1, unit, FALL_AGAIN, reporter=cast.users["reporter"])
    report = _report(p1, unit, FALL, reporter=cast.users["reporter"], days_ago=0)
    panel = _panel(client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode())
    assert "Similar reports on your unit in the last 90 days" in panel
    assert f'href="/reports/{earlier.pk}/"' in panel
    assert f'href="/reports/{report.pk}/"' not in panel  # not itself


def test_a_reporter_learns_only_how_many_others_filed_never_which_or_by_whom(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    anonymous = _report(p1, unit, FALL_AGAIN, anonymous=True)
    colleagues = _report(p1, unit, FALL_AGAIN + " Family informed.", reporter=cast.users["pses_committee"])
    mine = _report(p1, unit, FALL, reporter=cast.users["reporter"], days_ago=0)
    panel = _panel(client_for("reporter").get(f"/reports/{mine.pk}/").content.decode())
    # Listed: only what this reporter filed under their name (the cast's own fall report may be one).
    assert re.search(r"\b2 (more )?similar reports filed by others", panel)
    for other in (anonymous, colleagues):
        assert str(other.pk) not in panel
        assert other.short_id not in panel
    assert "Pses_Committee" not in panel
    assert "pses_committee@cast.test" not in panel


def test_an_anonymous_reports_identity_stays_hidden_in_the_managers_list(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    anonymous = _report(p1, unit, FALL_AGAIN, anonymous=True)
    report = _report(p1, unit, FALL, reporter=cast.users["reporter"], days_ago=0)
    panel = _panel(client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode())
    assert anonymous.short_id in panel
    # The list names no reporter and gives no time finer than the day.
    assert "@cast.test" not in panel
    assert "Reporter" not in panel
    assert not re.search(r"\d{2}:\d{2}", panel)


def test_a_report_without_a_unit_gets_no_panel(cast, client_for):
    report = _report(cast.orgs["p1"], None, FALL, reporter=cast.users["reporter"], days_ago=0)
    page = client_for("safety_manager").get(f"/reports/{report.pk}/").content.decode()
    assert 'id="similar-reports"' not in page
