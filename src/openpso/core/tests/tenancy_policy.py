"""The access policy written out plainly, independent of the code it checks.

Each function answers "may this cast member see this object?" from the rules in
DESIGN.md and issue 2, so the matrix test compares the code against the policy rather
than against itself.
"""

from __future__ import annotations

from openpso.testing.cast import Cast

PSES = {"safety_manager", "pses_committee"}

AUDIT_READERS = {"auditor", "provider_auditor", "safety_manager", "manager_p2", "pso_admin", "admin_pso2"}

# Which cast members may GET each parameter-less page (others get 404).
PAGE_ACCESS: dict[str, set[str] | str] = {
    "core:home": "all",
    "core:healthz": "all",
    # The audit trail (issue 12 item 5; core/audit_access.py): each organisation's auditor, a
    # provider's safety manager for that provider's rows, a PSO administrator for the PSO's own
    # rows (42 CFR 3.106(b) audit controls). Its CSV has the same audience; verifying is POST.
    "core:audit-log": AUDIT_READERS,
    "core:audit-log-csv": AUDIT_READERS,
    "reporting:report-list": "all",
    "reporting:report-new": {"reporter", "safety_manager", "pses_committee", "manager_p2"},
    "organizations:org-list": {"pso_admin", "admin_pso2"},
    "organizations:org-new": {"pso_admin", "admin_pso2"},
    "api:report-list": "all",
    "api:report-create": "all",  # same path as the list: GET lists, POST files
    "api:openapi-json": "all",
    "api:api-root": set(),
    "api:form-list": "all",  # Common Formats definitions are the same for everyone
    "api:report-create-fhir": set(),  # POST only; GET finds nothing  # /api/v1/ itself is not a resource
    "api:fhir-adverse-event-create": set(),  # POST only (FHIR AdverseEvents in, issue 17 item 1)
    # Bulk Data export of the PSO's release data (issue 17 item 2): the kick-off is a POST of its staff.
    "api:release-export-kickoff": set(),
    # Safety alerts over the API (issue 17 item 4): each caller's own providers' copies, as the
    # inbox page; an empty list for everyone else (an API list is never a 404).
    "api:alert-list": "all",
    # The rest of a provider's or PSO's system (issue 17 item 4): safety events and RCA² actions (the
    # PSES roles' own providers'), the PSO's question threads (the safety manager's and the PSO
    # staff's), feedback reports (read inside their organisation): empty lists for everyone else.
    "api:safety-event-list": "all",
    "api:rca-action-list": "all",
    "api:question-list": "all",
    "api:feedback-report-list": "all",
    # The no-login anonymous channel (issue 3 item 5) is public; "My reports" lists each
    # person's own identified reports (empty for roles that file none).
    "channel:anonymous-start": "all",
    "channel:follow-up": "all",
    "channel:my-reports": "all",
    # The report form's drug-name search (issue 12 item 2): names from a shipped list, nothing
    # of any organisation; the signed-in door for every signed-in user, the anonymous one public.
    "reporting:drug-search": "all",
    "channel:anonymous-drugs": "all",
    # PSES triage: the queue is the provider's safety team's, clock rules its safety
    # manager's; notifications are each person's own (empty for most roles).
    "pses:queue": {"safety_manager", "pses_committee", "manager_p2"},
    "pses:clock-rules": {"safety_manager", "manager_p2"},
    "pses:notifications": "all",
    # Submissions to the PSO (issue 6): the provider's safety manager submits; the PSO's
    # analysts and administrators read their members' events in the inbox; question threads
    # are between the two; a health-system officer sees affiliates' events where shared. The
    # API lists each caller's own provider's submissions (empty for everyone else).
    "submissions:submit": {"safety_manager", "manager_p2"},
    "submissions:questions": {"safety_manager", "manager_p2", "pso_analyst", "pso_admin", "admin_pso2"},
    "inbox:inbox": {"pso_analyst", "pso_admin", "admin_pso2"},
    "inbox:member-status": {"pso_analyst", "pso_admin", "admin_pso2"},
    "system:submissions": {"system_safety_officer"},
    "api:submission-create": "all",  # same path as the list: GET lists, POST submits
    "api:submission-list": "all",
    # Re-identifying a pool pseudonym (42 CFR 3.212(c); issue 12 item 5): the PSO's administrators
    # only, among their own members; analysts study the pool by pseudonym and never see the page.
    "pseudonyms:reidentify": {"pso_admin", "admin_pso2"},
    "pseudonyms:determinations": {"pso_admin", "admin_pso2"},
    # The compliance register (issue 6 item 6) is the PSO administrator's alone.
    "compliance:overview": {"pso_admin", "admin_pso2"},
    "compliance:listing": {"pso_admin", "admin_pso2"},
    "compliance:disclosure-new": {"pso_admin", "admin_pso2"},
    "compliance:assessment-new": {"pso_admin", "admin_pso2"},
    # The PSO's own disclosure log, HIPAA accounting, subpoenas and breaches (issue 15 items 5-6).
    "privilege:index": {"pso_admin", "admin_pso2", "safety_manager", "manager_p2"},
    "privilege:pso-disclosures": {"pso_admin", "admin_pso2"},
    "privilege:pso-disclosure-new": {"pso_admin", "admin_pso2"},
    "privilege:pso-accounting": {"pso_admin", "admin_pso2"},
    "privilege:pso-subpoenas": {"pso_admin", "admin_pso2"},
    "privilege:pso-breaches": {"pso_admin", "admin_pso2"},
    # Issue 15 item 9: BAAs, training, policies and the delisting runbook, the same audience.
    "compliance:baa-new": {"pso_admin", "admin_pso2"},
    "compliance:training-new": {"pso_admin", "admin_pso2"},
    "compliance:policy-new": {"pso_admin", "admin_pso2"},
    "compliance:delisting-new": {"pso_admin", "admin_pso2"},
    # Analytics (issue 7): PSO analysts and administrators study their own PSO's pool; a provider's
    # safety team and a system's safety officer open their own organisation's dashboard.
    "analytics:index": {
        "safety_manager",
        "pses_committee",
        "system_safety_officer",
        "pso_analyst",
        "pso_admin",
        "manager_p2",
        "admin_pso2",
    },
    "analytics:pso": {"pso_analyst", "pso_admin", "admin_pso2"},
    # The pooled events behind the pool's category Pareto (PSO staff): they need a lake, which this
    # matrix has not, so 404 for everyone here; analytics/tests/test_access_matrix.py checks them over one.
    "analytics:pso-events": set(),
    # Similar events in the pool (issue 18 item 4): the PSO analyst's search, counts under the
    # release profile only; the same audience as the PSO dashboard, an empty state without a lake.
    "analytics:pso-similar": {"pso_analyst", "pso_admin", "admin_pso2"},
    # Feedback (issue 7 item 4): the PSO's staff write safety alerts; a member's safety team answers
    # the alerts sent to it; a health-system officer follows its sharing affiliates' answers. Reports
    # are read inside their own organisation; reporters read the "what changed" digest.
    "feedback:alerts": {"pso_analyst", "pso_admin", "admin_pso2"},
    "feedback:alert-new": {"pso_analyst", "pso_admin", "admin_pso2"},
    "feedback:member-alerts": {"safety_manager", "pses_committee", "manager_p2"},
    "feedback:system-alerts": {"system_safety_officer"},
    "feedback:reports": {
        "reporter",
        "safety_manager",
        "pses_committee",
        "system_safety_officer",
        "pso_analyst",
        "pso_admin",
        "manager_p2",
        "admin_pso2",
    },
    "feedback:digest": {"reporter", "safety_manager", "pses_committee", "manager_p2"},
}

# Analytics dashboards of one organisation (issue 7), and the roles that open them there. The
# matrix has no lake: CSVs and drill-downs have nothing to serve and answer 404 for everyone
# (openpso/analytics/tests/test_access_matrix.py checks them over a lake).
ANALYTICS_ORG_PAGES = {"analytics:provider": PSES, "analytics:system": {"system_safety_officer"}}
ANALYTICS_NEEDS_LAKE = {"analytics:provider-events", "analytics:system-events"}


def analytics_dashboard_visible(cast: Cast, who: str, route_name: str, org_key: str) -> bool:
    if route_name in ANALYTICS_NEEDS_LAKE:
        return False
    membership = cast.memberships[who]
    return membership.role in ANALYTICS_ORG_PAGES[route_name] and membership.organization_id == cast.orgs[org_key].pk


# Parameter-less routes that only accept POST (GET answers 405 for everyone).
POST_ONLY: set[str] = {
    "channel:anonymous-passphrase",
    "channel:follow-up-reply",
    "channel:follow-up-answers",  # an anonymous reporter's answers to a request, by status token
    "api:report-create-fhir",
    "api:fhir-adverse-event-create",
    "api:release-export-kickoff",
    "pses:event-new",
    "pses:notifications-read",
    # The queue's action bar and saved filters (issue 12 item 3): POSTs of PSES roles only;
    # the events ticked and the filters named are looked up per person (404 if foreign).
    "pses:queue-bulk",
    # Likely duplicates (issue 18 item 4): both reports looked up among the person's PSES reports.
    "pses:queue-duplicate-link",
    "pses:saved-filter-save",
    "pses:saved-filter-delete",
    "core:audit-verify",
}

# Public pages where an anonymous reporter picks their provider: every provider's name is
# shown to anyone there, by design (names only; issue 3 item 5). Reports stay guarded.
PROVIDER_DIRECTORY = {"channel:anonymous-start", "channel:anonymous-new"}


def takes_anonymous_reports(cast: Cast, org_key: str) -> bool:
    """Any provider takes no-login anonymous reports; PSOs and health systems do not."""
    return cast.orgs[org_key].kind == "provider"


def org_name_public(cast: Cast, route_name: str, org_key: str) -> bool:
    return route_name in PROVIDER_DIRECTORY and takes_anonymous_reports(cast, org_key)


def report_visible(cast: Cast, who: str, report_key: str) -> bool:
    report = cast.reports[report_key]
    membership = cast.memberships[who]
    if membership.role in PSES:
        return report.provider_id == membership.organization_id
    if membership.role == "reporter":
        return report.reporter_id == cast.users[who].pk and not report.anonymous
    if membership.role == "system_safety_officer":
        agreement = cast.agreements.get(next(k for k, o in cast.orgs.items() if o.pk == report.provider_id))
        return report.provider.parent_id == membership.organization_id and bool(agreement and agreement.system_may_view)
    return False  # PSO roles and auditors read no identified report before submission


# A PSO's own API keys (`/pso/<slug>/keys/`): its administrators only, of that PSO only.
PSO_ADMIN_OWN_ROUTES = {"inbox:api-keys"}


# A health system's own API keys (`/system/<slug>/keys/`): its safety officers only, of that system only.
SYSTEM_OFFICER_OWN_ROUTES = {"system:api-keys"}


def officer_of_system(cast: Cast, who: str, org_key: str) -> bool:
    membership = cast.memberships[who]
    org = cast.orgs[org_key]
    officer = membership.role == "system_safety_officer"
    return officer and org.kind == "health_system" and org.pk == membership.organization_id


def administers_pso(cast: Cast, who: str, org_key: str) -> bool:
    membership = cast.memberships[who]
    org = cast.orgs[org_key]
    return membership.role == "pso_admin" and org.kind == "pso" and org.pk == membership.organization_id


def org_managed(cast: Cast, who: str, org_key: str) -> bool:
    membership = cast.memberships[who]
    if membership.role != "pso_admin":
        return False
    org = cast.orgs[org_key]
    return org.pk == membership.organization_id or org.network_id == membership.organization_id


def org_name_visible(cast: Cast, who: str, org_key: str) -> bool:
    """Whether the organisation's name may appear anywhere on a page this person sees."""
    membership = cast.memberships[who]
    org = cast.orgs[org_key]
    if org.pk == membership.organization_id or org_managed(cast, who, org_key):
        return True
    if membership.role in PSO_STAFF and org.network_id == membership.organization_id:
        return True  # a PSO knows its own members: their events reach it identified (issue 6)
    if org.pk == membership.organization.parent_id:
        return True
    return any(report_visible(cast, who, key) and r.provider_id == org.pk for key, r in cast.reports.items())


def reports_for_provider(cast: Cast, who: str, org_key: str) -> bool:
    """Whether this person files reports (and keeps drafts) for the provider."""
    membership = cast.memberships[who]
    return membership.role in {"reporter", *PSES} and membership.organization_id == cast.orgs[org_key].pk


# PSWP pages (issue 4 items 6–7): drop-out, external reports, the PSES policy and
# disclosures are work of the provider's PSES — its safety manager and committee only.
# Reporters and health-system officers who may read a report do not reach these.
PSES_REPORT_ROUTES = {
    "pswp:drop-out",
    "pswp:disclose",
    # Review of a scrubbed narrative (issue 5 item 5): reading the identified narrative and
    # correcting what leaves the provider is PSES work, so the same audience.
    "nonid:review",
    "nonid:span-add",
    "nonid:span-remove",
    "nonid:approve",
    # Completing or correcting a report's coded answers (issue 12 item 1) is PSES work too.
    "reporting:report-answers",
}
# An external report is built from original records, not from a report (issue 15 item 1):
# its form is the provider's page.
PSES_PROVIDER_ROUTES = {
    "pswp:external-list",
    "pswp:external-new",
    "pswp:policy",
    "pswp:disclosure-log",
    "pswp:disclosure-csv",
}


def report_in_pses(cast: Cast, who: str, report_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSES and cast.reports[report_key].provider_id == membership.organization_id


def works_in_pses_of(cast: Cast, who: str, org_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSES and cast.orgs[org_key].pk == membership.organization_id


# PSES triage (issue 4 items 1, 2, 8): safety events belong to the provider's PSES roles,
# clock rules to its safety manager alone.
def event_visible(cast: Cast, who: str, report_key: str) -> bool:
    """The matrix makes one event per report; the PSES roles of its provider see it."""
    membership = cast.memberships[who]
    return membership.role in PSES and cast.reports[report_key].provider_id == membership.organization_id


def clock_rule_visible(cast: Cast, who: str, org_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role == "safety_manager" and cast.orgs[org_key].pk == membership.organization_id


# Deliberations and the Just Culture aid (issue 4 items 4-5): PSWP at creation, readable
# only by the PSES roles of the event's provider. The matrix makes one per cast event.
def deliberation_visible(cast: Cast, who: str, report_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSES and cast.reports[report_key].provider_id == membership.organization_id


# RCA² investigations and action plans (issue 4 item 3): analysis inside the PSES, for the
# PSES roles of the event's provider only. The matrix makes one action per cast event.
def rca_action_visible(cast: Cast, who: str, report_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSES and cast.reports[report_key].provider_id == membership.organization_id


# Submissions to the PSO (issue 6). What a provider submits is identified to its PSO: the
# PSO's analysts and administrators read their own members' submissions, and the question
# threads about them; a health-system officer reads an affiliate's submissions only where the
# affiliate's agreement shares its reports with the system. The matrix submits every cast
# report and asks one question on each.
PSO_STAFF = {"pso_analyst", "pso_admin"}
PSO_SUBMISSION_PAGES = {"inbox:inbox", "inbox:detail", "submissions:questions", "submissions:question"}
# The same threads over the API (issue 17 item 4).
PSO_SUBMISSION_PAGES |= {"api:question-list", "api:question-detail", "api:question-answer"}
# Where one of the provider's events stands with the PSO (`GET /api/v1/submissions/{report_id}`):
# the safety manager who submits its events, for any of its provider's reports, sent or not.
SUBMITTER_REPORT_ROUTES = {"api:submission-detail"}
SAFETY_MANAGER_PROVIDER_ROUTES = {"submissions:api-keys", "submissions:grants"}
# A provider's subpoenas, breach register and HIPAA accounting (issue 15 item 6): its safety manager.
SAFETY_MANAGER_PROVIDER_ROUTES |= {"privilege:subpoenas", "privilege:breaches", "privilege:accounting"}
# Bulk import from the provider's incident system (issue 17 item 3): filing its events from its
# own exports is the safety manager's call, as are its API keys.
SAFETY_MANAGER_PROVIDER_ROUTES |= {"reporting:import-start"}


def submission_visible_to_pso(cast: Cast, who: str, report_key: str) -> bool:
    membership = cast.memberships[who]
    provider = cast.reports[report_key].provider
    return membership.role in PSO_STAFF and provider.network_id == membership.organization_id


def submitted_report_visible(cast: Cast, who: str, report_key: str, route_name: str) -> bool:
    """The PSO's own pages show its members' submitted events (all cast reports are submitted)."""
    return route_name in PSO_SUBMISSION_PAGES and submission_visible_to_pso(cast, who, report_key)


def report_submitted_by(cast: Cast, who: str, report_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role == "safety_manager" and cast.reports[report_key].provider_id == membership.organization_id


def system_submission_visible(cast: Cast, who: str, report_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role == "system_safety_officer" and report_visible(cast, who, report_key)


def question_visible(cast: Cast, who: str, report_key: str) -> bool:
    """The PSO's staff of the member's PSO, and the safety manager of the provider asked."""
    membership = cast.memberships[who]
    if membership.role == "safety_manager":
        return cast.reports[report_key].provider_id == membership.organization_id
    return submission_visible_to_pso(cast, who, report_key)


def manages_safety_of(cast: Cast, who: str, org_key: str) -> bool:
    """API keys and functional grants are the provider's safety manager's alone."""
    membership = cast.memberships[who]
    return membership.role == "safety_manager" and cast.orgs[org_key].pk == membership.organization_id


def import_visible(cast: Cast, who: str, provider_key: str) -> bool:
    """A bulk import (the matrix makes one per provider): its provider's safety manager only."""
    return manages_safety_of(cast, who, provider_key)


def compliance_entry_visible(cast: Cast, who: str, pso_key: str) -> bool:
    """Register entries (relationship disclosures, security assessments) of a PSO: its own
    administrators only; analysts, auditors and everyone else see none (issue 6 item 6)."""
    membership = cast.memberships[who]
    return membership.role == "pso_admin" and cast.orgs[pso_key].pk == membership.organization_id


# Feedback (issue 7 item 4). The matrix publishes one alert per cast PSO to its members that
# receive alerts (p1, p2; p3 in the other PSO) and makes one finished report per kind and
# organisation (openpso.feedback.tests.fixtures); every cast agreement but p1b's includes every product.
def alert_visible(cast: Cast, who: str, pso_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSO_STAFF and cast.orgs[pso_key].pk == membership.organization_id


def alert_target_visible(cast: Cast, who: str, provider_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSES and cast.orgs[provider_key].pk == membership.organization_id


def feedback_report_visible(cast: Cast, who: str, kind: str, org_key: str) -> bool:
    """A report is read inside its own organisation; the PSO learning report also by the safety
    teams of members whose agreement includes it."""
    membership = cast.memberships[who]
    org, home = cast.orgs[org_key], membership.organization
    if kind == "provider_monthly":
        return membership.role in PSES and org.pk == home.pk
    if kind == "reporter_digest":
        return membership.role in {"reporter", *PSES} and org.pk == home.pk
    if kind == "system":
        return membership.role == "system_safety_officer" and org.pk == home.pk
    if membership.role in PSO_STAFF:
        return org.pk == home.pk
    # p1b's agreement has no feedback product; every other member's includes the learning report.
    return membership.role in PSES and home.network_id == org.pk and home.pk != cast.orgs["p1b"].pk


# The audit trail names objects by id (never their contents): a reader of an organisation's trail
# sees the ids of that organisation's reports in it (a provider's rows), or of the reports its
# members submitted (a PSO's rows: submission.received carries the event id). Never another's.
AUDIT_PAGES = {"core:audit-log", "core:audit-log-csv"}


def report_id_in_trail(cast: Cast, who: str, report_key: str, route_name: str) -> bool:
    if route_name not in AUDIT_PAGES or who not in AUDIT_READERS:
        return False
    home = cast.memberships[who].organization
    provider = cast.reports[report_key].provider
    return provider.pk == home.pk or (home.kind == "pso" and provider.network_id == home.pk)


# Bulk Data exports of the PSO's release data (issue 17 item 2): a PSO's own analysts and
# administrators poll, download and cancel its exports; everyone else gets 404. The matrix makes
# one finished export per cast PSO (lake/tests/export_fixtures.py).
def release_export_visible(cast: Cast, who: str, pso_key: str) -> bool:
    membership = cast.memberships[who]
    return membership.role in PSO_STAFF and cast.orgs[pso_key].pk == membership.organization_id
