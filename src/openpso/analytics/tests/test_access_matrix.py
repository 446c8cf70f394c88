"""Every cast role × own and foreign organisation × every analytics URL (invariant 1).

The policy is written out plainly here, apart from `analytics.access`, so the test compares the
code with the rule rather than with itself: the PSO's analysts and administrators open their own
PSO's pool; a provider's safety manager and PSES committee open that provider's dashboard; a
health system's safety officer opens that system's; nobody else opens any. Anything else answers
404 — never 403, never data — and no page shows a foreign organisation's name.
"""

from __future__ import annotations

import re

import pytest

from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.testing.cast import CAST_ROLES

pytestmark = pytest.mark.django_db

PSO_ROLES = {"pso_analyst", "pso_admin"}
PROVIDER_ROLES = {"safety_manager", "pses_committee"}
SYSTEM_ROLES = {"system_safety_officer"}
LAKE_OF = {"pso1"}  # only the first PSO has pooled data in this test


def _role(cast, who):
    membership = cast.memberships[who]
    return membership.role, membership.organization_id


def allowed(cast, who: str, audience: str, org_key: str | None) -> bool:
    role, org_id = _role(cast, who)
    if audience == "index":
        return role in PSO_ROLES | PROVIDER_ROLES | SYSTEM_ROLES
    org = cast.orgs[org_key]
    if audience == "pso":
        return role in PSO_ROLES and org.kind == "pso" and org.pk == org_id
    if audience == "provider":
        return role in PROVIDER_ROLES and org.kind == "provider" and org.pk == org_id
    return role in SYSTEM_ROLES and org.kind == "health_system" and org.pk == org_id


def has_data(cast, audience: str, org_key: str | None, endpoint: str) -> bool:
    """Pages answer with an empty state without a lake; CSVs and drill-downs need the data."""
    if endpoint == "page":
        return True
    pso = cast.orgs[org_key] if audience == "pso" else cast.orgs[org_key].network
    return pso is not None and pso.slug.removeprefix("t-") in LAKE_OF


def urls(cast, signal: str):
    yield "/analytics/", "index", None, "page"
    for key, org in cast.orgs.items():
        yield f"/analytics/pso/?pso={org.slug}", "pso", key, "page"
        yield f"/analytics/pso/rate.csv?pso={org.slug}", "pso", key, "csv"
        yield f"/analytics/pso/themes.csv?pso={org.slug}", "pso", key, "csv"  # themes over time
        yield f"{signal}?pso={org.slug}", "pso", key, "drill"
        yield f"/analytics/pso/events/?pso={org.slug}&category=A48", "pso", key, "drill"
        yield f"/analytics/provider/{org.slug}/", "provider", key, "page"
        yield f"/analytics/provider/{org.slug}/peers.csv", "provider", key, "csv"
        yield f"/analytics/provider/{org.slug}/events/", "provider", key, "drill"
        yield f"/analytics/system/{org.slug}/", "system", key, "page"
        yield f"/analytics/system/{org.slug}/rate.csv", "system", key, "csv"
        yield f"/analytics/system/{org.slug}/events/", "system", key, "drill"


def foreign_names(cast, who: str) -> list[str]:
    """Canary names a person must never see: organisations neither theirs, nor sharing with their system."""
    role, org_id = _role(cast, who)
    visible = {org_id}
    if role in SYSTEM_ROLES:
        visible |= {cast.orgs["p1"].pk}  # p1 shares with sys1; p1b does not
    if role in PSO_ROLES:
        visible |= {o.pk for o in cast.orgs.values() if o.network_id == org_id}
    return [f"CANARY-ORG-{k}" for k, o in cast.orgs.items() if o.pk not in visible]


def test_each_role_opens_only_its_own_organisations_dashboards(cast, client_for, cast_lake):  # noqa: F811
    page = client_for("pso_analyst").get("/analytics/pso/").content.decode()
    signal = re.search(r'href="(/analytics/pso/signals/[0-9a-f]{12}/)', page).group(1)
    wrong = []
    for who in CAST_ROLES:
        client = client_for(who)
        for url, audience, key, endpoint in urls(cast, signal):
            may = allowed(cast, who, audience, key)
            expected = 200 if may and has_data(cast, audience, key, endpoint) else 404
            response = client.get(url)
            if response.status_code != expected:
                wrong.append(f"{who} {url}: {response.status_code} != {expected}")
            body = response.content.decode(errors="replace")
            leaked = [name for name in foreign_names(cast, who) if name in body]
            if leaked:
                wrong.append(f"{who} {url}: shows {leaked}")
    assert not wrong, "\n".join(wrong)


def test_the_pso_page_without_a_choice_opens_the_persons_own_pso(cast, client_for, cast_lake):  # noqa: F811
    assert "Cast PSO One" in client_for("pso_analyst").get("/analytics/pso/").content.decode()
    assert "Other PSO" in client_for("admin_pso2").get("/analytics/pso/").content.decode()
    for who in CAST_ROLES:
        if _role(cast, who)[0] not in PSO_ROLES:
            assert client_for(who).get("/analytics/pso/").status_code == 404, who


def test_signed_out_visitors_are_sent_to_sign_in(client, cast_lake):  # noqa: F811
    for url in ("/analytics/", "/analytics/pso/", "/analytics/pso/rate.csv", "/analytics/provider/t-p1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
