"""`openpso orgs` prints slug<TAB>kind<TAB>name, one organisation per line."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from openpso.organizations.models import Organization


def test_orgs_lists_every_organisation_as_tab_separated_lines(cast):
    out = StringIO()
    call_command("orgs", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == Organization.objects.count()
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == 3 for row in rows)
    assert ["t-p1", "provider", "Cast General Hospital"] in rows
    assert {kind for _, kind, _ in rows} == {"pso", "health_system", "provider"}


def test_a_name_with_a_tab_cannot_break_the_format(cast):
    Organization.objects.filter(slug="t-p1").update(name="Cast\tGeneral\nHospital")
    out = StringIO()
    call_command("orgs", stdout=out)
    assert "t-p1\tprovider\tCast General Hospital" in out.getvalue().splitlines()
