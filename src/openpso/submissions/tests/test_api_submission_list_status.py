"""GET /api/v1/submissions: each item carries its report's PSWP status, as the one-event route
(`/api/v1/submissions/{report_id}`) gives it, read in the list's own query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpso.pswp.status import PswpStatus
from openpso.submissions.tests.helpers import URL, post


def test_each_listed_submission_carries_the_pswp_status_the_event_route_gives(cast, client_for):
    manager = client_for("safety_manager")
    report = cast.reports["r1"]
    post(manager, [str(report.pk)])
    [item] = manager.get(URL).json()["items"]
    state = manager.get(f"{URL}/{report.pk}").json()
    assert item["event_id"] == str(report.pk)
    assert item["pswp_status"] == state["pswp_status"] == PswpStatus.REPORTED


def test_the_status_costs_no_query_per_listed_submission(cast, client_for):
    manager = client_for("safety_manager")
    post(manager, [str(cast.reports["r1"].pk)])
    with CaptureQueriesContext(connection) as one:
        assert len(manager.get(URL).json()["items"]) == 1
    post(manager, [str(cast.reports["r1anon"].pk)])
    with CaptureQueriesContext(connection) as two:
        assert len(manager.get(URL).json()["items"]) == 2
    assert len(two.captured_queries) == len(one.captured_queries)


def test_the_openapi_document_lists_the_pswp_status_of_each_item(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    items = doc["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schemas[items["$ref"].rsplit("/", 1)[1]]
    item = schemas[page["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert "pswp_status" in item["required"]
    status = item["properties"]["pswp_status"]
    enum = schemas[status["$ref"].rsplit("/", 1)[1]]["enum"] if "$ref" in status else status["enum"]
    assert set(enum) == set(PswpStatus.values)
