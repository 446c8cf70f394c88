"""The queue's search (by id prefix and by words of the encrypted narrative), its
patient-free filters and saved filters, each person's own (issue 12 item 3)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.pses.ids import id_prefix
from openpso.pses.models import EventStatus, SavedFilter
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.clocks import MODERATE, SEVERE
from openpso.pses.safety_events.triage import QueueFilters, queue_for
from openpso.pses.tests.helpers import make_report

pytestmark = pytest.mark.django_db


def _ids(user, **filters):
    return {row.report.pk for row in queue_for(user, filters=QueueFilters(**filters))}


def test_an_id_is_recognised_with_or_without_its_prefix_and_dashes():
    assert id_prefix("R-3F2A1B2C") == "3f2a1b2c"
    assert id_prefix("e-3f2a") == "3f2a"
    assert id_prefix("3f2a1b2c-1d2e") == "3f2a1b2c1d2e"
    assert id_prefix("bed") == ""  # too short to be an id: a word
    assert id_prefix("falls") == ""


def test_search_finds_a_report_by_its_id_prefix_and_its_event_by_the_event_id(cast):
    manager = cast.users["safety_manager"]
    wanted, other = make_report(cast), make_report(cast)
    assert _ids(manager, search=wanted.short_id) == {wanted.pk}
    assert _ids(manager, search=str(wanted.pk)[:6].upper()) >= {wanted.pk}
    event = actions.create_event(user=manager, report=other)
    assert other.pk in _ids(manager, search=event.short_id.lower())


def test_search_finds_a_report_by_words_of_its_encrypted_narrative(cast):
    manager = cast.users["safety_manager"]
    hit = make_report(cast, narrative="Patient slipped on a WET FLOOR near the nurses' station.")
    make_report(cast, narrative="Wrong dose of heparin given.")
    assert _ids(manager, search="wet floor") == {hit.pk}


def test_search_never_finds_another_providers_report(cast):
    manager = cast.users["safety_manager"]
    foreign = make_report(cast, "p2", narrative="CANARY wet floor at the rival hospital")
    assert foreign.pk not in _ids(manager, search="canary wet floor")
    assert foreign.pk not in _ids(manager, search=foreign.short_id)


def test_search_looks_into_closed_events_too(cast):
    manager = cast.users["safety_manager"]
    report = make_report(cast, narrative="Bed alarm was switched off overnight.")
    event = actions.create_event(user=manager, report=report)
    actions.change_status(user=manager, event=event, status=EventStatus.CLOSED)
    assert report.pk not in _ids(manager)
    assert _ids(manager, search="bed alarm") == {report.pk}


def test_the_patient_free_filters_narrow_the_queue(cast):
    manager = cast.users["safety_manager"]
    severe = make_report(cast, harm=SEVERE, days_ago=10)
    moderate = make_report(cast, harm=MODERATE, days_ago=2)
    near_miss = make_report(cast, event_type="A6", days_ago=2)
    event = actions.create_event(user=manager, report=moderate)
    actions.assign_event(user=manager, event=event, assignee=cast.users["pses_committee"])
    assert _ids(manager, harm=SEVERE) & {severe.pk, moderate.pk, near_miss.pk} == {severe.pk}
    assert near_miss.pk in _ids(manager, event_type="A6")
    assert severe.pk not in _ids(manager, event_type="A6")
    assert _ids(manager, assignee_id=cast.users["pses_committee"].pk) == {moderate.pk}
    five_days_ago = timezone.localdate() - dt.timedelta(days=5)
    recent = _ids(manager, reported_from=five_days_ago)
    assert {moderate.pk, near_miss.pk} <= recent
    assert severe.pk not in recent
    assert severe.pk in _ids(manager, reported_to=five_days_ago)
    assert _ids(manager, status="closed") == set()


def test_the_search_page_posts_the_words_and_logs_none_of_them(cast, client_for, caplog):
    hit = make_report(cast, narrative="Patient found on the floor beside the SECRETWORD commode.")
    client = client_for("safety_manager")
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("pses:queue"), {"search": "secretword commode"})
    page = response.content.decode()
    assert response.status_code == 200
    assert hit.short_id in page
    assert "1 report found" in page
    assert "SECRETWORD" not in caplog.text
    assert "secretword" not in caplog.text
    searched = AuditEvent.objects.get(action="queue.text_searched")
    assert searched.detail["matched"] == 1
    assert "secretword" not in str(searched.detail).lower()


def test_a_saved_filter_is_kept_encrypted_applied_and_deleted_by_its_owner(cast, client_for):
    hit = make_report(cast, narrative="Fall from the CHAIRLIFT on the ramp.")
    client = client_for("safety_manager")
    query = "search=chairlift&harm=&status="
    response = client.post(reverse("pses:saved-filter-save"), {"save-name": "Chairlift falls", "save-query": query})
    saved = SavedFilter.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?saved={saved.pk}")
    assert saved.user == cast.users["safety_manager"]
    assert saved.query == "search=chairlift"  # empty fields dropped
    page = client.get(reverse("pses:queue") + f"?saved={saved.pk}").content.decode()
    assert hit.short_id in page
    assert "Chairlift falls" in page
    assert AuditEvent.objects.filter(action="saved_filter.saved", object_id=str(saved.pk)).exists()
    client.post(reverse("pses:saved-filter-delete"), {"saved": saved.pk})
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_is_only_its_owners(cast, client_for):
    mine = SavedFilter.objects.create(user=cast.users["safety_manager"], name="Mine", query="harm=LA20748-2")
    colleague = client_for("pses_committee")  # same provider, same role family: still not theirs
    assert colleague.get(reverse("pses:queue") + f"?saved={mine.pk}").status_code == 404
    assert "Mine" not in colleague.get(reverse("pses:queue")).content.decode()
    assert colleague.post(reverse("pses:saved-filter-delete"), {"saved": mine.pk}).status_code == 404
    assert client_for("manager_p2").post(reverse("pses:saved-filter-delete"), {"saved": mine.pk}).status_code == 404
    assert SavedFilter.objects.filter(pk=mine.pk).exists()


def test_a_saved_filters_words_are_encrypted_at_rest(cast):
    from django.db import connection

    saved = SavedFilter.objects.create(user=cast.users["safety_manager"], name="Ward", query="search=PLAINWORD")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, query FROM {SavedFilter._meta.db_table} WHERE id = %s", [saved.pk])  # noqa: S608
        name, query = cursor.fetchone()
    assert "PLAINWORD" not in str(query)
    assert "Ward" not in str(name)


def test_coded_filters_posted_from_the_form_come_back_as_a_url_that_pages(cast, client_for):
    response = client_for("safety_manager").post(reverse("pses:queue"), {"search": "", "harm": SEVERE})
    assert response.status_code == 302
    assert response["Location"] == reverse("pses:queue") + f"?harm={SEVERE}"
