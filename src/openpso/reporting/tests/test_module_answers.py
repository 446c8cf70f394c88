"""Event-module answers (Common Formats) are checked against their definitions and kept encrypted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from openpso.organizations.models import Unit
from openpso.reporting.models import EventReport


def _near_miss(cast, **answers):
    return {
        "provider": cast.orgs["p1"].slug,
        "event_type": "A6",
        "categories": ["A54"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "narrative": "Heparin 5,000 units drawn up for the wrong patient; caught at the bedside scan.",
        "answers": answers,
    }


def _post(client, body):
    return client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")


def test_medication_answers_are_accepted_and_stored(cast, client_for):
    body = _near_miss(
        cast,
        **{
            "Medication/DE270": "A1197",
            "Medication/DE273": "A1218",
            "Medication/DE288": "A1257",
            "Medication/DE291": "A585",
            "Medication/DE315": "A1398",
            "Medication/DE318": "heparin",
        },
    )
    response = _post(client_for("reporter"), body)
    assert response.status_code == 201, response.content
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.modules == ["cfer-h-1.2/medication"]
    assert report.answers["Medication/DE291"] == "A585"


def test_patient_identifiers_go_to_the_encrypted_answers(cast, client_for):
    body = _near_miss(cast, **{"HERF/DE46": "Quintessa Marlowe", "HERF/DE49": "MRN-7781234"})
    body.update(event_type="A3", harm="LA21151-8")
    response = _post(client_for("reporter"), body)
    assert response.status_code == 201, response.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM reporting_eventreport")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "Marlowe" not in stored
    assert "7781234" not in stored


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        ({"Medication/DE270": "A9999"}, "answers.Medication/DE270", "unknown_code"),
        ({"Medication/DE270": "A1200", "Medication/DE273": "A1218"}, "answers.Medication/DE273", "contradictory"),
        ({"Fall/assisted": "UNK"}, "answers.Fall/assisted", "not_applicable"),
        (
            {"Medication/DE333": "A15", "Medication/DE288": "A1257", "Medication/DE336": "A15"},
            "answers.Medication/DE336",
            "contradictory",
        ),  # "given to the patient?" makes no sense for a near miss
        (
            {"Medication/DE288": "A1257", "Medication/DE291": "A1299", "Medication/DE306": "last spring"},
            "answers.Medication/DE306",
            "wrong_type",
        ),
        ({"HERF/DE46": "Quintessa Marlowe"}, "answers.HERF/DE46", "contradictory"),  # HERF: patient ids for incidents
        ({"No/Such": "1"}, "answers.No/Such", "not_applicable"),
    ],
)
def test_bad_module_answers_are_refused_naming_the_linkid(cast, client_for, answers, field, code):
    before = EventReport.objects.count()
    response = _post(client_for("reporter"), _near_miss(cast, **answers))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["code"] == code for e in errors), errors
    assert EventReport.objects.count() == before


def test_an_ems_agency_report_answers_the_ems_extension(cast, client_for):
    from openpso.organizations.models import Membership, Organization

    ems = Organization.objects.create(
        slug="t-ems", name="Cast EMS", kind="provider", provider_type="ems_agency", network=cast.orgs["pso1"]
    )
    Unit.objects.create(provider=ems, name="Medic 4")
    Membership.objects.create(user=cast.users["reporter"], organization=ems, role="reporter")
    body = {
        "provider": "t-ems",
        "event_type": "A3",
        "categories": ["A54"],
        "harm": "LA21151-8",
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "narrative": "Drew up 10 mg instead of 1 mg of midazolam; noticed before the second dose.",
        "answers": {
            "EMS/report_type": "OPSO-EMS-TYPE-PSE",
            "EMS/event_kind": ["OPSO-EMS-EV-MEDICATION"],
            "EMS/phase": "OPSO-EMS-PH-TRANSPORT",
        },
    }
    response = _post(client_for("reporter"), body)
    assert response.status_code == 201, response.content
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.modules == ["cfer-h-1.2/medication", "openpso-ext/ems-1.0"]


def test_an_absurd_number_of_answers_is_refused(cast, client_for):
    answers = {f"Medication/X{i}": "A15" for i in range(1001)}
    response = _post(client_for("reporter"), _near_miss(cast, **answers))
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "answers",
        "code": "too_many",
        "message": "Answers: there are more than 1000 answers",
    }


def test_the_ems_form_takes_what_is_reported_from_the_event_type_the_reporter_already_chose(cast, client_for):
    # A paramedic answered "Incident" and was asked again 'What are you reporting?' (EMS
    # extension); left blank, it was one more question for the safety team to complete.
    from openpso.organizations.models import Membership, Organization

    ems = Organization.objects.create(
        slug="t-ems", name="Cast EMS", kind="provider", provider_type="ems_agency", network=cast.orgs["pso1"]
    )
    unit = Unit.objects.create(provider=ems, name="Medic 4")
    Membership.objects.create(user=cast.users["reporter"], organization=ems, role="reporter")
    form = {
        "event_type": "A6",
        "categories": ["A54"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(unit.pk),
        "narrative": "Drew up 10 mg instead of 1 mg of midazolam; caught before giving it.",
    }
    response = client_for("reporter").post("/reports/new/?provider=t-ems", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = EventReport.objects.get(provider=ems)
    assert report.answers["EMS/report_type"] == "OPSO-EMS-TYPE-NEAR-MISS"
    chosen = client_for("reporter").post(
        "/reports/new/?provider=t-ems", {**form, "m__EMS__report_type": "OPSO-EMS-TYPE-VIOLENCE"}
    )
    assert chosen.status_code == 302
    assert EventReport.objects.filter(provider=ems).latest("reported_at").answers["EMS/report_type"] == (
        "OPSO-EMS-TYPE-VIOLENCE"
    )
