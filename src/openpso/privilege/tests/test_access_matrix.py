"""Role × organisation × page for the privilege pages, with entries in every organisation: each
cast member opens every page for every organisation and sees its own entries only.

The core matrix (core/tests/test_tenancy_matrix.py) checks who reaches each route; this one
fills the registers with canary text so a leak of another organisation's entry shows up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openpso.core.tests import tenancy_policy as policy
from openpso.privilege.actions import log_pso_disclosure, receive_subpoena, record_breach
from openpso.privilege.tests.helpers import VALID, request_for, today
from openpso.testing.cast import CAST_ROLES

PSO_PAGES = ["privilege:pso-disclosures", "privilege:pso-subpoenas", "privilege:pso-breaches"]
PROVIDER_PAGES = ["privilege:subpoenas", "privilege:breaches"]


def _fill(cast) -> None:
    for key in ("pso1", "pso2", "p1", "p2"):
        org = cast.orgs[key]
        receive_subpoena(
            organization=org,
            actor=None,
            kind="subpoena",
            requested_by=f"CANARY-SUBPOENA-{key}",
            forum="Court",
            what_asked="Reports",
            records_reached="Reports",
            served_on=today(),
            respond_by=today(),
        )
        members = [cast.orgs["p1"]] if key == "pso1" else [cast.orgs["p3"]] if key == "pso2" else []
        record_breach(
            organization=org,
            actor=None,
            kind="security_breach",
            what=f"CANARY-BREACH-{key}",
            discovered_on=today(),
            who_affected="Patients",
            affected_providers=members,
        )
    for key in ("pso1", "pso2"):
        log_pso_disclosure(
            pso=cast.orgs[key],
            actor=None,
            request=request_for("SECRETARY", **VALID["SECRETARY"]),
            recipient_kind="secretary",
            description=f"CANARY-DISCLOSURE-{key}",
            disclosed_on=today(),
        )


def _own_markers(cast, who: str) -> set[str]:
    """The canaries `who` may read: its own organisation's, and the notices its PSO sent it."""
    membership = cast.memberships[who]
    own = {k for k, o in cast.orgs.items() if o.pk == membership.organization_id}
    seen: set[str] = set()
    if membership.role == "pso_admin":
        seen |= {f"CANARY-{kind}-{k}" for k in own for kind in ("SUBPOENA", "BREACH", "DISCLOSURE")}
    if membership.role == "safety_manager":
        seen |= {f"CANARY-{kind}-{k}" for k in own for kind in ("SUBPOENA", "BREACH")}
        if "p1" in own:
            seen.add("CANARY-BREACH-pso1")  # pso1's breach named p1: p1 sees the notice
    return seen


@pytest.mark.parametrize("who", CAST_ROLES)
def test_each_role_reaches_its_own_registers_and_sees_no_other_entries(cast, client_for, who):
    _fill(cast)
    client = client_for(who)
    everything = {
        f"CANARY-{kind}-{k}" for k in ("pso1", "pso2", "p1", "p2") for kind in ("SUBPOENA", "BREACH", "DISCLOSURE")
    }
    forbidden = everything - _own_markers(cast, who)
    for name in PSO_PAGES:
        response = client.get(reverse(name))
        expected = 200 if who in policy.PAGE_ACCESS[name] else 404
        assert response.status_code == expected, f"{name} for {who}"
        leaked = [m for m in forbidden if m in response.content.decode()]
        assert not leaked, f"{who} saw {leaked} on {name}"
    for name in PROVIDER_PAGES:
        for key in ("p1", "p1b", "p2", "pso1"):  # own, a sibling, a rival, the PSO (all orgs: core matrix)
            url = reverse(name, kwargs={"provider": cast.orgs[key].slug})
            response = client.get(url)
            expected = 200 if policy.manages_safety_of(cast, who, key) else 404
            assert response.status_code == expected, f"{url} for {who}"
            leaked = [m for m in forbidden if m in response.content.decode()]
            assert not leaked, f"{who} saw {leaked} at {url}"
