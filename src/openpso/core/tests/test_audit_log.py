"""The audit-log page: who reads which trail, its filters, its CSV and the chain check (issue 12 item 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.audit.trail import record
from openpso.submissions.tests.fixtures import cast_questions, cast_submissions

URL = "/audit/"


def _row(cast, org_key: str, **fields) -> AuditEvent:
    values = {
        "actor": None,
        "action": "report.viewed",
        "object_type": "reporting.eventreport",
        "object_id": "x",
        "organization_id": cast.orgs[org_key].pk,
    }
    values.update(fields)
    return record(**values)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("auditor", 200),
        ("provider_auditor", 200),
        ("safety_manager", 200),
        ("manager_p2", 200),
        ("pso_admin", 200),
        ("admin_pso2", 200),
        ("reporter", 404),
        ("pses_committee", 404),
        ("system_safety_officer", 404),
        ("pso_analyst", 404),
    ],
)
def test_the_audit_log_is_open_to_the_roles_that_oversee_their_organisation(cast, client_for, who, status):
    client = client_for(who)
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}export.csv").status_code == status
    assert client.post(f"{URL}verify/").status_code == (302 if status == 200 else 404)


def test_each_reader_sees_only_their_own_organisations_rows(cast, client_for):
    mine = _row(cast, "p1", object_id="OWN-P1-ROW")
    _row(cast, "p2", object_id="FOREIGN-P2-ROW")
    _row(cast, "pso1", object_id="PSO1-ROW")
    manager = client_for("safety_manager").get(URL).content.decode()
    assert mine.object_id in manager
    assert "FOREIGN-P2-ROW" not in manager
    assert "PSO1-ROW" not in manager
    admin = client_for("pso_admin").get(URL).content.decode()
    assert "PSO1-ROW" in admin
    assert "OWN-P1-ROW" not in admin
    assert "PSO1-ROW" not in client_for("admin_pso2").get(URL).content.decode()
    assert "OWN-P1-ROW" not in client_for("manager_p2").get(URL).content.decode()


def test_filtering_to_a_report_finds_every_row_about_it_and_no_other(cast, client_for):
    report = cast.reports["r1"]
    client_for("safety_manager").get(f"/reports/{report.pk}/")  # a read
    submission = cast_questions(cast) and cast_submissions(cast)["r1"]  # submitted, and a question asked
    client_for("pso_analyst").get(f"/pso/inbox/{submission.pk}/")  # the PSO reads it
    client_for("safety_manager").get(f"/reports/{cast.reports['r1anon'].pk}/")  # another report's read

    provider_rows = client_for("provider_auditor").get(URL, {"object_id": str(report.pk)}).content.decode()
    assert "report.viewed" in provider_rows
    assert "pswp.status_changed" in provider_rows  # the ledger: candidate, then reported
    assert str(cast.reports["r1anon"].pk) not in provider_rows

    pso_rows = client_for("auditor").get(URL, {"object_id": report.short_id}).content.decode()
    assert "submission.received" in pso_rows
    assert "submission.viewed" in pso_rows
    assert "question." in pso_rows
    assert str(cast_submissions(cast)["r2"].pk) not in pso_rows


def test_the_object_filter_finds_rows_that_name_the_report_only_in_their_detail(cast, client_for):
    report = cast.reports["r1"]
    _row(
        cast,
        "p1",
        action="event.created",
        object_type="pses.safetyevent",
        object_id="7",
        detail={"report": str(report.pk)},
    )
    _row(cast, "p1", action="event.created", object_type="pses.safetyevent", object_id="8", detail={"report": "other"})
    body = client_for("provider_auditor").get(URL, {"object_id": str(report.pk)}).content.decode()
    assert "<code>7</code>" in body
    assert "<code>8</code>" not in body


def test_the_trail_filters_by_date_range_actor_kind_and_text(cast, client_for):
    now = timezone.now()
    _row(cast, "p1", object_id="OLD-ROW", at=now - dt.timedelta(days=40))
    _row(
        cast,
        "p1",
        object_id="NEW-ROW",
        actor=cast.users["safety_manager"],
        action="event.assigned",
        object_type="pses.safetyevent",
    )
    client = client_for("provider_auditor")
    since = (now - dt.timedelta(days=1)).date().isoformat()
    recent = client.get(URL, {"since": since}).content.decode()
    assert "NEW-ROW" in recent
    assert "OLD-ROW" not in recent
    until = (now - dt.timedelta(days=30)).date().isoformat()
    old = client.get(URL, {"until": until}).content.decode()
    assert "OLD-ROW" in old
    assert "NEW-ROW" not in old
    by_actor = client.get(URL, {"actor": "safety_manager@"}).content.decode()
    assert "NEW-ROW" in by_actor
    assert "OLD-ROW" not in by_actor
    by_kind = client.get(URL, {"object_type": "pses.safetyevent"}).content.decode()
    assert "NEW-ROW" in by_kind
    assert "OLD-ROW" not in by_kind
    by_text = client.get(URL, {"q": "assigned"}).content.decode()
    assert "NEW-ROW" in by_text
    assert "OLD-ROW" not in by_text


def test_a_date_range_that_ends_before_it_starts_is_refused_naming_the_field(cast, client_for):
    body = client_for("provider_auditor").get(URL, {"since": "2026-05-02", "until": "2026-05-01"}).content.decode()
    assert "must be on or after the From date" in body
    assert 'id="field-until"' in body
    assert "Download CSV" not in body  # no export of a search that was not made


def test_full_object_ids_are_shown(cast, client_for):
    long_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    _row(cast, "p1", object_id=long_id)
    assert long_id in client_for("provider_auditor").get(URL).content.decode()


def test_the_csv_has_the_filtered_rows_with_formula_cells_guarded_and_is_audited(cast, client_for):
    _row(cast, "p1", object_id="=HYPERLINK(1)", actor_label="@evil", detail={"n": 1})
    _row(cast, "p1", object_id="PLAIN", action="event.assigned")
    _row(cast, "p2", object_id="FOREIGN")
    response = client_for("provider_auditor").get(f"{URL}export.csv", {"q": "report.viewed"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["object_id"] for r in rows] == ["'=HYPERLINK(1)"]
    assert rows[0]["actor"] == "'@evil"
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == cast.users["provider_auditor"].pk
    assert exported.organization_id == cast.orgs["p1"].pk
    assert exported.detail == {"rows": 1, "filters": ["q"]}  # which filters, never what was typed


def test_verifying_an_intact_chain_says_so_and_is_audited(cast, client_for):
    _row(cast, "p1")
    client = client_for("provider_auditor")
    response = client.post(f"{URL}verify/", follow=True)
    assert "Audit chain intact" in response.content.decode()
    verified = AuditEvent.objects.get(action="audit.chain_verified")
    assert verified.detail["ok"] is True
    assert verified.organization_id == cast.orgs["p1"].pk


def test_verifying_a_tampered_chain_names_the_broken_row(cast, client_for):
    edited = _row(cast, "p1", detail={"n": 1})
    _row(cast, "p1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", ['{"n": 2}', edited.seq])
    body = client_for("provider_auditor").post(f"{URL}verify/", follow=True).content.decode()
    assert "Audit chain broken" in body
    assert f"row {edited.seq}: hash does not match its contents (edited)" in body
    assert AuditEvent.objects.get(action="audit.chain_verified").detail["first_broken_seq"] == edited.seq


def test_verifying_needs_a_post(cast, client_for):
    assert client_for("provider_auditor").get(f"{URL}verify/").status_code == 405


def test_an_export_with_a_bad_filter_is_refused_naming_the_field_not_widened(cast, client_for):
    _row(cast, "p1", object_id="ANY-ROW")
    response = client_for("provider_auditor").get(f"{URL}export.csv", {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 400
    assert "To (date, inclusive): must be on or after the From date" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_the_trail_names_actions_and_kinds_of_object_in_words_with_the_codes_kept(cast, client_for):
    _row(cast, "p1", action="analytics.events_viewed", object_type="submissions.submission", object_id="S-1")
    body = client_for("safety_manager").get(URL).content.decode()
    assert "Analytics: events viewed" in body
    assert "<code>analytics.events_viewed</code>" in body  # the code an auditor searches by stays
    assert '<span class="object-kind">Submission</span>' in body
    assert '<option value="submissions.submission">Submission (submissions.submission)</option>' in body


def test_an_accounts_sign_ins_and_lockouts_show_in_each_trail_of_an_organisation_it_belongs_to(cast, client_for):
    reporter, foreign = cast.users["reporter"], cast.users["manager_p2"]
    ours = record(actor=reporter, action="session.signed_in", object_type="accounts.user", object_id=reporter.pk)
    theirs = record(actor=None, action="sign_in.locked_out", object_type="accounts.user", object_id=foreign.pk)
    system = record(actor=None, action="backup.made", object_type="backup", object_id="2026-12-07T10:00:00+00:00")
    response = client_for("provider_auditor").get(f"{URL}export.csv")
    csv_text = b"".join(response.streaming_content).decode()
    seqs = {row[0] for row in csv.reader(io.StringIO(csv_text))}
    assert str(ours.seq) in seqs  # p1's reporter, in p1's auditor's trail
    assert str(theirs.seq) not in seqs  # p2's manager is not p1's person
    assert str(system.seq) not in seqs  # system rows with no person stay out of every trail
