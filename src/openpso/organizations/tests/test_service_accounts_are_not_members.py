"""An API key's service account is no person: the organisation's people list leaves it out, it
cannot be removed from there (revoking the key ends it) and no other role can be given to it."""

from __future__ import annotations

from openpso.accounts.api_keys import issue_key
from openpso.organizations.models import Membership


def _key_account(cast):
    return issue_key(organization=cast.orgs["p1"], role="safety_manager", name="Incident system", actor=None)


def test_the_people_list_leaves_out_api_keys_accounts(cast, client_for):
    issued = _key_account(cast)
    page = client_for("pso_admin").get(f"/manage/{cast.orgs['p1'].slug}/").content.decode()
    assert cast.users["safety_manager"].email in page  # the people are listed
    assert issued.key.service_account.email not in page
    assert f"API key {issued.key.prefix}" not in page


def test_a_keys_membership_cannot_be_removed_from_the_people_page(cast, client_for):
    issued = _key_account(cast)
    membership = Membership.objects.get(user=issued.key.service_account)
    url = f"/manage/{cast.orgs['p1'].slug}/people/{membership.pk}/remove/"
    assert client_for("pso_admin").post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_keys_account_cannot_be_given_another_role(cast, client_for):
    issued = _key_account(cast)
    email = issued.key.service_account.email
    url = f"/manage/{cast.orgs['pso1'].slug}/people/new/"
    refused = client_for("pso_admin").post(url, {"email": email.upper(), "role": "pso_analyst"})
    assert refused.status_code == 200
    assert "API key&#x27;s account, not a person&#x27;s" in refused.content.decode()
    assert list(Membership.objects.filter(user=issued.key.service_account).values_list("role", flat=True)) == [
        "safety_manager"
    ]
