"""POST /api/v1/reports: filing, idempotency, field errors, nothing half-saved."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.reporting.models import EventReport, IdempotencyKey
from openpso.testing.payloads import fall_report

_payload = fall_report


def _post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json", **headers)


def test_a_reporter_files_a_report_through_the_api(cast, client_for):
    response = _post(client_for("reporter"), _payload(cast))
    assert response.status_code == 201, response.content
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.provider == cast.orgs["p1"]
    assert report.reporter == cast.users["reporter"]
    assert report.pswp_status == "candidate"
    assert report.narrative.startswith("Patient found on the floor")


def test_the_same_idempotency_key_twice_creates_one_report(cast, client_for):
    client = client_for("reporter")
    key = str(uuid.uuid4())
    body = _payload(cast)
    first = _post(client, body, key)
    again = _post(client, body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert EventReport.objects.filter(narrative__isnull=False, provider=cast.orgs["p1"]).count() == 3  # 2 cast + 1


def test_a_reused_idempotency_key_with_another_body_is_refused(cast, client_for):
    client = client_for("reporter")
    key = "retry-123"
    body = _payload(cast)
    assert _post(client, body, key).status_code == 201
    response = _post(client, {**body, "narrative": "Something else entirely."}, key)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_the_same_key_from_two_people_makes_two_reports(cast, client_for):
    assert _post(client_for("reporter"), _payload(cast), "k1").status_code == 201
    assert _post(client_for("safety_manager"), _payload(cast), "k1").status_code == 201


def test_an_idempotency_key_does_not_record_who_sent_it(cast, client_for):
    _post(client_for("reporter"), _payload(cast, anonymous=True, harm="LA21151-8"), "anon-key")
    stored = IdempotencyKey.objects.get()
    assert stored.key != "anon-key"
    assert {f.name for f in IdempotencyKey._meta.get_fields()} == {
        "id",
        "key",
        "request_hash",
        "report",
        "created_at",
        "expires_at",
    }


def test_an_expired_idempotency_key_is_never_honoured_even_before_it_is_pruned(cast, client_for, monkeypatch):
    from openpso.reporting import actions

    client = client_for("reporter")
    body = _payload(cast)
    first = _post(client, body, "late-retry")
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    monkeypatch.setattr(actions, "_last_pruned", timezone.now())  # pruned a moment ago: not again yet
    again = _post(client, body, "late-retry")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] != again.json()["id"]
    assert IdempotencyKey.objects.get().report_id == uuid.UUID(again.json()["id"])


def test_expired_idempotency_keys_are_pruned_at_most_once_a_minute(cast, client_for, monkeypatch):
    from openpso.reporting import actions

    client = client_for("reporter")
    _post(client, _payload(cast), "old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    monkeypatch.setattr(actions, "_last_pruned", timezone.now())
    _post(client, _payload(cast), "new-1")
    assert IdempotencyKey.objects.filter(expires_at__lt=timezone.now()).count() == 1  # not this minute
    monkeypatch.setattr(actions, "_last_pruned", timezone.now() - actions.PRUNE_EVERY)
    _post(client, _payload(cast), "new-2")
    assert not IdempotencyKey.objects.filter(expires_at__lt=timezone.now()).exists()
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"event_type": "A4"}, "event_type", "unknown_code"),
        ({"categories": []}, "categories", "required"),
        ({"categories": ["A999"]}, "categories", "unknown_code"),
        ({"event_type": "A6", "harm": "", "categories": ["A48"]}, "categories", "not_collected"),
        ({"harm": ""}, "harm", "required"),
        ({"event_type": "A6", "categories": ["A54"]}, "harm", "not_applicable"),
        ({"harm": "LA9999-9"}, "harm", "unknown_code"),
        ({"narrative": ""}, "narrative", "string_too_short"),
        ({"narrative": "x" * 2001}, "narrative", "string_too_long"),
        ({"patient_age_years": 131}, "patient_age_years", "less_than_equal"),
        ({"patient_sex": "X"}, "patient_sex", "unknown_code"),
        ({"discovered_at": "2999-01-01T00:00:00Z"}, "discovered_at", "in_future"),
        ({"discovered_at": "yesterday"}, "discovered_at", "datetime_from_date_parsing"),
        ({"categories": ["A66"]}, "category_other", "required"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_the_reason(cast, client_for, overrides, field, code):
    client = client_for("reporter")  # signing in is audited (session.signed_in): before counting
    before = EventReport.objects.count(), AuditEvent.objects.count()
    response = _post(client, _payload(cast, **overrides))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["code"] == code and e["message"] for e in errors), errors
    assert (EventReport.objects.count(), AuditEvent.objects.count()) == before


def test_an_incident_without_harm_is_refused_even_when_harm_is_left_out(cast, client_for):
    body = _payload(cast)
    del body["harm"]
    response = _post(client_for("reporter"), body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "harm"


def test_a_missing_field_is_named(cast, client_for):
    body = _payload(cast)
    del body["narrative"]
    response = _post(client_for("reporter"), body)
    assert response.status_code == 422
    assert {"field": "narrative", "code": "missing", "message": "What happened: this is needed"} in response.json()[
        "errors"
    ]


def test_a_category_not_collected_for_a_near_miss_is_refused_in_words(cast, client_for):
    response = _post(client_for("reporter"), _payload(cast, event_type="A6", categories=["A48"], harm=""))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    # The machine fields are the contract; the message names the field and the category in words.
    assert (error["field"], error["code"]) == ("categories", "not_collected")
    assert error["message"] == "Category: Fall [A48] is not collected for a near miss — choose Incident or remove Fall"


def test_no_message_is_a_bare_code(cast, client_for):
    body = _payload(cast, event_type="A99", categories=["A48", "B1"], patient_sex="Q")
    del body["narrative"]
    response = _post(client_for("reporter"), body)
    assert response.status_code == 422
    labels = {error["field"]: error["message"].partition(": ")[0] for error in response.json()["errors"]}
    assert labels == {
        "event_type": "What is being reported",
        "categories": "Category",
        "narrative": "What happened",
        "patient_sex": "Patient's sex",
    }
    words = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert words["event_type"].endswith("choose Incident [A3], Near miss [A6] or Unsafe condition [A9]")
    assert words["patient_sex"].endswith("choose Male [M], Female [F] or Unknown [UNK]")


def test_a_unit_of_another_provider_is_refused(cast, client_for):
    response = _post(client_for("reporter"), _payload(cast, unit=cast.units["p2"].pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit"


def test_reporting_for_a_foreign_provider_looks_like_an_unknown_provider(cast, client_for):
    foreign = _post(client_for("reporter"), _payload(cast, provider=cast.orgs["p2"].slug, unit=None))
    missing = _post(client_for("reporter"), _payload(cast, provider="no-such-provider", unit=None))
    assert foreign.status_code == missing.status_code == 422
    assert foreign.json() == missing.json()


def test_a_pso_analyst_cannot_file_for_a_provider(cast, client_for):
    assert _post(client_for("pso_analyst"), _payload(cast)).status_code == 422


def test_the_api_requires_a_signed_in_session(cast, client):
    assert _post(client, _payload(cast)).status_code == 401


def test_writes_need_the_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["reporter"])
    assert _post(client, _payload(cast)).status_code == 403
