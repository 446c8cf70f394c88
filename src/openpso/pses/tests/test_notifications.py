"""Assignment notifies the investigator in the app and by e-mail; the nav counts unread."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from openpso.pses.models import Notification
from openpso.pses.safety_events import actions

pytestmark = pytest.mark.django_db


def test_assignment_notifies_the_investigator_in_the_app_and_by_email(cast, django_capture_on_commit_callbacks):
    manager, committee = cast.users["safety_manager"], cast.users["pses_committee"]
    event = actions.create_event(user=manager, report=cast.reports["r1"], title="TITLE-SECRET")
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign_event(user=manager, event=event, assignee=committee)
    note = Notification.objects.get(user=committee)
    assert note.kind == "assigned"
    assert event.short_id in note.text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [committee.email]
    assert "TITLE-SECRET" not in f"{mail.outbox[0].subject} {mail.outbox[0].body}"


def test_assigning_oneself_sends_no_notification(cast):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"])
    actions.assign_event(user=manager, event=event, assignee=manager)
    assert not Notification.objects.exists()


def test_the_nav_counts_unread_notifications_and_marking_read_clears_them(cast, client_for):
    manager, committee = cast.users["safety_manager"], cast.users["pses_committee"]
    event = actions.create_event(user=manager, report=cast.reports["r1"])
    actions.assign_event(user=manager, event=event, assignee=committee)
    client = client_for("pses_committee")
    assert 'aria-label="1 unread"' in client.get(reverse("pses:notifications")).content.decode()
    note = Notification.objects.get(user=committee)
    client.post(reverse("pses:notifications-read"), {"notification": note.pk})
    note.refresh_from_db()
    assert note.read_at is not None
    assert "unread" not in client.get(reverse("pses:notifications")).content.decode().split("<main")[0]


def test_nobody_marks_another_persons_notification_read(cast, client_for):
    manager, committee = cast.users["safety_manager"], cast.users["pses_committee"]
    event = actions.create_event(user=manager, report=cast.reports["r1"])
    actions.assign_event(user=manager, event=event, assignee=committee)
    note = Notification.objects.get(user=committee)
    client_for("manager_p2").post(reverse("pses:notifications-read"), {"notification": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
