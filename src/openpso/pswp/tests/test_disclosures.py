"""Disclosures under 42 CFR 3.206(b): a basis always, its conditions met, an immutable log."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.pses.pswp.forms import DisclosureForm
from openpso.pswp import actions
from openpso.pswp.bases import BASES, DisclosureRequest, check_disclosure
from openpso.pswp.models import Disclosure, ProviderAuthorization
from openpso.pswp.tests.helpers import file

SLUG = "t-p1"


def _valid(code: str) -> DisclosureRequest:
    basis = BASES[code]
    conditions: dict[str, Any] = {}
    if basis.reference:
        conditions["reference"] = "Order 2030-17"
    if basis.attestation:
        conditions["attested"] = True
    if code == "PROVIDER_AUTHORIZATION":
        conditions["authorizations"] = [
            {
                "kind": "organization",
                "provider": SLUG,
                "signer": "Dr Chief",
                "signed_on": "2024-05-01",
                "scope": "The fall review, to the board",
                "document": "Vault 7/12",
            }
        ]
    return DisclosureRequest(
        basis=code,
        provider_slug=SLUG,
        recipient_name="Jo Counsel",
        recipient_organization="Counsel LLP",
        purpose="Review",
        onward_use_limit="May not further disclose" if basis.needs_onward_limit else "",
        conditions=conditions,
    )


def _without(req: DisclosureRequest, key: str) -> DisclosureRequest:
    if key == "onward_use_limit":
        return dataclasses.replace(req, onward_use_limit="")
    if key == "recipient_name":
        return dataclasses.replace(req, recipient_name="")
    if key == "recipient_organization":
        return dataclasses.replace(req, recipient_organization="")
    if key == "purpose":
        return dataclasses.replace(req, purpose="")
    condition = "authorizations" if key == "own_authorization" else key
    return dataclasses.replace(req, conditions={k: v for k, v in req.conditions.items() if k != condition})


@pytest.mark.parametrize("code", sorted(BASES))
def test_each_basis_accepts_a_disclosure_that_meets_its_conditions(code):
    assert check_disclosure(_valid(code)) == {}


@pytest.mark.parametrize("code", sorted(BASES))
def test_each_basis_refuses_a_disclosure_missing_any_of_its_conditions(code):
    basis = BASES[code]
    required = ["recipient_name", "recipient_organization", "purpose"]
    required += ["reference"] * bool(basis.reference) + ["attested"] * bool(basis.attestation)
    required += ["onward_use_limit"] * basis.needs_onward_limit
    required += ["own_authorization"] * (code == "PROVIDER_AUTHORIZATION")
    for key in required:
        errors = check_disclosure(_without(_valid(code), key))
        assert key in errors, f"{code} accepted a disclosure without {key}"


def test_business_operations_needs_a_recorded_recipient_and_onward_use_limit():
    assert "onward_use_limit" in check_disclosure(_without(_valid("BUSINESS_OPERATIONS"), "onward_use_limit"))
    assert "recipient_name" in check_disclosure(_without(_valid("BUSINESS_OPERATIONS"), "recipient_name"))


def test_provider_authorization_needs_this_providers_own_signed_authorization():
    other = {
        "kind": "organization",
        "provider": "t-p2",
        "signer": "Dr Other",
        "signed_on": "2024-05-01",
        "scope": "S",
        "document": "File 3",
    }
    req = dataclasses.replace(
        _valid("PROVIDER_AUTHORIZATION"),
        conditions={"identified_providers": [{"kind": "organization", "name": "t-p2"}], "authorizations": [other]},
    )
    assert "own signed authorisation is missing" in check_disclosure(req)["own_authorization"]


_OWN = {
    "kind": "organization",
    "provider": SLUG,
    "signer": "S",
    "signed_on": "2024-05-01",
    "scope": "X",
    "document": "F",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signer": ""}, "missing signer"),
        ({"signed_on": "yesterday"}, "not a date"),
        ({"signed_on": "2999-01-01"}, "future"),
        ({"document": ""}, "missing document"),
        ({"scope": " "}, "missing scope"),
        ({"kind": "person"}, "organisation or a clinician"),
        ({"sha256": "abc"}, "64 hexadecimal"),
    ],
)
def test_provider_authorization_needs_signer_date_scope_and_document_for_each_authorization(change, message):
    req = dataclasses.replace(_valid("PROVIDER_AUTHORIZATION"), conditions={"authorizations": [_OWN | change]})
    errors = check_disclosure(req)
    assert "own_authorization" in errors
    assert message in " ".join(errors.values())


def test_research_with_identifiable_health_information_needs_the_hipaa_waiver():
    req = _valid("RESEARCH")
    with_iihi = dataclasses.replace(req, conditions={**req.conditions, "contains_iihi": True})
    assert "hipaa_reference" in check_disclosure(with_iihi)
    waived = dataclasses.replace(with_iihi, conditions={**with_iihi.conditions, "hipaa_reference": "IRB 42"})
    assert check_disclosure(waived) == {}


def test_a_disclosure_without_a_basis_is_refused_by_the_service(cast):
    report = file(cast.users["reporter"])
    for basis in ("", "HIPAA_TPO"):
        with pytest.raises(actions.DisclosureInvalid) as refused:
            actions.disclose(
                provider=cast.orgs["p1"],
                reports=[report],
                actor=cast.users["safety_manager"],
                request=dataclasses.replace(_valid("BUSINESS_OPERATIONS"), basis=basis),
            )
        assert "basis" in refused.value.errors
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="pswp.disclosed").exists()


def test_a_disclosure_without_a_basis_is_refused_by_the_form():
    form = DisclosureForm({"basis": "", "recipient_name": "A", "recipient_organization": "B", "purpose": "C"})
    assert not form.is_valid()
    assert "basis" in form.errors


def test_a_disclosure_without_a_basis_is_refused_by_the_database(cast):
    with pytest.raises(IntegrityError):
        Disclosure.objects.create(
            provider=cast.orgs["p1"],
            report_ids=[str(cast.reports["r1"].pk)],
            basis="",
            recipient_name="A",
            recipient_organization="B",
            purpose="C",
            disclosed_at=dt.datetime.now(dt.UTC),
        )


def test_a_provider_cannot_disclose_another_providers_report(cast):
    with pytest.raises(actions.DisclosureInvalid) as refused:
        actions.disclose(
            provider=cast.orgs["p1"],
            reports=[cast.reports["r2"]],
            actor=cast.users["safety_manager"],
            request=_valid("BUSINESS_OPERATIONS"),
        )
    assert "reports" in refused.value.errors


def test_a_disclosure_is_logged_audited_and_cannot_be_changed(cast):
    report = file(cast.users["reporter"])
    disclosure = actions.disclose(
        provider=cast.orgs["p1"], reports=[report], actor=cast.users["safety_manager"], request=_valid("FDA")
    )
    audit = AuditEvent.objects.get(action="pswp.disclosed")
    assert audit.detail == {"basis": "FDA", "paragraph": "3.206(b)(7)", "reports": [str(report.pk)]}
    disclosure.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        disclosure.save()
    with pytest.raises(AppendOnlyError):
        disclosure.delete()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.all().update(basis="SECRETARY")
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.all().delete()


def test_the_disclose_page_shows_the_basis_conditions_next_to_the_errors(cast, client_for):
    report = file(cast.users["reporter"])
    client = client_for("safety_manager")
    form = {"basis": "BUSINESS_OPERATIONS", "recipient_name": "Jo", "recipient_organization": "LLP", "purpose": "Audit"}
    page = client.post(f"/pswp/reports/{report.pk}/disclose/", form).content.decode()
    assert "needs the recipient&#x27;s onward-use limit" in page
    assert "not a disclosure" in page  # use inside the provider is an access
    assert not Disclosure.objects.exists()
    form["onward_use_limit"] = "May not further disclose"
    response = client.post(f"/pswp/reports/{report.pk}/disclose/", form)
    assert response.status_code == 302
    assert Disclosure.objects.get().basis == "BUSINESS_OPERATIONS"


def test_the_disclose_page_takes_a_provider_authorization(cast, client_for):
    report = file(cast.users["reporter"])
    form = {
        "basis": "PROVIDER_AUTHORIZATION",
        "recipient_name": "Jo",
        "recipient_organization": "Board",
        "purpose": "Peer review",
        "authorization_signer": "Dr Chief",
        "authorization_signed_on": "2024-05-01",
        "authorization_scope": "The fall review, to the board",
        "authorization_document": "Vault 7/12",
    }
    response = client_for("safety_manager").post(f"/pswp/reports/{report.pk}/disclose/", form)
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    [auth] = ProviderAuthorization.objects.all()
    assert disclosure.conditions["authorization_ids"] == [auth.pk]
    assert (auth.identified_kind, auth.identified_name, auth.signed_by) == ("organization", "t-p1", "Dr Chief")
    assert (auth.signed_on, auth.scope, auth.document_location) == (
        dt.date(2024, 5, 1),
        "The fall review, to the board",
        "Vault 7/12",
    )


def test_the_disclosure_log_counts_by_basis_and_period_and_downloads_as_csv(cast, client_for):
    report = file(cast.users["reporter"])
    for code in ("FDA", "FDA", "SECRETARY"):
        actions.disclose(
            provider=cast.orgs["p1"], reports=[report], actor=cast.users["safety_manager"], request=_valid(code)
        )
    client = client_for("pses_committee")
    page = client.get("/pswp/t-p1/disclosures/").content.decode()
    assert "Counsel LLP" in page
    assert "3.206(b)(7)" in page
    csv = client.get("/pswp/t-p1/disclosures.csv?period=year").content.decode().splitlines()
    year = str(timezone.localdate().year)
    assert csv[0] == "period,basis,paragraph,disclosures"
    assert f"{year},FDA,3.206(b)(7),2" in csv
    assert f'{year},SECRETARY,"3.206(d), 3.210",1' in csv
