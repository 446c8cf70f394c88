"""The register's pages: the PSO's administrators only, forms that name fields, every change audited."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.audit.models import AuditEvent
from openpso.compliance.models import Listing, RelationshipDisclosure, SecurityAssessment
from openpso.compliance.tests.fixtures import cast_assessments, cast_disclosures

PAGES = ("/compliance/", "/compliance/listing/", "/compliance/disclosures/new/", "/compliance/assessments/new/")
OUTSIDERS = ["pso_analyst", "auditor", "safety_manager", "reporter", "system_safety_officer"]


def test_the_pso_admin_sees_the_register_with_flags_in_words(cast, client_for):
    response = client_for("pso_admin").get("/compliance/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Action needed" in body  # no listing, no assessment yet: red, said in words
    assert 'data-level="red"' in body
    assert "Cast General Hospital" in body  # agreements of the network


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_but_the_pso_admin_gets_404(cast, client_for, who):
    client = client_for(who)
    for path in PAGES:
        assert client.get(path).status_code == 404, (who, path)
    disclosure = cast_disclosures(cast)["pso1"]
    assert client.post(f"/compliance/disclosures/{disclosure.pk}/", {}).status_code == 404


def test_another_psos_admin_cannot_reach_our_entries(cast, client_for):
    client = client_for("admin_pso2")
    ours = cast_disclosures(cast)["pso1"], cast_assessments(cast)["pso1"]
    assert client.get(f"/compliance/disclosures/{ours[0].pk}/").status_code == 404
    assert client.post(f"/compliance/assessments/{ours[1].pk}/", {"assessor": "x"}).status_code == 404
    body = client.get("/compliance/").content.decode()
    assert "Cast General Hospital" not in body


def test_recording_the_listing_derives_a_three_year_expiry_and_is_audited(cast, client_for):
    response = client_for("pso_admin").post("/compliance/listing/", {"initial_listing_date": "2024-03-15"})
    assert response.status_code == 302
    listing = Listing.objects.get(pso=cast.orgs["pso1"])
    assert listing.expires_on == dt.date(2027, 3, 15)
    event = AuditEvent.objects.get(action="compliance.listing_created", object_id=str(listing.pk))
    assert event.actor_id == cast.users["pso_admin"].pk
    assert event.organization_id == cast.orgs["pso1"].pk
    assert event.detail == {"fields": ["initial_listing_date"]}


def test_changing_a_disclosure_is_audited_with_field_names_only(cast, client_for):
    disclosure = cast_disclosures(cast)["pso1"]
    response = client_for("pso_admin").post(
        f"/compliance/disclosures/{disclosure.pk}/",
        {
            "provider": disclosure.provider_id,
            "kind": disclosure.kind,
            "description": "Secret grant terms",
            "began_on": "2025-03-10",
            "submitted_on": "2025-04-01",
        },
    )
    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.submitted_on == dt.date(2025, 4, 1)
    event = AuditEvent.objects.get(action="compliance.disclosure_changed", object_id=str(disclosure.pk))
    assert event.detail == {"fields": ["description", "submitted_on"]}
    assert "Secret" not in str(event.detail)


def test_a_disclosure_for_another_networks_provider_is_refused_by_field(cast, client_for):
    response = client_for("pso_admin").post(
        "/compliance/disclosures/new/",
        {"provider": cast.orgs["p3"].pk, "kind": "financial", "description": "x", "began_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not RelationshipDisclosure.objects.filter(provider=cast.orgs["p3"], pso=cast.orgs["pso1"]).exists()


def test_form_errors_name_the_field_and_the_reason(cast, client_for):
    client = client_for("pso_admin")
    response = client.post(
        "/compliance/assessments/new/",
        {"performed_on": "2025-06-01", "scope": "all", "assessor": "team", "result": "ok", "next_due": "2025-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Next assessment due</a>: The next assessment must be due after this one." in body
    response = client.post("/compliance/listing/", {"initial_listing_date": "2024-03-15", "expires_on": "2023-01-01"})
    assert "The expiry must come after the initial listing date." in response.content.decode()
    assert not Listing.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="compliance.").exists()


def test_an_assessment_without_a_due_date_is_due_a_year_later(cast, client_for):
    client_for("pso_admin").post(
        "/compliance/assessments/new/",
        {"performed_on": "2025-06-01", "scope": "all", "assessor": "team", "result": "ok"},
    )
    assessment = SecurityAssessment.objects.get(pso=cast.orgs["pso1"])
    assert assessment.next_due == dt.date(2026, 6, 1)
    assert AuditEvent.objects.filter(action="compliance.assessment_created", object_id=str(assessment.pk)).exists()


def test_a_future_assessment_date_is_refused(cast, client_for):
    response = client_for("pso_admin").post(
        "/compliance/assessments/new/",
        {"performed_on": "2999-01-01", "scope": "all", "assessor": "team", "result": "ok"},
    )
    assert "This date is in the future" in response.content.decode()
    assert not SecurityAssessment.objects.exists()
