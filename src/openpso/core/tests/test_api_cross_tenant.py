"""The cross-tenant pass over the API (issue 13 item 8): what tenant A made, tenant B cannot reach.

Tenant A (provider p1: its safety manager, and p1's API key) files a report through the API and
submits it to the PSO. Tenant B (provider p2, in another health system: its safety manager, and
p2's API key) then calls every operation whose path names an object, with A's ids: each answers
404, exactly what a missing id gets, so B learns nothing, not even that the id exists (never
200, 403 or 500). B's lists show none of A's ids. The operations are read from the OpenAPI
document, so a new route is covered the day it exists, and one whose path parameters nobody
has classified fails here until someone says what they name.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpso.core.api import api
from openpso.feedback.tests.fixtures import cast_reports, cast_targets
from openpso.lake.tests.export_fixtures import cast_release_exports
from openpso.pses.tests.fixtures import cast_events
from openpso.pses.tests.rca_fixtures import cast_actions
from openpso.submissions.push.keys import issue_key
from openpso.submissions.tests.fixtures import cast_questions
from openpso.testing.cast import Cast

DOC = api.get_openapi_schema(path_prefix="/api/v1/")
CANARY = "CANARY-CROSS-TENANT-A"

# What each path parameter names: the kind of tenant A's object that is put in its place.
# `target_id`: provider p1's copy of a safety alert its PSO sent to p1 and p2 (feedback.AlertTarget).
# `job_id`, `file_name`: a Bulk Data export of PSO pso1's release data, and its NDJSON file.
# `event_id`, `action_id`: p1's safety event and an RCA² action of its investigation; `question_id`:
# the PSO's question about a p1 event; `feedback_report_id`: p1's monthly feedback report.
TENANT_OWNED = {
    "report_id": "report",
    "target_id": "alert_target",
    "job_id": "export_job",
    "file_name": "export_file",
    "event_id": "safety_event",
    "action_id": "rca_action",
    "question_id": "question",
    "feedback_report_id": "feedback_report",
}
# Who in tenant A reads each kind of object, and who plays tenant B against it by session: the same
# role in the other tenant (a provider in another health system; the other PSO).
OWNER = {
    "report": "safety_manager",
    "alert_target": "safety_manager",
    "export_job": "pso_analyst",
    "export_file": "pso_analyst",
    "safety_event": "safety_manager",
    "rca_action": "safety_manager",
    "question": "safety_manager",
    "feedback_report": "safety_manager",
}
OTHER_TENANT = {"safety_manager": "manager_p2", "pso_analyst": "admin_pso2"}
# Operations whose path names something that belongs to no tenant, the same for every caller.
SHARED = {
    "GET /api/v1/forms/{family}/{name}/questionnaire": "a Common Formats definition, public to every member",
}
KEY_SCHEME = "ProviderKey"
# Small integer ids are compared within their own kind: alert copy 3 and feedback report 3 are different rows.
LIST_KIND = {"/api/v1/alerts": "alert_target", "/api/v1/feedback-reports": "feedback_report"}


def _operations() -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", method, path, operation)
        for path, methods in DOC["paths"].items()
        for method, operation in methods.items()
    ]


def _path_params(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]


def _credentials(operation: dict[str, Any]) -> list[str]:
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    return ["session", "api_key"] if KEY_SCHEME in schemes else ["session"]


WITH_IDS = [
    pytest.param(method, path, credential, id=f"{label} as {credential}")
    for label, method, path, operation in _operations()
    if _path_params(operation) and label not in SHARED
    for credential in _credentials(operation)
]
LISTS = [
    pytest.param(path, credential, id=f"{label} as {credential}")
    for label, method, path, operation in _operations()
    if method == "get" and not _path_params(operation)
    for credential in _credentials(operation)
]


def test_every_operation_with_an_id_in_its_path_is_classified():
    labels = {label for label, *_ in _operations()}
    for label, _method, _path, operation in _operations():
        unknown = set(_path_params(operation)) - set(TENANT_OWNED)
        assert label in SHARED or not unknown, f"{label}: say what {sorted(unknown)} names (TENANT_OWNED or SHARED)"
    assert set(SHARED) <= labels, "SHARED names an operation the API no longer has"
    assert WITH_IDS, "no tenant-owned operation found: the pass would prove nothing"


def _client(cast: Cast, member: str) -> Client:
    client = Client()
    client.force_login(cast.users[member])
    return client


@pytest.fixture
def tenant_a_objects(cast: Cast) -> dict[str, str]:
    """Tenant A's objects, made through the API as A's own clients make them."""
    body = {
        "provider": cast.orgs["p1"].slug,
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "unit": cast.units["p1"].pk,
        "narrative": f"Patient slid from the chair. {CANARY}",
        "harm": "LA21150-0",
        # The Fall module's required questions (DE21 A48), so the PSO accepts the submission.
        "answers": {"Fall/assisted": "OPSO-FALL-UNASSISTED", "Fall/injury": "A18"},
    }
    filed = _client(cast, "safety_manager").post("/api/v1/reports", data=body, content_type="application/json")
    assert filed.status_code == 201, filed.content
    report_id = filed.json()["id"]
    key = issue_key(provider=cast.orgs["p1"], name="Tenant A's system", actor=None)
    submitted = Client().post(
        "/api/v1/submissions",
        data={"events": [report_id]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key.token}",
    )
    assert submitted.json()["accepted"] == 1, submitted.content
    # The PSO's alert reached p1 and p2 alike; each has its own copy, so B is told nothing of A's.
    export = cast_release_exports(cast)["pso1"]
    return {
        "report": report_id,
        "alert_target": str(cast_targets(cast)["p1"].pk),
        "export_job": str(export.pk),
        "export_file": export.files[0]["name"],
        "safety_event": str(cast_events(cast)["r1"].pk),
        "rca_action": str(cast_actions(cast)["r1"].pk),
        "question": str(cast_questions(cast)["r1"].pk),
        "feedback_report": str(cast_reports(cast)["provider_monthly:p1"].pk),
    }


@pytest.fixture
def tenant_b(cast: Cast) -> dict[str, tuple[Client, dict[str, str]]]:
    key = issue_key(provider=cast.orgs["p2"], name="Tenant B's system", actor=None)
    return {
        "session": (_client(cast, "manager_p2"), {}),
        "api_key": (Client(), {"HTTP_AUTHORIZATION": f"Bearer {key.token}"}),
    }


def _url(path: str, objects: dict[str, str]) -> str:
    for name, kind in TENANT_OWNED.items():
        path = path.replace("{" + name + "}", objects[kind])
    return path


def _call(client: Client, method: str, url: str, headers: dict[str, str]) -> Any:
    if method in {"post", "put", "patch", "delete"}:
        call = getattr(client, method)
        return call(url, data=json.dumps({}), content_type="application/json", **headers)
    return getattr(client, method)(url, **headers)


@pytest.mark.parametrize(("method", "path", "credential"), WITH_IDS)
def test_tenant_b_gets_404_for_tenant_as_objects(cast, tenant_a_objects, tenant_b, method, path, credential):
    url = _url(path, tenant_a_objects)
    owner = OWNER[TENANT_OWNED[next(name for name in TENANT_OWNED if "{" + name + "}" in path)]]
    if method == "get":  # the id is real: its owner reads it
        assert _call(_client(cast, owner), method, url, {}).status_code == 200
    client, headers = tenant_b[credential]
    if credential == "session":
        client = _client(cast, OTHER_TENANT[owner])
    response = _call(client, method, url, headers)
    assert response.status_code == 404, response.content
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize(("path", "credential"), LISTS)
def test_tenant_b_lists_none_of_tenant_as_objects(tenant_a_objects, tenant_b, path, credential):
    client, headers = tenant_b[credential]
    response = client.get(path, **headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert not any(object_id in body for object_id in tenant_a_objects.values() if len(object_id) > 8)
    # A small integer id shows up in any JSON as a substring: compare the items' ids instead.
    page = response.json()
    items = page["items"] if isinstance(page, dict) else page
    listed = {str(v) for item in items for k, v in item.items() if k == "id" or k.endswith("_id")}
    foreign = {v for kind, v in tenant_a_objects.items() if not v.isdigit() or LIST_KIND.get(path) == kind}
    assert not listed & foreign
    assert CANARY not in body
