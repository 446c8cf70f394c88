"""Provider API keys: scoped to one provider and a role, shown once, stored as a digest, revocable."""

from __future__ import annotations

import hashlib

from openpso.accounts.models import ApiKey
from openpso.submissions.models import Submission
from openpso.submissions.push.keys import issue_key, key_for_token, revoke_key
from openpso.submissions.tests.helpers import URL, post


def test_a_provider_system_submits_with_its_bearer_key(cast, client):
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=cast.users["safety_manager"])
    body = post(client, [str(cast.reports["r1"].pk)], token=issued.token).json()
    assert body["accepted"] == 1
    submission = Submission.objects.get()
    # The key's service account submitted: the submission and the audit trail name that account.
    assert submission.submitted_by == issued.key.service_account
    assert submission.submitted_by.is_service_account
    issued.key.refresh_from_db()
    assert issued.key.last_used_at is not None


def test_a_key_reaches_only_its_own_providers_events(cast, client):
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    result = post(client, [str(cast.reports["r2"].pk)], token=issued.token).json()["results"][0]
    assert result["status"] == "refused"
    assert result["reason"] == "no report of this provider has this id"
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {issued.token}").json()["items"] == []
    assert not Submission.objects.exists()


def test_only_a_digest_of_the_secret_is_stored(cast):
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    scheme, prefix, secret = issued.token.split("_", 2)
    assert (scheme, prefix) == ("opso", issued.key.prefix)
    stored = ApiKey.objects.get()
    assert secret not in stored.digest
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()


def test_a_revoked_or_wrong_key_is_refused_with_401(cast, client):
    issued = issue_key(provider=cast.orgs["p1"], name="Incident system", actor=None)
    wrong = issued.token[:-2] + ("AA" if not issued.token.endswith("AA") else "BB")
    assert post(client, [str(cast.reports["r1"].pk)], token=wrong).status_code == 401
    assert key_for_token("opso_nothing") is None
    revoke_key(key=issued.key, actor=None)
    assert post(client, [str(cast.reports["r1"].pk)], token=issued.token).status_code == 401
    assert not Submission.objects.exists()


def test_the_key_page_shows_a_new_secret_once_and_revokes(cast, client_for):
    client = client_for("safety_manager")
    url = f"/submissions/{cast.orgs['p1'].slug}/keys/"
    made = client.post(url, {"action": "create", "name": "Our incident system", "role": "safety_manager"})
    key = ApiKey.objects.get()
    assert f"opso_{key.prefix}_" in made.content.decode()
    assert made["Cache-Control"].startswith("max-age=0")
    listed = client.get(url).content.decode()
    assert f"opso_{key.prefix}_…" in listed
    assert f"opso_{key.prefix}_" + "x" not in listed
    client.post(url, {"action": "revoke", "key_id": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_another_providers_manager_cannot_reach_the_key_page(cast, client_for):
    url = f"/submissions/{cast.orgs['p1'].slug}/keys/"
    assert client_for("manager_p2").get(url).status_code == 404
    assert client_for("manager_p2").post(url, {"action": "create", "name": "x"}).status_code == 404
    assert not ApiKey.objects.exists()
