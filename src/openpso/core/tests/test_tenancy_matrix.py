"""Every role × own/foreign organisation × every page and API route (invariant 1).

Routes are discovered from the URL configuration, so a new route joins the matrix by
itself; a route with a parameter the matrix does not know fails until it is taught here.
Foreign objects must answer 404 (never 403, never data), and no page may show a foreign
object's canary text or id.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openpso.compliance.tests.fixtures import REGISTER_PARAMS, cast_assessments, cast_disclosures, cast_register_entries
from openpso.core.tests import tenancy_policy as policy
from openpso.feedback.tests.fixtures import cast_alerts, cast_reports, cast_targets
from openpso.lake.files import lake_root
from openpso.lake.tests.export_fixtures import cast_release_exports
from openpso.pses.tests.fixtures import EVENT_REPORTS, cast_clock_rules, cast_deliberations, cast_events
from openpso.pses.tests.rca_fixtures import cast_actions
from openpso.reporting.bulk_import.tests.fixtures import cast_imports
from openpso.submissions.tests.fixtures import cast_questions, cast_submissions
from openpso.testing.cast import CAST_ROLES, Cast


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]


def _walk(patterns: Sequence[object], namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(f"{namespace}{entry.name}", tuple(sorted(entry.pattern.regex.groupindex)))


ALL_ROUTES = sorted(set(_walk(get_resolver().url_patterns)), key=lambda r: (r.name, r.params))
# allauth's token routes (password-reset keys) carry no tenant data; every other route is ours.
ACCOUNT_TOKEN_PARAMS = {("key", "uidb36"), ("key",)}
KNOWN_PARAMS = {
    ("report_id",),
    ("slug",),
    ("provider",),
    ("slug", "unit_id"),
    ("agreement_id", "slug"),
    ("membership_id", "slug"),
    ("family", "name"),  # Common Formats definitions: the same for everyone, not tenant data
    ("event_id",),  # PSES safety events
    ("rule_id",),  # PSES clock rules
    ("deliberation_id",),  # PSES deliberations (PSWP at creation)
    ("action_id",),  # RCA² action plan items
    ("submission_id",),  # the PSO's copy of a submitted event (PSO inbox, health-system view)
    ("question_id",),  # PSO questions to providers
    ("disclosure_id",),  # compliance register: relationship disclosures of a PSO
    ("assessment_id",),  # compliance register: security risk assessments of a PSO
    *((name,) for name in REGISTER_PARAMS),  # compliance register: BAAs, training, policies, delisting
    ("panel_id",),  # analytics: a panel's CSV of the PSO's pool
    ("panel_id", "slug"),  # analytics: a panel's CSV of a provider's or a system's dashboard
    ("signal_id",),  # analytics: the pooled events behind a pool signal
    ("alert_id",),  # feedback: a PSO's safety alerts
    ("target_id",),  # feedback: one member's copy of an alert and its answer
    ("job_id",),  # lake: a Bulk Data export of a PSO's release data (its status; DELETE cancels)
    ("file_name", "job_id"),  # lake: that export's NDJSON file
    ("feedback_report_id",),  # feedback: generated reports
    ("import_id",),  # reporting: a provider's bulk import from its incident system
}


def test_every_route_with_parameters_is_known_to_the_matrix():
    unknown = [r for r in ALL_ROUTES if r.params and r.params not in KNOWN_PARAMS | ACCOUNT_TOKEN_PARAMS]
    assert not unknown, f"teach the tenancy matrix these routes: {unknown}"


def test_every_page_without_parameters_has_a_declared_audience():
    ours = [r.name for r in ALL_ROUTES if not r.params and not r.name.startswith(("account_", "mfa_"))]
    undeclared = [n for n in ours if n not in policy.PAGE_ACCESS and n not in policy.POST_ONLY]
    assert not undeclared, f"declare who may open these pages in tenancy_policy.PAGE_ACCESS: {undeclared}"


def _forbidden_markers(cast: Cast, who: str, route_name: str) -> list[str]:
    markers = []
    for key, report in cast.reports.items():
        if not policy.report_visible(cast, who, key) and not policy.submitted_report_visible(
            cast, who, key, route_name
        ):
            markers.append(f"CANARY-REPORT-{key}")
            if not policy.report_id_in_trail(cast, who, key, route_name):
                markers.append(str(report.pk))
    for key in cast.orgs:
        if not policy.org_name_visible(cast, who, key) and not policy.org_name_public(cast, route_name, key):
            markers.append(f"CANARY-ORG-{key}")
    for key in EVENT_REPORTS:
        if not policy.deliberation_visible(cast, who, key):
            markers.append(f"CANARY-DELIBERATION-{key}")
        if not policy.rca_action_visible(cast, who, key):
            markers.append(f"CANARY-RCA-{key}")
    return markers


def _assert_nothing_foreign(cast: Cast, who: str, url: str, body: str, route_name: str) -> None:
    leaked = [m for m in _forbidden_markers(cast, who, route_name) if m in body]
    assert not leaked, f"{who} saw foreign data at {url}: {leaked}"


@pytest.mark.parametrize("who", CAST_ROLES)
def test_pages_without_parameters_show_each_role_only_its_own(cast, client_for, who):
    cast_questions(cast)  # every cast report submitted, with a question on each: lists are not empty
    cast_disclosures(cast)  # the compliance register lists them
    cast_assessments(cast)
    cast_register_entries(cast)
    client = client_for(who)
    for route in ALL_ROUTES:
        if route.params:
            continue
        url = reverse(route.name)
        response = client.get(url)
        assert response.status_code != 403, f"{url} answered 403 to {who}; foreign must look absent (404)"
        assert response.status_code < 500, f"{url} failed for {who}"
        _assert_nothing_foreign(cast, who, url, response.getvalue().decode(), route.name)
        if route.name in policy.POST_ONLY:
            assert response.status_code == 405, url
        elif route.name in policy.PAGE_ACCESS:
            audience = policy.PAGE_ACCESS[route.name]
            expected = 200 if audience == "all" or who in audience else 404
            assert response.status_code == expected, f"{url} for {who}: {response.status_code} != {expected}"


def _object_urls(cast: Cast, route: Route) -> Iterator[tuple[str, str]]:
    """(url, key of the object it names) for every object of the route's kind, own and foreign."""
    if route.params == ("report_id",):
        for key, report in cast.reports.items():
            yield reverse(route.name, kwargs={"report_id": report.pk}), f"report:{key}"
    elif route.params == ("slug",):
        for key, org in cast.orgs.items():
            yield reverse(route.name, kwargs={"slug": org.slug}), f"org:{key}"
    elif route.params == ("provider",):
        for key, org in cast.orgs.items():
            yield reverse(route.name, kwargs={"provider": org.slug}), f"provider:{key}"
    elif route.params == ("event_id",):
        for key, event in cast_events(cast).items():
            yield reverse(route.name, kwargs={"event_id": event.pk}), f"event:{key}"
    elif route.params == ("rule_id",):
        for key, rule in cast_clock_rules(cast).items():
            yield reverse(route.name, kwargs={"rule_id": rule.pk}), f"rule:{key}"
    elif route.params == ("deliberation_id",):
        for key, deliberation in cast_deliberations(cast).items():
            yield reverse(route.name, kwargs={"deliberation_id": deliberation.pk}), f"deliberation:{key}"
    elif route.params == ("action_id",):
        for key, action in cast_actions(cast).items():
            yield reverse(route.name, kwargs={"action_id": action.pk}), f"action:{key}"
    elif route.params == ("submission_id",):
        for key, submission in cast_submissions(cast).items():
            yield reverse(route.name, kwargs={"submission_id": submission.pk}), f"submission:{key}"
    elif route.params == ("question_id",):
        for key, question in cast_questions(cast).items():
            yield reverse(route.name, kwargs={"question_id": question.pk}), f"question:{key}"
    elif route.params == ("disclosure_id",):
        for key, disclosure in cast_disclosures(cast).items():
            yield reverse(route.name, kwargs={"disclosure_id": disclosure.pk}), f"compliance:{key}"
    elif route.params == ("assessment_id",):
        for key, assessment in cast_assessments(cast).items():
            yield reverse(route.name, kwargs={"assessment_id": assessment.pk}), f"compliance:{key}"
    elif len(route.params) == 1 and route.params[0] in REGISTER_PARAMS:
        for key, entry in cast_register_entries(cast)[route.params[0]].items():
            yield reverse(route.name, kwargs={route.params[0]: entry.pk}), f"compliance:{key}"
    elif route.params == ("alert_id",):
        for key, alert in cast_alerts(cast).items():
            yield reverse(route.name, kwargs={"alert_id": alert.pk}), f"alert:{key}"
    elif route.params == ("target_id",):
        for key, target in cast_targets(cast).items():
            yield reverse(route.name, kwargs={"target_id": target.pk}), f"alert_target:{key}"
    elif route.params == ("job_id",):
        for key, job in cast_release_exports(cast).items():
            yield reverse(route.name, kwargs={"job_id": job.pk}), f"release_export:{key}"
    elif route.params == ("file_name", "job_id"):
        for key, job in cast_release_exports(cast).items():
            kwargs = {"job_id": job.pk, "file_name": job.files[0]["name"]}
            yield reverse(route.name, kwargs=kwargs), f"release_export:{key}"
    elif route.params == ("feedback_report_id",):
        for key, feedback_report in cast_reports(cast).items():
            yield reverse(route.name, kwargs={"feedback_report_id": feedback_report.pk}), f"feedback_report:{key}"
    elif route.params == ("import_id",):
        for key, job in cast_imports(cast).items():
            yield reverse(route.name, kwargs={"import_id": job.pk}), f"import:{key}"
    elif route.params == ("panel_id",):
        yield reverse(route.name, kwargs={"panel_id": "rate"}), "lake:-"
    elif route.params == ("signal_id",):
        yield reverse(route.name, kwargs={"signal_id": "0123456789ab"}), "lake:-"
    elif route.params == ("panel_id", "slug"):
        for key, org in cast.orgs.items():
            yield reverse(route.name, kwargs={"slug": org.slug, "panel_id": "rate"}), f"lake:{key}"
    elif route.params == ("family", "name"):
        for key in ("cfer-h-1.2/medication", "openpso-ext/ems-1.0", "cfer-h-9.9/no-such-form"):
            family, name = key.split("/")
            yield reverse(route.name, kwargs={"family": family, "name": name}), f"form:{key}"
    else:
        child_param = next(p for p in route.params if p != "slug")
        tables: dict[str, dict[str, Any]] = {
            "unit_id": cast.units,
            "agreement_id": cast.agreements,
            "membership_id": cast.memberships,
        }
        children = tables[child_param]
        for org_key, org in cast.orgs.items():
            for child_key, child in children.items():
                yield (
                    reverse(route.name, kwargs={"slug": org.slug, child_param: child.pk}),
                    f"child:{org_key}:{child_key}",
                )


def _child_belongs(cast: Cast, org_key: str, child_key: str, route: Route) -> bool:
    org = cast.orgs[org_key]
    if "unit_id" in route.params:
        return cast.units[child_key].provider_id == org.pk
    if "agreement_id" in route.params:
        return cast.agreements[child_key].provider_id == org.pk
    return cast.memberships[child_key].organization_id == org.pk


def _visible(cast: Cast, who: str, route: Route, target: str) -> bool:
    kind, *keys = target.split(":")
    if kind == "report" and route.name in policy.PSES_REPORT_ROUTES:
        return policy.report_in_pses(cast, who, keys[0])
    if kind == "report" and route.name in policy.SUBMITTER_REPORT_ROUTES:
        return policy.report_submitted_by(cast, who, keys[0])
    if kind == "report":
        return policy.report_visible(cast, who, keys[0])
    if kind == "event":
        return policy.event_visible(cast, who, keys[0])
    if kind == "deliberation":
        return policy.deliberation_visible(cast, who, keys[0])
    if kind == "action":
        return policy.rca_action_visible(cast, who, keys[0])
    if kind == "rule":
        return policy.clock_rule_visible(cast, who, keys[0])
    if kind == "submission" and route.name.startswith("system:"):
        return policy.system_submission_visible(cast, who, keys[0])
    if kind == "submission":
        return policy.submission_visible_to_pso(cast, who, keys[0])
    if kind == "question":
        return policy.question_visible(cast, who, keys[0])
    if kind == "compliance":
        return policy.compliance_entry_visible(cast, who, keys[0])
    if kind == "alert":
        return policy.alert_visible(cast, who, keys[0])
    if kind == "alert_target":
        return policy.alert_target_visible(cast, who, keys[0])
    if kind == "release_export":
        return policy.release_export_visible(cast, who, keys[0])
    if kind == "feedback_report":
        return policy.feedback_report_visible(cast, who, keys[0], keys[1])
    if kind == "import":
        return policy.import_visible(cast, who, keys[0])
    if kind == "lake":
        return False  # no lake in this matrix: nothing to download or drill into
    if route.name in policy.ANALYTICS_ORG_PAGES or route.name in policy.ANALYTICS_NEEDS_LAKE:
        return policy.analytics_dashboard_visible(cast, who, route.name, keys[0])
    if kind == "form":
        return not keys[0].endswith("no-such-form")
    if kind == "provider" and route.name in policy.PROVIDER_DIRECTORY:
        return policy.takes_anonymous_reports(cast, keys[0])
    if kind == "provider" and route.name in policy.PSES_PROVIDER_ROUTES:
        return policy.works_in_pses_of(cast, who, keys[0])
    if kind == "provider" and route.name in policy.SAFETY_MANAGER_PROVIDER_ROUTES:
        return policy.manages_safety_of(cast, who, keys[0])
    if kind == "provider":
        return policy.reports_for_provider(cast, who, keys[0])
    if route.name in policy.PSO_ADMIN_OWN_ROUTES:
        return policy.administers_pso(cast, who, keys[0])
    if route.name in policy.SYSTEM_OFFICER_OWN_ROUTES:
        return policy.officer_of_system(cast, who, keys[0])
    org_key = keys[0]
    if not policy.org_managed(cast, who, org_key):
        return False
    org = cast.orgs[org_key]
    if route.name == "organizations:org-edit" and org.kind == "pso":
        return False  # the PSO's own record is the operator's, not the administrator's
    if kind == "child":
        return org.kind == "provider" or (
            "membership_id" in route.params and _child_belongs(cast, org_key, keys[1], route)
        )
    if route.name in {"organizations:unit-new", "organizations:agreement-new"}:
        return org.kind == "provider"
    return True


POST_ONLY_OBJECT_ROUTES = {
    "organizations:member-remove",
    "reporting:draft-save",
    "reporting:draft-discard",
    "reporting:suggest",  # the report form's suggested codes: the narrative is POSTed (issue 18 item 3)
    "channel:follow-up-post",
    "channel:my-report-reply",
    "channel:my-request-answer",
    "pses:event-link",
    "pses:event-unlink",
    "pses:event-assign",
    "pses:event-status",
    "pses:event-addendum",
    "pses:event-correction",
    "pses:event-what-changed",
    "pswp:drop-out",
    "pses:rca-start",
    "pses:rca-finish",
    "pses:rca-team-add",
    "pses:rca-team-remove",
    "pses:rca-fact-add",
    "pses:rca-statement-add",
    "pses:rca-root-cause-add",
    "pses:rca-factors",
    "pses:rca-entry-remove",
    "pses:rca-action-new",
    "pses:rca-action-review",
    "nonid:span-add",
    "nonid:span-remove",
    "nonid:approve",
    "feedback:alert-withdraw",
    "feedback:member-acknowledge",
    "api:alert-acknowledge",
    "api:question-answer",
}


# The object-route matrix is the suite's longest check (about 1,200 requests per role), so its
# roles are split over three test files that `--dist loadfile` can hand to different workers:
# this one, test_tenancy_matrix_providers.py and test_tenancy_matrix_pso_staff.py. Each runs
# check_object_routes for its group; together they cover every cast role (checked below).
OBJECT_ROUTE_ROLE_GROUPS = (
    ("reporter", "safety_manager", "pses_committee"),  # this file
    ("system_safety_officer", "provider_auditor", "manager_p2"),  # test_tenancy_matrix_providers.py
    ("pso_analyst", "pso_admin", "auditor", "admin_pso2"),  # test_tenancy_matrix_pso_staff.py
)


def test_the_object_route_matrix_covers_every_cast_role_once():
    grouped = [who for group in OBJECT_ROUTE_ROLE_GROUPS for who in group]
    assert sorted(grouped) == sorted(CAST_ROLES), "put each cast role in one OBJECT_ROUTE_ROLE_GROUPS group"


@pytest.mark.parametrize("who", OBJECT_ROUTE_ROLE_GROUPS[0])
def test_object_routes_answer_404_for_anything_foreign(cast, client_for, who):
    check_object_routes(cast, client_for(who), who)


def check_object_routes(cast: Cast, client: Client, who: str) -> None:
    """Every route with parameters × every object of its kind, own and foreign, for `who`."""
    # The matrix holds no lake (`_visible`: lake targets are never readable), but the worker's
    # data directory outlives a test file: a pool refreshed by an earlier file on the same worker
    # made the PSO's own panel CSV answer 200 (CI at c33c425). Start from no lake, always.
    shutil.rmtree(lake_root(), ignore_errors=True)
    checked = 0
    for route in ALL_ROUTES:
        if not route.params or route.params in ACCOUNT_TOKEN_PARAMS:
            continue
        for url, target in _object_urls(cast, route):
            visible = _visible(cast, who, route, target)
            if target.startswith("child:"):
                _, org_key, child_key = target.split(":")
                visible = visible and _child_belongs(cast, org_key, child_key, route)
            response = client.get(url)
            body = response.getvalue().decode()  # a file download streams (FileResponse)
            if route.name in POST_ONLY_OBJECT_ROUTES:
                assert response.status_code == 405, f"GET {url} for {who}"
            elif visible:
                assert response.status_code == 200, f"{who} should read {url} ({target}), got {response.status_code}"
            else:
                assert response.status_code == 404, f"{who} got {response.status_code} for foreign {url} ({target})"
            _assert_nothing_foreign(cast, who, url, body, route.name)
            if not visible:
                # Writes to foreign objects look exactly like writes to missing ones.
                post = client.post(url, {})
                assert post.status_code in {404, 405}, f"POST {url} by {who} gave {post.status_code}"
            checked += 1
    assert checked > 0
