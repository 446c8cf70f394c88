"""Unfinished reports are kept on the server for signed-in reporters and restored later."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from openpso.reporting.models import ReportDraft


def _draft_url(cast, key="p1"):
    return f"/reports/new/{cast.orgs[key].slug}/draft/"


def test_a_draft_is_saved_as_the_reporter_types_and_restored_later(cast, client_for):
    client = client_for("reporter")
    response = client.post(_draft_url(cast), {"narrative": "Patient found on the floor by", "categories": ["A48"]})
    assert response.status_code == 200
    assert response.content.decode().startswith("Draft saved at")
    page = client.get("/reports/new/").content.decode()
    assert "We restored the report you had not finished" in page
    assert "Patient found on the floor by" in page
    assert re.search(r'<input type="checkbox" name="categories" value="A48"[^>]*checked', page)


def test_a_draft_is_encrypted_at_rest(cast, client_for):
    client_for("reporter").post(_draft_url(cast), {"narrative": "Mrs Quill fell in room 12"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM reporting_reportdraft")
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc2:")
    assert "Quill" not in stored


def test_filing_the_report_removes_the_draft(cast, client_for):
    from openpso.reporting.tests.test_report_pages import _form

    client = client_for("reporter")
    client.post(_draft_url(cast), {"narrative": "half typed"})
    client.post("/reports/new/", _form(cast))
    assert not ReportDraft.objects.exists()


def test_a_filing_that_fails_on_the_way_keeps_the_draft(cast, client_for, monkeypatch):
    # The draft goes in the filing's transaction: a filing that does not commit leaves it.
    from openpso.reporting import actions
    from openpso.reporting.tests.test_report_pages import _form

    def failing_create(**kwargs):
        raise RuntimeError("the database went away mid-filing")

    client = client_for("reporter")
    client.post(_draft_url(cast), {"narrative": "half typed"})
    monkeypatch.setattr(actions, "_create", failing_create)
    with pytest.raises(RuntimeError):
        client.post("/reports/new/", _form(cast))
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).exists()


def test_discarding_a_draft_starts_afresh(cast, client_for):
    client = client_for("reporter")
    client.post(_draft_url(cast), {"narrative": "half typed"})
    response = client.post(f"{_draft_url(cast)}discard/")
    assert response.status_code == 302
    assert not ReportDraft.objects.exists()


def test_drafts_are_personal(cast, client_for):
    client_for("reporter").post(_draft_url(cast), {"narrative": "only mine"})
    assert "only mine" not in client_for("safety_manager").get("/reports/new/").content.decode()


def test_nobody_keeps_drafts_for_a_provider_they_do_not_report_for(cast, client_for):
    assert client_for("reporter").post(_draft_url(cast, "p2"), {"narrative": "x"}).status_code == 404
    assert client_for("pso_analyst").post(_draft_url(cast), {"narrative": "x"}).status_code == 404
    assert not ReportDraft.objects.exists()
