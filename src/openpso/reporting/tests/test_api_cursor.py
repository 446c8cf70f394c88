"""`GET /api/v1/reports` and `/api/v1/alerts` by cursor (lib/api_cursor.py): every row once, rows
filed between pages neither repeated nor hiding one; `since` for reports changed since a time;
an edited cursor refused naming `cursor`."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from openpso.feedback.tests.fixtures import cast_targets
from openpso.reporting import answer_actions
from openpso.reporting.queries import reports_for
from openpso.submissions.tests.helpers import file


def _walk(client: Client, url: str, *, between: Any = None, **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(url, query).json()
        seen += [str(item["id"]) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        if between is not None:
            between()


def test_cursor_pages_walk_every_report_once_while_reports_are_filed_between_pages(cast, client_for):
    manager = cast.users["safety_manager"]
    for _ in range(3):
        file(manager)
    before = {str(pk) for pk in reports_for(manager).values_list("pk", flat=True)}
    seen = _walk(client_for("safety_manager"), "/api/v1/reports", between=lambda: file(manager))
    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_since_lists_only_the_reports_filed_or_amended_since(cast, client_for):
    manager = cast.users["safety_manager"]
    amended = file(manager)
    since = timezone.now()
    answer_actions.amend_answers(report=amended, changes={"Fall/assisted": "OPSO-FALL-ASSISTED"}, user=manager)
    new = file(manager)
    seen = _walk(client_for("safety_manager"), "/api/v1/reports", since=since.isoformat())
    assert sorted(seen) == sorted([str(amended.pk), str(new.pk)])


def test_an_edited_cursor_or_one_from_another_list_is_refused_naming_the_field(cast, client_for):
    manager = cast.users["safety_manager"]
    for _ in range(3):
        file(manager)
    client = client_for("safety_manager")
    cursor = client.get("/api/v1/reports", {"limit": 1}).json()["next_cursor"]
    for bad in (cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), "nonsense"):
        response = client.get("/api/v1/reports", {"cursor": bad})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["cursor"]
    other_list = client.get("/api/v1/alerts", {"cursor": cursor})
    assert [e["field"] for e in other_list.json()["errors"]] == ["cursor"]
    both = client.get("/api/v1/reports", {"cursor": cursor, "offset": 1})
    assert [e["field"] for e in both.json()["errors"]] == ["cursor"]


def test_alerts_page_by_cursor_and_offset_still_works(cast, client_for):
    target = cast_targets(cast)["p1"]
    client = client_for("safety_manager")
    assert _walk(client, "/api/v1/alerts") == [str(target.pk)]
    assert client.get("/api/v1/alerts", {"offset": 1}).json()["items"] == []


def test_since_that_is_not_an_iso_8601_time_is_refused_naming_the_field(cast, client_for):
    # Found by the API fuzzing: pydantic read a bare number as Unix seconds (`since=0.5`: 1970).
    client = client_for("safety_manager")
    for value in ("0.5", "1700000000", "yesterday"):
        refused = client.get("/api/v1/reports", {"since": value})
        assert refused.status_code == 422, value
        assert [e["field"] for e in refused.json()["errors"]] == ["since"]
    assert client.get("/api/v1/reports", {"since": "2026-03-14T09:00:00+00:00"}).status_code == 200
