"""Every menu item of every role leads to a page that answers, and "Reports" to a list with something
in it for each role that works on reports (issue 12 item 5: no dead ends)."""

from __future__ import annotations

import re

import pytest

from openpso.submissions.tests.fixtures import cast_questions
from openpso.testing.cast import CAST_ROLES

NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def _menu(client) -> dict[str, str]:
    """Menu item text → its link, from the signed-in home page."""
    nav = NAV.search(client.get("/").content.decode())
    assert nav
    return {text.strip(): href for href, text in LINK.findall(nav.group(1))}


@pytest.mark.parametrize("who", CAST_ROLES)
def test_every_menu_item_answers_with_a_page(cast, client_for, who):
    cast_questions(cast)
    client = client_for(who)
    menu = _menu(client)
    assert menu
    for text, href in menu.items():
        response = client.get(href)
        assert response.status_code == 200, f"{who}: menu item {text!r} ({href}) answered {response.status_code}"


def _reports_shown(cast, who: str) -> list[str]:
    """What the role's "Reports" (or "My reports" / "Audit log") item must list in the cast."""
    submissions = cast_questions(cast)
    own = {
        "reporter": [cast.reports["r1"].short_id],
        "safety_manager": [cast.reports["r1"].short_id, cast.reports["r1anon"].short_id],
        "pses_committee": [cast.reports["r1"].short_id],
        "manager_p2": [cast.reports["r2"].short_id],
        "system_safety_officer": [cast.reports["r1"].short_id],  # p1 shares with its system; p1b does not
        "pso_analyst": [submissions["r1"].submission.short_id, submissions["r2"].submission.short_id],
        "pso_admin": [submissions["r1b"].submission.short_id],
        "admin_pso2": [submissions["r3"].submission.short_id],
    }
    return own.get(who, [])


MENU_ITEM = {
    "reporter": "My reports",
    "safety_manager": "Reports",
    "pses_committee": "Reports",
    "manager_p2": "Reports",
    "system_safety_officer": "Reports",
    "pso_analyst": "Reports",
    "pso_admin": "Reports",
    "admin_pso2": "Reports",
}


@pytest.mark.parametrize("who", sorted(MENU_ITEM))
def test_reports_leads_each_role_to_the_reports_it_works_on(cast, client_for, who):
    expected = _reports_shown(cast, who)
    assert expected
    client = client_for(who)
    body = client.get(_menu(client)[MENU_ITEM[who]]).content.decode()
    for short_id in expected:
        assert short_id in body, f"{who}: {short_id} not under {MENU_ITEM[who]!r}"


def test_a_reporter_has_one_list_of_their_reports(cast, client_for):
    menu = _menu(client_for("reporter"))
    assert menu["My reports"] == "/reports/mine/"
    assert "Reports" not in menu


@pytest.mark.parametrize("who", ["pso_analyst", "pso_admin"])
def test_the_pso_staff_reports_item_is_the_inbox(cast, client_for, who):
    menu = _menu(client_for(who))
    assert menu["Reports"] == "/pso/inbox/"
    assert "PSO inbox" not in menu  # one item, not two for the same list


@pytest.mark.parametrize("who", ["auditor", "provider_auditor", "safety_manager", "pso_admin"])
def test_the_audit_log_item_shows_rows_of_the_readers_organisation(cast, client_for, who):
    cast_questions(cast)  # submissions (PSO rows) and the ledger's move to reported (provider rows)
    client = client_for(who)
    body = client.get(_menu(client)["Audit log"]).content.decode()
    assert "No events yet" not in body
    assert "<code>" in body


@pytest.mark.parametrize("who", ["reporter", "pses_committee", "system_safety_officer", "pso_analyst"])
def test_roles_without_an_audit_view_have_no_audit_log_item(cast, client_for, who):
    assert "Audit log" not in _menu(client_for(who))
