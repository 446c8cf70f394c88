"""The submission document: what leaves the provider, as the member agreement says."""

from __future__ import annotations

import datetime as dt
import json

from openpso.organizations.queries import agreement_in_force
from openpso.pses.rca import actions as rca
from openpso.pses.rca.models import ActionItem
from openpso.pses.safety_events.actions import create_event
from openpso.pses.tests.fixtures import cast_deliberations, cast_events
from openpso.submissions.document import build_document, refusal_of, version_of
from openpso.submissions.models import DOCUMENT_SCHEMA
from openpso.submissions.tests.helpers import file

CORE_KEYS = {
    "schema", "event_id", "provider_id", "unit", "event_type", "categories", "category_other",
    "discovered_at", "reported_at", "harm", "patient", "modules", "answers",
}  # fmt: skip


def _agreement(report):
    agreement = agreement_in_force(report.provider)
    assert agreement is not None
    return agreement


def _document(cast, report):
    return build_document(report, _agreement(report))


def test_the_document_carries_the_core_and_what_the_default_agreement_shares(cast):
    report = cast.reports["r1"]
    document = _document(cast, report)
    assert set(document) == CORE_KEYS | {"narrative", "analysis"}
    assert document["schema"] == DOCUMENT_SCHEMA
    assert document["event_id"] == str(report.pk)
    assert document["provider_id"] == report.provider_id
    assert document["unit"] == {"id": cast.units["p1"].pk, "name": "Ward P1", "unit_type": ""}
    assert document["categories"] == ["A48"]
    assert document["discovered_at"].endswith("Z")
    assert document["patient"] == {"age_years": None, "sex": ""}
    assert document["analysis"] == {"contributing_factors": [], "actions": []}
    assert "CANARY-REPORT-r1" in document["narrative"]


def test_location_and_reporter_role_are_sent_only_when_the_agreement_shares_them(cast):
    report = file(cast.users["reporter"])
    agreement = _agreement(report)
    assert "location_detail" not in build_document(report, agreement)
    agreement.shared_fields = ["location_detail", "reporter_role"]
    document = build_document(report, agreement)
    assert document["location_detail"] == "Room 12 SECRET-LOCATION"
    assert document["reporter_role"] == "Registered nurse SECRET-ROLE"
    assert "narrative" not in document
    assert "analysis" not in document


def test_the_reporters_identity_is_never_sent(cast):
    reporter = cast.users["reporter"]
    report = file(reporter)
    agreement = _agreement(report)
    agreement.shared_fields = ["narrative", "location_detail", "reporter_role", "analysis"]
    text = json.dumps(build_document(report, agreement))
    assert reporter.email not in text
    assert "reporter" not in json.loads(text)
    assert str(reporter.pk) not in {str(v) for v in json.loads(text).values() if not isinstance(v, dict | list)}


def test_identifying_answers_stay_at_the_provider(cast):
    report = file(
        cast.users["reporter"],
        answers={"HERF/DE46": "Jane SECRET-PATIENT-NAME", "HERF/DE49": "MRN-SECRET-1234", "Fall/injury": "A15"},
    )
    answers = _document(cast, report)["answers"]
    assert answers == {"Fall/injury": "A15"}  # a module answer, not identifying
    assert "HERF/DE46" not in answers
    assert "HERF/DE49" not in answers
    assert "SECRET" not in json.dumps(answers)


def test_the_analysis_comes_from_the_rca_investigation_as_codes(cast):
    report = cast.reports["r1"]
    event = create_event(user=None, report=report, title="Fall on Ward P1")
    investigation = rca.start_investigation(user=None, event=event)
    rca.set_contributing_factors(user=None, investigation=investigation, codes=["OPSO-SIR-CF-COMMUNICATION"])
    owner = cast.users["safety_manager"]
    ActionItem.objects.create(
        investigation=investigation, action="Bed alarms SECRET-ACTION-TEXT", action_type="forcing_function",
        owner=owner, due_on=dt.date(2030, 1, 1), implemented_on=dt.date(2029, 6, 1),
    )  # fmt: skip
    analysis = _document(cast, report)["analysis"]
    assert [f["code"] for f in analysis["contributing_factors"]] == ["OPSO-SIR-CF-COMMUNICATION"]
    assert analysis["actions"] == [
        {"action_type": "forcing_function", "strength": "stronger", "status": "planned",
         "due_on": "2030-01-01", "implemented_on": "2029-06-01"}
    ]  # fmt: skip
    assert "SECRET-ACTION-TEXT" not in json.dumps(analysis)


def test_deliberations_never_appear_in_a_document(cast):
    cast_deliberations(cast)  # a committee note with CANARY-DELIBERATION-<key> on every cast event
    for key in cast_events(cast):
        report = cast.reports[key]
        agreement = _agreement(report)
        agreement.shared_fields = ["narrative", "location_detail", "reporter_role", "analysis"]
        assert "CANARY-DELIBERATION" not in json.dumps(build_document(report, agreement))


def test_the_version_is_the_sha256_of_the_canonical_json(cast):
    report = cast.reports["r1"]
    first, again = _document(cast, report), _document(cast, report)
    assert version_of(first) == version_of(again)
    assert len(version_of(first)) == 64
    assert version_of({**first, "harm": ""}) != version_of(first)
    assert version_of(dict(reversed(list(first.items())))) == version_of(first)


def test_an_event_outside_the_agreements_categories_is_refused_with_the_reason(cast):
    report = file(cast.users["reporter"], categories=["A48", "A44"])
    refusal = refusal_of(report, agreement_in_force(report.provider))
    assert refusal is not None
    assert refusal.field == "categories"
    assert "A44" in refusal.reason
    assert "outside the member agreement" in refusal.reason
