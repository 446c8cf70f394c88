"""Likely duplicates at triage: several staff report one fall; the manager links them in one click."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from openpso.pses.models import EventReportLink
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.duplicates import THRESHOLD, duplicates_for, pair_score
from openpso.reporting.models import EventReport

FALL = "Patient found on the floor beside the bed at night, unwitnessed fall, bed alarm was off."
FALL_AGAIN = "Pt was found on floor next to bed overnight after an unwitnessed fall; the bed alarm was not on."
INSULIN = "Insulin 10 units given instead of 1 unit, pharmacist caught the decimal error at the next check."


def _report(
    provider, unit, text, *, hours_ago=3.0, age=81, sex="F", categories=("A48",), anonymous=True, reporter=None
):
    when = timezone.now() - dt.timedelta(hours=hours_ago)
    return EventReport.objects.create(
        provider=provider,
        unit=unit,
        event_type="A3",
        categories=list(categories),
        discovered_at=when,
        narrative=text,
        harm="LA21150-0",
        patient_age_years=age,
        patient_sex=sex,
        anonymous=anonymous,
        reporter=None if anonymous else reporter,
        reported_at=when + dt.timedelta(minutes=30),
        pswp_status_at=when,
    )


def _pairs(user):
    return {frozenset((p.first.pk, p.second.pk)) for p in duplicates_for(user)}


def test_two_reports_of_one_fall_are_offered_as_likely_duplicates(cast):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    a = _report(p1, unit, FALL, hours_ago=3)
    b = _report(p1, unit, FALL_AGAIN, hours_ago=2.5)
    found = duplicates_for(cast.users["safety_manager"])
    pair = next(p for p in found if {p.first.pk, p.second.pk} == {a.pk, b.pk})
    assert pair.score >= 0.7
    assert "same unit" in pair.reasons
    assert "narratives alike" in pair.reasons


def test_a_different_patient_or_a_different_event_is_not_a_duplicate(cast):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    a = _report(p1, unit, FALL, hours_ago=3)
    other_patient = _report(p1, unit, FALL_AGAIN, hours_ago=2.5, age=34, sex="M")
    other_event = _report(p1, unit, INSULIN, hours_ago=2.5, categories=("A54",))
    pairs = _pairs(cast.users["safety_manager"])
    assert frozenset((a.pk, other_patient.pk)) not in pairs
    assert frozenset((a.pk, other_event.pk)) not in pairs


def test_another_providers_report_is_never_offered_as_a_duplicate(cast):
    a = _report(cast.orgs["p1"], cast.units["p1"], FALL)
    theirs = _report(cast.orgs["p2"], cast.units["p2"], FALL)  # the very same words, same time
    assert all(theirs.pk not in pair for pair in _pairs(cast.users["safety_manager"]))
    assert all(a.pk not in pair for pair in _pairs(cast.users["manager_p2"]))


def test_reports_already_in_one_event_are_not_offered_again(cast):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    a = _report(p1, unit, FALL, hours_ago=3)
    b = _report(p1, unit, FALL_AGAIN, hours_ago=2.5)
    event = actions.create_event(user=cast.users["safety_manager"], report=a)
    actions.link_report(user=cast.users["safety_manager"], event=event, report=b)
    assert frozenset((a.pk, b.pk)) not in _pairs(cast.users["safety_manager"])


def test_the_manager_links_a_suggested_pair_into_one_event_in_one_click(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    a = _report(p1, unit, FALL, hours_ago=3)
    b = _report(p1, unit, FALL_AGAIN, hours_ago=2.5)
    manager = client_for("safety_manager")
    page = manager.get("/pses/queue/").content.decode()
    section = re.search(r'<section class="card" id="likely-duplicates".*?</section>', page, re.S)
    assert section
    assert a.short_id in section.group(0)
    assert b.short_id in section.group(0)
    response = manager.post("/pses/queue/duplicates/link/", {"first": str(a.pk), "second": str(b.pk)})
    assert response.status_code == 302
    links = EventReportLink.objects.filter(report__in=[a, b])
    assert links.count() == 2
    assert len({link.event_id for link in links}) == 1
    assert response["Location"] == f"/pses/events/{links[0].event_id}/"


def test_a_pair_joins_the_event_one_of_them_is_already_in(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    a = _report(p1, unit, FALL, hours_ago=3)
    b = _report(p1, unit, FALL_AGAIN, hours_ago=2.5)
    event = actions.create_event(user=cast.users["safety_manager"], report=b)
    client_for("safety_manager").post("/pses/queue/duplicates/link/", {"first": str(a.pk), "second": str(b.pk)})
    assert EventReportLink.objects.get(report=a).event_id == event.pk


def test_another_providers_manager_cannot_link_the_pair(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    a = _report(p1, unit, FALL, hours_ago=3)
    b = _report(p1, unit, FALL_AGAIN, hours_ago=2.5)
    response = client_for("manager_p2").post("/pses/queue/duplicates/link/", {"first": str(a.pk), "second": str(b.pk)})
    assert response.status_code == 404
    assert not EventReportLink.objects.filter(report__in=[a, b]).exists()


def test_the_duplicates_list_keeps_anonymous_reporters_unnamed(cast, client_for):
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    _report(p1, unit, FALL, hours_ago=3)
    _report(p1, unit, FALL_AGAIN, hours_ago=2.5, anonymous=False, reporter=cast.users["reporter"])
    page = client_for("safety_manager").get("/pses/queue/").content.decode()
    section = re.search(r'<section class="card" id="likely-duplicates".*?</section>', page, re.S)
    assert section
    assert "@cast.test" not in section.group(0)
    assert "Reporter" not in section.group(0)


def test_the_same_patient_a_day_later_with_an_account_only_somewhat_alike_is_another_event(cast):
    # One event is discovered once: its reports agree on the discovery time within hours. A report
    # on the same unit and patient discovered a day later is another fall unless the words match.
    p1, unit = cast.orgs["p1"], cast.units["p1"]
    first = EventReport(provider=p1, unit=unit, categories=["A48"], patient_age_years=81, patient_sex="F")
    first.discovered_at = timezone.now()
    within_hours = EventReport(provider=p1, unit=unit, categories=["A48"], patient_age_years=81, patient_sex="F")
    within_hours.discovered_at = first.discovered_at + dt.timedelta(hours=3)
    next_day = EventReport(provider=p1, unit=unit, categories=["A48"], patient_age_years=81, patient_sex="F")
    next_day.discovered_at = first.discovered_at + dt.timedelta(hours=30)
    somewhat_alike = 0.55  # two accounts of one kind of fall, in other words
    assert pair_score(first, within_hours, somewhat_alike)[0] >= THRESHOLD
    assert pair_score(first, next_day, somewhat_alike)[0] < THRESHOLD
