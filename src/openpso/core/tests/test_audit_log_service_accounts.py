"""The audit-log page and an API key's service account: the rows a key wrote name the key (not an
e-mail no one reads), and the "Who" filter is typed, listing no accounts, and finds them by prefix."""

from __future__ import annotations

from django.test import Client

from openpso.accounts.api_keys import issue_key
from openpso.core.audit_views import AuditFilter, actor_words

URL = "/audit/"


def test_a_keys_reads_are_shown_as_the_key_on_the_audit_page(cast, client_for):
    issued = issue_key(organization=cast.orgs["p1"], role="safety_manager", name="Incident system", actor=None)
    report = cast.reports["r1"]
    assert Client().get(f"/api/v1/reports/{report.pk}", HTTP_AUTHORIZATION=f"Bearer {issued.token}").status_code == 200
    page = client_for("safety_manager").get(URL, {"actor": issued.key.prefix}).content.decode()
    assert f"API key opso_{issued.key.prefix}_… (its service account)" in page
    assert issued.key.service_account.email not in page
    assert f"(user {issued.key.service_account.pk})" in page  # still the account that acted


def test_the_who_filter_is_typed_and_lists_no_accounts():
    field = AuditFilter(object_types=[]).fields["actor"]
    assert not hasattr(field, "choices")
    assert not hasattr(field, "queryset")


def test_a_persons_label_is_shown_as_it_is():
    assert actor_words("nurse@example.org") == "nurse@example.org"
    assert actor_words("system") == "system"
    assert actor_words("key-1a2b3c4d@api-keys.invalid") == "API key opso_1a2b3c4d_… (its service account)"
    assert actor_words("key-1a2b3c4d@api-keys.invalid.example.org") == "key-1a2b3c4d@api-keys.invalid.example.org"
