"""Events gather reports of one provider; every action is on the timeline and in the audit log."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.pses import queries
from openpso.pses.models import Addendum, EventStatus, SafetyEvent, TimelineEntry, TimelineKind
from openpso.pses.safety_events import actions
from openpso.reporting.models import FollowUpKind, FollowUpMessage

pytestmark = pytest.mark.django_db


def _event_url(event: SafetyEvent, action: str = "") -> str:
    name = f"pses:event-{action}" if action else "pses:event-detail"
    return reverse(name, kwargs={"event_id": event.pk})


def test_a_manager_makes_an_event_from_a_report_and_links_a_second(cast, client_for):
    client = client_for("safety_manager")
    first, second = cast.reports["r1"], cast.reports["r1anon"]
    response = client.post(reverse("pses:event-new"), {"report": first.pk})
    event = SafetyEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _event_url(event)
    client.post(_event_url(event, "link"), {"link-report": second.pk})
    assert set(queries.reports_of(event)) == {first, second}
    page = client.get(_event_url(event)).content.decode()
    assert first.short_id in page
    assert second.short_id in page


def test_linking_a_report_of_another_provider_answers_404(cast, client_for):
    client = client_for("safety_manager")
    event = actions.create_event(user=cast.users["safety_manager"], report=cast.reports["r1"])
    response = client.post(_event_url(event, "link"), {"link-report": cast.reports["r2"].pk})
    assert response.status_code == 404
    assert not queries.reports_of(event).filter(pk=cast.reports["r2"].pk).exists()
    # Looked up directly, the foreign report is simply absent.
    response = client.post(reverse("pses:event-new"), {"report": cast.reports["r2"].pk})
    assert response.status_code == 404


def test_an_event_of_another_provider_answers_404(cast, client_for):
    event = actions.create_event(user=cast.users["manager_p2"], report=cast.reports["r2"])
    assert client_for("safety_manager").get(_event_url(event)).status_code == 404
    assert client_for("reporter").get(_event_url(event)).status_code == 404


def test_the_link_action_refuses_a_report_of_another_provider(cast):
    event = actions.create_event(user=cast.users["safety_manager"], report=cast.reports["r1"])
    with pytest.raises(actions.PsesInvalid, match="another provider"):
        actions.link_report(user=cast.users["safety_manager"], event=event, report=cast.reports["r2"])


def test_a_report_belongs_to_at_most_one_event(cast):
    manager = cast.users["safety_manager"]
    actions.create_event(user=manager, report=cast.reports["r1"])
    other = actions.create_event(user=manager, report=cast.reports["r1anon"])
    with pytest.raises(actions.PsesInvalid, match="already belongs"):
        actions.link_report(user=manager, event=other, report=cast.reports["r1"])


def test_unlinking_returns_the_report_but_keeps_the_last_one(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"])
    actions.link_report(user=manager, event=event, report=cast.reports["r1anon"])
    actions.unlink_report(user=manager, event=event, report=cast.reports["r1anon"])
    assert list(queries.reports_of(event)) == [cast.reports["r1"]]
    with pytest.raises(actions.PsesInvalid, match="at least one"):
        actions.unlink_report(user=manager, event=event, report=cast.reports["r1"])


def test_an_event_is_assigned_only_to_a_pses_member_of_its_provider(cast, client_for):
    event = actions.create_event(user=cast.users["safety_manager"], report=cast.reports["r1"])
    for outsider in ("reporter", "manager_p2", "system_safety_officer"):
        with pytest.raises(actions.PsesInvalid, match="safety team"):
            actions.assign_event(user=cast.users["safety_manager"], event=event, assignee=cast.users[outsider])
    client = client_for("safety_manager")
    client.post(_event_url(event, "assign"), {"assign-assignee": cast.users["manager_p2"].pk})
    event.refresh_from_db()
    assert event.assignee is None
    client.post(_event_url(event, "assign"), {"assign-assignee": cast.users["pses_committee"].pk})
    event.refresh_from_db()
    assert event.assignee == cast.users["pses_committee"]


def test_addenda_are_append_only(cast):
    event = actions.create_event(user=cast.users["safety_manager"], report=cast.reports["r1"])
    addendum = actions.add_addendum(user=cast.users["safety_manager"], event=event, body="Pump model noted later.")
    addendum.body = "rewritten"
    with pytest.raises(AppendOnlyError):
        addendum.save()
    with pytest.raises(AppendOnlyError):
        addendum.delete()
    with pytest.raises(AppendOnlyError):
        Addendum.objects.filter(pk=addendum.pk).update(body="x")
    with pytest.raises(AppendOnlyError):
        Addendum.objects.filter(pk=addendum.pk).delete()
    assert Addendum.objects.get().body == "Pump model noted later."


def test_timeline_entries_are_append_only(cast):
    event = actions.create_event(user=cast.users["safety_manager"], report=cast.reports["r1"])
    entry = TimelineEntry.objects.filter(event=event).first()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        TimelineEntry.objects.filter(event=event).update(kind="created")


def test_every_action_writes_a_timeline_entry_and_an_audit_event_without_narrative(cast):
    manager = cast.users["safety_manager"]
    words = ["NARRATIVE-SECRET", "ADDENDUM-SECRET", "QUESTION-SECRET", "CHANGED-SECRET", "TITLE-SECRET"]
    event = actions.create_event(user=manager, report=cast.reports["r1"], title="TITLE-SECRET")
    actions.link_report(user=manager, event=event, report=cast.reports["r1anon"])
    actions.assign_event(user=manager, event=event, assignee=cast.users["pses_committee"])
    actions.change_status(user=manager, event=event, status=EventStatus.IN_TRIAGE)
    actions.add_addendum(user=manager, event=event, body="ADDENDUM-SECRET")
    actions.request_correction(user=manager, event=event, report=cast.reports["r1anon"], body="QUESTION-SECRET")
    actions.send_what_changed(user=manager, event=event, body="CHANGED-SECRET")
    actions.unlink_report(user=manager, event=event, report=cast.reports["r1anon"])

    kinds = list(TimelineEntry.objects.filter(event=event).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        TimelineKind.CREATED,
        TimelineKind.REPORT_LINKED,
        TimelineKind.REPORT_LINKED,
        TimelineKind.ASSIGNED,
        TimelineKind.STATUS_CHANGED,
        TimelineKind.ADDENDUM,
        TimelineKind.CORRECTION_REQUESTED,
        TimelineKind.WHAT_CHANGED,
        TimelineKind.REPORT_UNLINKED,
    ]
    audit = list(AuditEvent.objects.filter(object_type="pses.safetyevent").values_list("action", flat=True))
    assert audit == [
        "event.created",
        "event.report_linked",
        "event.report_linked",
        "event.assigned",
        "event.status_changed",
        "event.addendum_added",
        "event.correction_requested",
        "event.what_changed_sent",
        "event.report_unlinked",
    ]
    stored = json.dumps([e.data for e in TimelineEntry.objects.all()])
    stored += json.dumps([e.detail for e in AuditEvent.objects.all()])
    assert not [w for w in words if w in stored]


def test_a_correction_request_reaches_an_anonymous_reporter_through_the_channel(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1anon"])
    actions.request_correction(user=manager, event=event, report=cast.reports["r1anon"], body="Which pump was it?")
    question = FollowUpMessage.objects.get(report=cast.reports["r1anon"])
    assert question.kind == FollowUpKind.QUESTION
    assert question.body == "Which pump was it?"


def test_a_correction_request_is_refused_for_a_report_outside_the_event(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"])
    with pytest.raises(actions.PsesInvalid, match="not in this event"):
        actions.request_correction(user=manager, event=event, report=cast.reports["r1anon"], body="?")


def test_reporters_see_the_event_status_and_the_what_changed_note(cast, client_for):
    manager = cast.users["safety_manager"]
    report = cast.reports["r1"]
    assert queries.reporter_event_status(report) is None
    event = actions.create_event(user=manager, report=report)
    actions.change_status(user=manager, event=event, status=EventStatus.ACTION_PLANNING)
    status = queries.reporter_event_status(report)
    assert status is not None
    assert status.status == "action_planning"
    assert "planning changes" in status.text
    actions.send_what_changed(user=manager, event=event, body="Bed alarms are now checked every shift.")
    page = client_for("reporter").get(reverse("channel:my-reports")).content.decode()
    assert "Bed alarms are now checked every shift." in page


def test_the_reporter_status_tag_shows_plain_words_only(cast):
    from django.template import Context, Template

    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"], title="TITLE-SECRET")
    html = Template("{% load pses_tags %}{% reporter_event_status report %}").render(
        Context({"report": cast.reports["r1"]})
    )
    assert "Received by the safety team" in html
    assert "TITLE-SECRET" not in html
    assert str(event.pk) not in html


def test_a_closed_event_refuses_new_links(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"])
    actions.change_status(user=manager, event=event, status=EventStatus.CLOSED)
    with pytest.raises(actions.PsesInvalid, match="closed"):
        actions.link_report(user=manager, event=event, report=cast.reports["r1anon"])


def test_the_report_page_offers_pses_roles_to_make_an_event(cast, client_for):
    url = reverse("reporting:report-detail", kwargs={"report_id": cast.reports["r1"].pk})
    assert "Make an event from this report" in client_for("safety_manager").get(url).content.decode()
    assert "Make an event from this report" not in client_for("reporter").get(url).content.decode()


def test_the_event_page_shows_foreign_nothing_and_logs_the_read(cast, client_for):
    event = actions.create_event(user=cast.users["safety_manager"], report=cast.reports["r1"], title="Fall on ward")
    body = client_for("pses_committee").get(_event_url(event)).content.decode()
    assert "Fall on ward" in body
    assert "CANARY-REPORT-r2" not in body
    assert AuditEvent.objects.filter(action="event.viewed", object_id=str(event.pk)).exists()
