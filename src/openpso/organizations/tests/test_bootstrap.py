"""`openpso bootstrap` makes the first PSO and administrator of an empty database, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from openpso.accounts.models import User
from openpso.audit.models import AuditEvent
from openpso.organizations.models import Membership, Organization, OrgKind
from openpso.organizations.roles import Role

PASSWORD = "Heron-Quarry-Lantern-52"
ARGS = ["--slug", "great-lakes-pso", "--name", "Great Lakes PSO", "--admin-email", "first.admin@pso.test"]


def _bootstrap(*args: str) -> str:
    out = StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_bootstrap_creates_the_pso_and_an_administrator_who_sets_a_password_from_the_link():
    out = _bootstrap(*ARGS)
    pso = Organization.objects.get(slug="great-lakes-pso")
    assert pso.kind == OrgKind.PSO
    admin = User.objects.get(email="first.admin@pso.test")
    assert Membership.objects.filter(user=admin, organization=pso, role=Role.PSO_ADMIN).exists()
    assert not admin.has_usable_password()
    actions = set(AuditEvent.objects.filter(organization_id=pso.pk).values_list("action", flat=True))
    assert {"organization.bootstrapped", "membership.granted"} <= actions

    link = next(line.strip() for line in out.splitlines() if "/accounts/password/reset/key/" in line)
    client = Client()
    response = client.get(link, follow=True)  # allauth swaps the key for a session token
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    # The link is single-use: a second try is refused and leaves the password as set.
    again = Client().get(link, follow=True)
    assert b"password1" not in again.content


@pytest.mark.django_db
def test_bootstrap_refuses_once_a_pso_administrator_exists():
    _bootstrap(*ARGS)
    with pytest.raises(CommandError, match="already exists"):
        _bootstrap("--slug", "second-pso", "--name", "Second PSO", "--admin-email", "intruder@pso.test")
    assert not Organization.objects.filter(slug="second-pso").exists()
    assert not User.objects.filter(email="intruder@pso.test").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--slug", "great lakes", "--name", "Great Lakes PSO", "--admin-email", "a@pso.test"], "--slug"),
        (["--slug", "glp", "--name", "  ", "--admin-email", "a@pso.test"], "--name"),
        (["--slug", "glp", "--name", "Great Lakes PSO", "--admin-email", "not-an-address"], "--admin-email"),
    ],
)
def test_bootstrap_names_the_field_it_refuses_and_creates_nothing(args, field):
    with pytest.raises(CommandError, match=f"refused, nothing was created: {field}:"):
        _bootstrap(*args)
    assert not Organization.objects.exists()
    assert not User.objects.exists()
