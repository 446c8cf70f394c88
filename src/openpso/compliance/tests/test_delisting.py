"""The delisting runbook (3.108(b)): one row per member, notification and disposition per
member, a 90-day deadline, red when it passes with members open; audited throughout."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.audit.models import AuditEvent
from openpso.compliance.models import DelistingMember, DelistingRunbook
from openpso.compliance.register import Level, register_for

pytestmark = pytest.mark.django_db


def flag(pso, today):
    return next(f for f in register_for(pso=pso, today=today).flags if f.code == "delisting")


def open_runbook(client, on="2026-09-01"):
    response = client.post("/compliance/delisting/new/", {"triggered_on": on, "reason": "Voluntary relinquishment"})
    assert response.status_code == 302
    return DelistingRunbook.objects.get()


def test_opening_the_runbook_lists_every_member_in_force_and_audits_it(cast, client_for):
    runbook = open_runbook(client_for("pso_admin"))
    assert runbook.deadline == dt.date(2026, 11, 30)
    members = {m.provider.name for m in runbook.members.all()}
    assert members == {cast.orgs[k].name for k in ("p1", "p1b", "p2")}  # not p3, the other PSO's member
    assert AuditEvent.objects.filter(action="compliance.delisting_created", object_id=str(runbook.pk)).count() == 1
    assert AuditEvent.objects.filter(action="compliance.delisting_member_created").count() == 3
    body = client_for("pso_admin").get(f"/compliance/delisting/{runbook.pk}/").content.decode()
    assert "2026-11-30" in body
    assert "Cast General Hospital" in body


def test_the_flag_is_amber_before_the_deadline_red_after_and_green_when_all_disposed(cast, client_for):
    client = client_for("pso_admin")
    runbook = open_runbook(client)
    pso = cast.orgs["pso1"]
    found = flag(pso, dt.date(2026, 11, 1))
    assert found.level == Level.AMBER
    assert "3 members not yet notified, 3 without a recorded disposition" in found.text
    found = flag(pso, dt.date(2026, 12, 1))
    assert (found.level, "passed on 2026-11-30 (1 days ago)" in found.text) == (Level.RED, True)
    for member in runbook.members.all():
        data = {"notified_on": "2026-09-02", "disposition": "returned", "disposed_on": "2026-10-01"}
        assert client.post(f"/compliance/delisting/members/{member.pk}/", data).status_code == 302
    assert flag(pso, dt.date(2026, 12, 1)).level == Level.GREEN
    event = AuditEvent.objects.filter(action="compliance.delisting_member_changed").first()
    assert event.detail == {"fields": ["disposed_on", "disposition", "notified_on"]}


def test_a_disposition_needs_its_date_and_a_transfer_names_the_receiving_pso(cast, client_for):
    client = client_for("pso_admin")
    member = open_runbook(client).members.first()
    body = client.post(f"/compliance/delisting/members/{member.pk}/", {"disposition": "transferred"}).content.decode()
    assert "PSWP disposed of on</a>: Give the date" in body
    assert "Receiving PSO</a>: Name the PSO that received the PSWP." in body
    member.refresh_from_db()
    assert member.disposition == ""


def test_a_runbook_closes_only_when_every_member_is_done(cast, client_for):
    client = client_for("pso_admin")
    runbook = open_runbook(client)
    data = {"triggered_on": "2026-09-01", "reason": "r", "closed_on": "2026-10-01"}
    body = client.post(f"/compliance/delisting/{runbook.pk}/", data).content.decode()
    assert "Some members still lack a notification date or a recorded disposition." in body
    DelistingMember.objects.filter(runbook=runbook).update(
        notified_on=dt.date(2026, 9, 2), disposition="destroyed", disposed_on=dt.date(2026, 9, 30)
    )
    assert client.post(f"/compliance/delisting/{runbook.pk}/", data).status_code == 302
    runbook.refresh_from_db()
    assert runbook.closed_on == dt.date(2026, 10, 1)


def test_a_second_open_runbook_is_refused(cast, client_for):
    client = client_for("pso_admin")
    open_runbook(client)
    body = client.post("/compliance/delisting/new/", {"triggered_on": "2026-10-01", "reason": "r"}).content.decode()
    assert "A delisting runbook is already open" in body
    assert DelistingRunbook.objects.count() == 1


def test_outsiders_and_the_other_pso_get_404(cast, client_for):
    runbook = open_runbook(client_for("pso_admin"))
    member = runbook.members.first()
    for who in ("admin_pso2", "pso_analyst", "safety_manager"):
        client = client_for(who)
        assert client.get(f"/compliance/delisting/{runbook.pk}/").status_code == 404, who
        assert client.post(f"/compliance/delisting/members/{member.pk}/", {}).status_code == 404, who
