"""Property: a PSO disclosure missing any authorisation or condition its basis needs cannot be
logged, and one with all of them can. The table of what each basis needs is written out here,
from 42 CFR 3.206(b) and the PSO's own checks, independent of the code it tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpso.organizations.models import Organization, OrgKind
from openpso.privilege.actions import Refused, log_pso_disclosure
from openpso.privilege.models import PsoDisclosure
from openpso.privilege.tests.helpers import today
from openpso.pswp.bases import DisclosureRequest

# PROVIDER_AUTHORIZATION's signed authorisations are covered by pswp's own properties and by
# test_pso_disclosure_log; the rest of the PSO's bases are drawn here.
NEEDS: dict[str, set[str]] = {
    "CRIMINAL_PROCEEDING": {"reference", "attested"},
    "EQUITABLE_RELIEF": {"reference"},
    "PSA_PROVIDER_PSO": set(),
    "PSA_CONTRACTOR": {"reference", "onward_use_limit", "contract_signed_on"},
    "PSA_OTHER_PSO_OR_PROVIDER": {"attested"},
    "NONIDENTIFIABLE": {"reference", "attested"},
    "RESEARCH": {"reference", "contains_iihi", "identifies_patients"},
    "BUSINESS_OPERATIONS": {"onward_use_limit"},
    "LAW_ENFORCEMENT": {"attested", "onward_use_limit", "identifies_patients"},
    "SECRETARY": {"reference"},
}
ALWAYS = {"recipient_name", "recipient_organization", "purpose"}
PIECES = sorted(ALWAYS | set().union(*NEEDS.values()))
NOT_PSO = ["FDA", "ACCREDITING_BODY", "PSA_AFFILIATED", "", "NO_SUCH_BASIS"]


def _request(basis: str, present: set[str]) -> DisclosureRequest:
    conditions: dict[str, object] = {}
    if "reference" in present:
        conditions["reference"] = "Order 12"
    if "attested" in present:
        conditions["attested"] = True
    if "contract_signed_on" in present:
        conditions["contract_signed_on"] = "2025-01-01"
    if "contains_iihi" in present:
        conditions["contains_iihi"] = False
    if "identifies_patients" in present:
        conditions["identifies_patients"] = False
    return DisclosureRequest(
        basis=basis,
        provider_slug="",
        recipient_name="R. Cipient" if "recipient_name" in present else "",
        recipient_organization="Org" if "recipient_organization" in present else "",
        purpose="Purpose" if "purpose" in present else "",
        onward_use_limit="No further disclosure" if "onward_use_limit" in present else "",
        conditions=conditions,
    )


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    basis=st.sampled_from(sorted(NEEDS) + NOT_PSO),
    present=st.sets(st.sampled_from(PIECES)),
)
def test_a_pso_disclosure_is_logged_exactly_when_every_condition_is_met(basis, present):
    pso, _ = Organization.objects.get_or_create(slug="prop-pso", defaults={"name": "Prop PSO", "kind": OrgKind.PSO})
    before = PsoDisclosure.objects.count()
    allowed = basis in NEEDS and (NEEDS[basis] | ALWAYS) <= present
    try:
        log_pso_disclosure(
            pso=pso,
            actor=None,
            request=_request(basis, present),
            recipient_kind="other",
            description="Some PSWP",
            disclosed_on=today(),
        )
        errors: dict[str, str] = {}
    except Refused as refused:
        errors = refused.errors
    if not allowed:
        missing = (NEEDS.get(basis, set()) | ALWAYS) - present
        # Each refusal names a field: the basis, or one of the missing conditions.
        assert set(errors) & (missing | {"basis"}), f"{basis} with {sorted(present)} was logged: {errors}"
        assert PsoDisclosure.objects.count() == before
    else:
        assert not errors, f"{basis} with {sorted(present)} was refused: {errors}"
        assert PsoDisclosure.objects.count() == before + 1
