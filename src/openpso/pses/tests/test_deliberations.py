"""Deliberations are PSWP at creation, read only by the provider's PSES roles, every read
audited, every page and printout watermarked, and never edited (issue 4 item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.pses.deliberations import actions as deliberations
from openpso.pses.deliberations.actions import DeliberationInvalid, record_deliberation
from openpso.pses.deliberations.models import Deliberation, DeliberationKind
from openpso.pses.models import TimelineEntry, TimelineKind
from openpso.pses.tests.fixtures import cast_events
from openpso.pswp import ledger
from openpso.pswp.status import PswpStatus
from openpso.testing.cast import CAST_ROLES

pytestmark = pytest.mark.django_db

WATERMARK = "Confidential — Patient Safety Work Product"
SECRET = "DELIBERATION-SECRET words of the committee"
READERS = {"safety_manager", "pses_committee"}


@pytest.fixture
def event(cast):
    return cast_events(cast)["r1"]


@pytest.fixture
def note(cast, event):
    return record_deliberation(
        user=cast.users["pses_committee"],
        event=event,
        kind=DeliberationKind.COMMITTEE_NOTE,
        title=f"Title {SECRET}",
        body=SECRET,
    )


def _detail(deliberation: Deliberation, print_view: bool = False) -> str:
    name = "pses:deliberation-print" if print_view else "pses:deliberation-detail"
    return reverse(name, kwargs={"deliberation_id": deliberation.pk})


def _list(event) -> str:
    return reverse("pses:deliberation-list", kwargs={"event_id": event.pk})


def test_a_deliberation_is_pswp_deliberation_at_creation_with_its_ledger_row(cast, note):
    note.refresh_from_db()
    assert note.pswp_status == PswpStatus.DELIBERATION
    assert note.pswp_status_at is not None
    rows = ledger.history(note)
    assert [(r.from_status, r.to_status) for r in rows] == [("", PswpStatus.DELIBERATION)]
    assert rows[0].actor_label == cast.users["pses_committee"].email


def test_the_ledger_refuses_any_later_status_for_a_deliberation(cast, note):
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.mark_reported(artefact=note, actor=cast.users["safety_manager"])
    note.refresh_from_db()
    assert note.pswp_status == PswpStatus.DELIBERATION


def test_title_body_and_answers_are_stored_only_as_ciphertext(note):
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, body FROM pses_deliberation WHERE id = %s", [note.pk.hex])
        row = cursor.fetchone()
    assert row is not None
    assert all(value.startswith("enc2:") and "SECRET" not in value for value in row)


def test_creation_writes_a_timeline_entry_and_an_audit_event_without_the_text(cast, event, note):
    entry = TimelineEntry.objects.get(event=event, kind=TimelineKind.DELIBERATION)
    assert entry.data == {"deliberation": str(note.pk), "kind": DeliberationKind.COMMITTEE_NOTE}
    assert entry.actor == cast.users["pses_committee"]
    audit = AuditEvent.objects.get(action="deliberation.recorded", object_id=str(note.pk))
    assert audit.purpose == "pses.deliberation"
    assert audit.organization_id == event.provider_id
    for data in (entry.data, audit.detail):
        assert "SECRET" not in json.dumps(data)
        assert "Title" not in json.dumps(data)


def test_a_deliberation_cannot_be_edited_or_deleted(note):
    note.body = "changed"
    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        note.delete()
    with pytest.raises(AppendOnlyError):
        Deliberation.objects.filter(pk=note.pk).update(body="changed")
    with pytest.raises(AppendOnlyError):
        Deliberation.objects.filter(pk=note.pk).delete()
    note.refresh_from_db()
    assert note.body == SECRET


def test_a_correction_is_a_new_entry_that_names_the_old_one(cast, event, note, client_for):
    client = client_for("safety_manager")
    url = reverse("pses:deliberation-new", kwargs={"event_id": event.pk})
    form = client.get(f"{url}?corrects={note.pk}").content.decode()
    assert SECRET in form  # the original is shown beside the correction
    response = client.post(
        url, {"kind": "committee_note", "title": "Corrected", "body": "Corrected words", "corrects": note.pk}
    )
    correction = Deliberation.objects.exclude(pk=note.pk).get()
    assert response.status_code == 302
    assert correction.corrects == note
    assert correction.pswp_status == PswpStatus.DELIBERATION
    note.refresh_from_db()
    assert note.body == SECRET
    page = client.get(_detail(note)).content.decode()
    assert correction.short_id in page
    entry = TimelineEntry.objects.get(
        event=event, kind=TimelineKind.DELIBERATION, data__deliberation=str(correction.pk)
    )
    assert entry.data["corrects"] == str(note.pk)


def test_a_correction_must_belong_to_the_same_event(cast, note):
    other = cast_events(cast)["r1b"]
    with pytest.raises(DeliberationInvalid, match="same event"):
        record_deliberation(user=None, event=other, kind=DeliberationKind.ANALYSIS, title="x", body="y", corrects=note)


def test_a_deliberation_needs_a_title_and_words(cast, event):
    with pytest.raises(DeliberationInvalid, match="title"):
        record_deliberation(user=None, event=event, kind=DeliberationKind.ANALYSIS, title=" ", body="y")
    with pytest.raises(DeliberationInvalid, match="write"):
        record_deliberation(user=None, event=event, kind=DeliberationKind.ANALYSIS, title="x", body=" ")
    assert not Deliberation.objects.exists()


@pytest.mark.parametrize("who", sorted(READERS))
def test_the_provider_pses_roles_record_and_read_a_deliberation(cast, client_for, event, who):
    client = client_for(who)
    url = reverse("pses:deliberation-new", kwargs={"event_id": event.pk})
    response = client.post(url, {"kind": "analysis", "title": "Why it happened", "body": SECRET})
    deliberation = Deliberation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(deliberation)
    assert deliberation.author == cast.users[who]
    assert deliberation.kind == DeliberationKind.ANALYSIS
    for url in (_list(event), _detail(deliberation), _detail(deliberation, print_view=True)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", [w for w in CAST_ROLES if w not in READERS])
def test_every_other_role_gets_404_for_every_deliberation_route(cast, client_for, event, note, who):
    client = client_for(who)
    urls = [
        _list(event),
        reverse("pses:deliberation-new", kwargs={"event_id": event.pk}),
        reverse("pses:just-culture", kwargs={"event_id": event.pk}),
        _detail(note),
        _detail(note, print_view=True),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, f"{who} {url}"
        assert SECRET not in response.content.decode()
        assert client.post(url, {"kind": "analysis", "title": "t", "body": "b"}).status_code == 404
    assert Deliberation.objects.count() == 1
    assert not AuditEvent.objects.filter(action="deliberation.viewed").exists()


def test_a_foreign_provider_pses_member_gets_404(cast, client_for, note):
    client = client_for("manager_p2")
    assert client.get(_detail(note)).status_code == 404
    own = cast_events(cast)["r2"]
    # Correcting a foreign deliberation through one's own event is a lookup that fails too.
    url = reverse("pses:deliberation-new", kwargs={"event_id": own.pk})
    assert client.get(f"{url}?corrects={note.pk}").status_code == 404
    assert client.get(f"{url}?corrects=not-a-uuid").status_code == 404


def test_the_queryset_helpers_return_nothing_outside_the_provider_pses(cast, event, note):
    assert list(deliberations.deliberations_for(cast.users["safety_manager"], event)) == [note]
    for who in ("reporter", "provider_auditor", "system_safety_officer", "pso_analyst", "manager_p2"):
        assert not deliberations.deliberations_for(cast.users[who], event).exists()


@pytest.mark.parametrize("view", ["list", "detail", "print"])
def test_every_read_is_in_the_audit_trail(cast, client_for, event, note, view):
    client = client_for("safety_manager")
    url = {"list": _list(event), "detail": _detail(note), "print": _detail(note, print_view=True)}[view]
    for _ in range(2):
        client.get(url)
    reads = AuditEvent.objects.filter(action="deliberation.viewed", object_id=str(note.pk))
    assert reads.count() == 2
    read = reads.first()
    assert read is not None
    assert read.actor_id == cast.users["safety_manager"].pk
    assert read.purpose == "pses.deliberation"
    assert read.organization_id == event.provider_id
    assert read.detail["via"] == view
    assert "SECRET" not in json.dumps(read.detail)


def test_the_list_audits_each_deliberation_it_shows(cast, client_for, event, note):
    second = record_deliberation(user=None, event=event, kind=DeliberationKind.ANALYSIS, title="t", body="b")
    client_for("pses_committee").get(_list(event))
    read = set(AuditEvent.objects.filter(action="deliberation.viewed").values_list("object_id", flat=True))
    assert read == {str(note.pk), str(second.pk)}


def test_every_deliberation_page_and_the_print_view_carry_the_watermark(cast, client_for, event, note):
    client = client_for("safety_manager")
    pages = [
        _list(event),
        reverse("pses:deliberation-new", kwargs={"event_id": event.pk}),
        reverse("pses:just-culture", kwargs={"event_id": event.pk}),
        _detail(note),
        _detail(note, print_view=True),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert WATERMARK in body, url
        assert 'class="pswp-banner pswp-watermark"' in body, url
        assert 'class="pswp-print-mark"' in body, url
        assert "pses/deliberation.css" in body, url
        assert "<script>" not in body, url  # strict CSP: nothing inline
        assert " style=" not in body, url


def test_the_print_view_is_plain_and_shows_the_deliberation(cast, client_for, note):
    body = client_for("pses_committee").get(_detail(note, print_view=True)).content.decode()
    assert SECRET in body
    assert 'class="top"' not in body  # no site navigation on the printout
    assert body.count(WATERMARK) >= 3  # title, banner, page mark, footer


def test_the_print_stylesheet_repeats_the_watermark_on_every_page():
    css = (Path(__file__).resolve().parents[1] / "static" / "pses" / "deliberation.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert "position: fixed" in print_rules  # fixed elements repeat on every printed page
    assert f'content: "{WATERMARK}' in print_rules  # page-margin header on every page


def test_the_event_page_links_to_deliberations_without_reading_them(cast, client_for, event, note):
    body = client_for("safety_manager").get(reverse("pses:event-detail", kwargs={"event_id": event.pk})).content
    page = body.decode()
    assert _list(event) in page
    assert SECRET not in page
    assert not AuditEvent.objects.filter(action="deliberation.viewed").exists()
