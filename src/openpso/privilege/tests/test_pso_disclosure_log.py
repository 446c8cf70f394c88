"""The PSO's disclosure log: a basis and every condition, or nothing is logged; accounting
entries per patient for research and law enforcement only; append-only rows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection

from openpso.audit.models import AuditEvent
from openpso.lib.appendonly import AppendOnlyError
from openpso.privilege.accounting import accounting_for
from openpso.privilege.actions import Refused, log_pso_disclosure
from openpso.privilege.bases import ACCOUNTABLE_BASES, PSO_BASIS_CODES, accounting_required
from openpso.privilege.models import AccountingEntry, PsoDisclosure
from openpso.privilege.tests.helpers import VALID, days_ago, request_for, today


def _log(cast, request, **kwargs):
    kwargs.setdefault("recipient_kind", "researcher")
    kwargs.setdefault("description", "Twelve fall events with the PSO's analysis")
    kwargs.setdefault("disclosed_on", today())
    return log_pso_disclosure(pso=cast.orgs["pso1"], actor=cast.users["pso_admin"], request=request, **kwargs)


def _refusal(cast, request, **kwargs) -> dict[str, str]:
    with pytest.raises(Refused) as caught:
        _log(cast, request, **kwargs)
    assert not PsoDisclosure.objects.exists()
    return caught.value.errors


def test_a_disclosure_without_a_basis_is_refused_with_the_basis_named(cast):
    assert "basis" in _refusal(cast, request_for(""))


def test_a_research_disclosure_without_the_secretarys_sanction_is_refused_on_reference(cast):
    conditions = dict(VALID["RESEARCH"], reference="")
    assert set(_refusal(cast, request_for("RESEARCH", **conditions))) == {"reference"}


def test_a_pso_cannot_rely_on_a_providers_own_basis(cast):
    for basis in ("FDA", "ACCREDITING_BODY", "PSA_AFFILIATED"):
        errors = _refusal(cast, request_for(basis, reference="x", attested=True, onward_use_limit="x"))
        assert "a PSO cannot rely on it" in errors["basis"]


def test_a_contractor_disclosure_needs_the_date_of_the_contractors_agreement(cast):
    conditions = {k: v for k, v in VALID["PSA_CONTRACTOR"].items() if k != "contract_signed_on"}
    errors = _refusal(cast, request_for("PSA_CONTRACTOR", **conditions), recipient_kind="contractor")
    assert set(errors) == {"contract_signed_on"}


def test_identifiable_research_needs_the_irb_or_privacy_board_waiver_and_its_date(cast):
    conditions = dict(VALID["RESEARCH"], contains_iihi=True)
    errors = _refusal(cast, request_for("RESEARCH", **conditions))
    assert {"hipaa_reference", "irb_approved_on"} <= set(errors)
    conditions["contains_iihi"] = None
    assert "contains_iihi" in _refusal(cast, request_for("RESEARCH", **conditions))


def test_research_that_identifies_patients_gets_one_accounting_entry_per_patient(cast):
    p1 = cast.orgs["p1"]
    conditions = dict(
        VALID["RESEARCH"], contains_iihi=True, identifies_patients=True, hipaa_reference="IRB 2026-4 waiver"
    )
    conditions["irb_approved_on"] = days_ago(30).isoformat()
    disclosure = _log(cast, request_for("RESEARCH", **conditions), provider=p1, patients=["MRN-001", "MRN-002"])
    entries = AccountingEntry.objects.filter(disclosure=disclosure)
    assert sorted(e.patient_ref for e in entries) == ["MRN-001", "MRN-002"]
    assert {e.provider_id for e in entries} == {p1.pk}
    # The accounting the patient could ask for finds it, spacing and case aside.
    assert [e.disclosure_id for e in accounting_for(p1, " mrn-001 ", today=today())] == [disclosure.pk]
    assert not accounting_for(cast.orgs["p2"], "MRN-001", today=today()).exists()


def test_law_enforcement_disclosures_are_accounted_for(cast):
    conditions = dict(VALID["LAW_ENFORCEMENT"], identifies_patients=True)
    disclosure = _log(
        cast,
        request_for("LAW_ENFORCEMENT", **conditions),
        provider=cast.orgs["p1"],
        patients=["MRN-9"],
        recipient_kind="law_enforcement",
    )
    assert disclosure.accounting.count() == 1


def test_identified_patients_must_be_listed_and_are_refused_for_other_bases(cast):
    conditions = dict(VALID["LAW_ENFORCEMENT"], identifies_patients=True)
    assert "patients" in _refusal(cast, request_for("LAW_ENFORCEMENT", **conditions), provider=cast.orgs["p1"])
    errors = _refusal(cast, request_for("SECRETARY", **VALID["SECRETARY"]), provider=cast.orgs["p1"], patients=["M1"])
    assert "patients" in errors


@pytest.mark.parametrize("basis", sorted(set(VALID) - ACCOUNTABLE_BASES))
def test_other_bases_make_no_accounting_entries(cast, basis):
    _log(cast, request_for(basis, **VALID[basis]), provider=cast.orgs["p1"])
    assert PsoDisclosure.objects.count() == 1
    assert not AccountingEntry.objects.exists()


def test_accounting_is_kept_for_research_law_enforcement_and_fda_only():
    assert {b for b in [*PSO_BASIS_CODES, "FDA"] if accounting_required(b)} == {"RESEARCH", "LAW_ENFORCEMENT", "FDA"}


def test_the_accounting_covers_the_six_years_before_the_request(cast):
    p1 = cast.orgs["p1"]
    conditions = dict(VALID["LAW_ENFORCEMENT"], identifies_patients=True)
    _log(cast, request_for("LAW_ENFORCEMENT", **conditions), provider=p1, patients=["MRN-5"], disclosed_on=days_ago(10))
    assert accounting_for(p1, "MRN-5", today=today()).count() == 1
    assert accounting_for(p1, "MRN-5", today=today() + dt.timedelta(days=365 * 6 + 30)).count() == 0


def test_patient_references_are_encrypted_and_kept_out_of_the_audit_trail(cast):
    conditions = dict(VALID["LAW_ENFORCEMENT"], identifies_patients=True)
    _log(cast, request_for("LAW_ENFORCEMENT", **conditions), provider=cast.orgs["p1"], patients=["MRN-SECRET-77"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT patient_ref, patient_digest FROM privilege_accountingentry")
        stored, digest = cursor.fetchone()
    assert "MRN-SECRET-77" not in stored
    assert "MRN-SECRET-77" not in digest
    event = AuditEvent.objects.get(action="privilege.pso_disclosed")
    assert event.detail["accounting_entries"] == 1
    assert "MRN-SECRET-77" not in str(event.detail)


def test_the_log_is_append_only(cast):
    disclosure = _log(cast, request_for("SECRETARY", **VALID["SECRETARY"]), recipient_kind="secretary")
    disclosure.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        disclosure.save()
    with pytest.raises(AppendOnlyError):
        PsoDisclosure.objects.filter(pk=disclosure.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        disclosure.delete()


def test_a_foreign_provider_cannot_be_named(cast):
    errors = _refusal(cast, request_for("SECRETARY", **VALID["SECRETARY"]), provider=cast.orgs["p3"])
    assert errors["provider"] == "choose one of this PSO's member providers"


def test_a_future_disclosure_date_is_refused(cast):
    request = request_for("SECRETARY", **VALID["SECRETARY"])
    assert "disclosed_on" in _refusal(cast, request, disclosed_on=today() + dt.timedelta(days=1))


def test_the_recipient_is_required(cast):
    request = dataclasses.replace(request_for("SECRETARY", **VALID["SECRETARY"]), recipient_name=" ")
    assert "recipient_name" in _refusal(cast, request)
