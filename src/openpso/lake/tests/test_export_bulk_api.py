"""The Bulk Data pattern over the release data (issue 17 item 2): kick-off, polling with
X-Progress, the manifest and its NDJSON file, cancel; for the PSO's staff only."""

from __future__ import annotations

import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.test import Client

from openpso.lake.exports import jobs
from openpso.lake.exports.models import BulkExport, ExportStatus
from openpso.lake.tests.export_fixtures import build_small_pool
from openpso.organizations.models import Membership
from openpso.organizations.roles import Role
from openpso.testing.cast import TOTP_SECRET

pytestmark = pytest.mark.django_db
KICK_OFF = "/api/v1/release/export?_since=2025-01-01"


@pytest.fixture
def pool():
    return build_small_pool()


def signed_in(organization, role, email):
    user = get_user_model().objects.create_user(email=email, password=None)
    Membership.objects.create(user=user, organization=organization, role=role)
    TOTP.activate(user, TOTP_SECRET)  # PSO staff and safety managers need MFA (accounts.middleware)
    client = Client()
    client.force_login(user)
    return client


def test_the_pso_analyst_kicks_off_polls_and_downloads_the_ndjson(pool):
    client = signed_in(pool.pso, Role.PSO_ANALYST, "analyst@pso.test")
    refused = client.post(KICK_OFF)
    assert refused.status_code == 422
    assert refused.json()["issue"][0]["expression"] == ["Prefer"]
    response = client.post(KICK_OFF, headers={"Prefer": "respond-async"})
    assert response.status_code == 202
    status_url = response["Content-Location"]
    job = BulkExport.objects.get()
    assert status_url.endswith(f"/api/v1/release/export/{job.pk}")
    waiting = client.get(status_url)
    assert (waiting.status_code, waiting["X-Progress"], waiting["Retry-After"]) == (202, "0% (queued)", "5")
    jobs.run(str(job.pk))  # what the background task does
    done = client.get(status_url)
    assert done.status_code == 200
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    assert manifest["error"] == []
    (output,) = manifest["output"]
    assert (output["type"], output["count"]) == ("AdverseEvent", 3)
    download = client.get(output["url"])
    assert download["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert [json.loads(line)["resourceType"] for line in lines] == ["AdverseEvent"] * 3


def test_parameters_are_named_when_refused(pool):
    client = signed_in(pool.pso, Role.PSO_ADMIN, "admin@pso.test")
    async_ = {"Prefer": "respond-async"}
    for query, expression in (("", "_since"), ("?_since=2025-01-01&_type=Patient", "_type")):
        response = client.post(f"/api/v1/release/export{query}", headers=async_)
        assert response.status_code == 422
        assert response.json()["issue"][0]["expression"] == [expression]
    fmt = client.post(f"{KICK_OFF}&_outputFormat=text/csv", headers=async_)
    assert fmt.json()["issue"][0]["expression"] == ["_outputFormat"]


def test_delete_cancels_and_the_status_url_then_answers_404(pool):
    client = signed_in(pool.pso, Role.PSO_ANALYST, "analyst@pso.test")
    status_url = client.post(KICK_OFF, headers={"Prefer": "respond-async"})["Content-Location"]
    assert client.delete(status_url).status_code == 202
    assert BulkExport.objects.get().status == ExportStatus.CANCELLED
    assert client.get(status_url).status_code == 404
    job = jobs.run(str(BulkExport.objects.get().pk))  # a cancelled job is not run
    assert job.status == ExportStatus.CANCELLED
    assert not jobs.folder(job).exists()


def test_anyone_but_the_pso_staff_gets_404(pool):
    analyst = signed_in(pool.pso, Role.PSO_ANALYST, "analyst@pso.test")
    status_url = analyst.post(KICK_OFF, headers={"Prefer": "respond-async"})["Content-Location"]
    jobs.run(str(BulkExport.objects.get().pk))
    file_url = analyst.get(status_url).json()["output"][0]["url"]
    manager = signed_in(pool.providers[0], Role.SAFETY_MANAGER, "manager@p0.test")
    other = build_small_pool(slug="other-pso")
    stranger = signed_in(other.pso, Role.PSO_ADMIN, "admin@other.test")
    for client in (manager, stranger):
        assert client.post(KICK_OFF, headers={"Prefer": "respond-async"}).status_code in (202, 404)
        assert client.get(status_url).status_code == 404
        assert client.get(file_url).status_code == 404
        assert client.delete(status_url).status_code == 404
    assert manager.post(KICK_OFF, headers={"Prefer": "respond-async"}).status_code == 404
    assert BulkExport.objects.get(pk=status_url.rsplit("/", 1)[-1]).status == ExportStatus.DONE
