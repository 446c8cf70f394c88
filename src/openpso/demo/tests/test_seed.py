"""seed_demo against the database: the network, users, denominators, reports and audit."""

import datetime as dt
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    validate_totp_code,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth.password_validation import validate_password
from django.db import connection

from openpso.accounts.models import User
from openpso.audit.models import AuditEvent
from openpso.audit.trail import verify_chain
from openpso.commonformats.definitions import INCIDENT, herf_core
from openpso.demo.generate import seed_demo
from openpso.demo.network import PSO_SLUG
from openpso.demo.users import DEMO_DOMAIN, DEMO_PASSWORD, demo_logins, totp_secret_for
from openpso.organizations.models import (
    Denominator,
    MemberAgreement,
    Membership,
    Organization,
    OrgKind,
    ProviderType,
)
from openpso.organizations.roles import MFA_EXEMPT_ROLES, Role
from openpso.reporting.models import EventReport

TODAY = dt.date(2026, 3, 15)
HERF = herf_core()


@pytest.fixture
def seeded(db):
    return seed_demo(events=300, today=TODAY)


def test_seeding_builds_the_network(seeded):
    pso = Organization.objects.get(slug=PSO_SLUG)
    assert pso.kind == OrgKind.PSO
    assert seeded.created
    assert Organization.objects.filter(network=pso, kind=OrgKind.HEALTH_SYSTEM).count() == 3
    providers = Organization.objects.filter(network=pso, kind=OrgKind.PROVIDER)
    assert providers.count() >= 20
    types = Counter(providers.values_list("provider_type", flat=True))
    assert types[ProviderType.EMS_AGENCY] >= 6
    assert types[ProviderType.NURSING_HOME] >= 1
    assert types[ProviderType.COMMUNITY_PHARMACY] >= 1
    assert types[ProviderType.AMBULATORY] >= 1
    assert providers.filter(parent__isnull=True).count() >= 2
    assert not providers.filter(provider_type=ProviderType.EMS_AGENCY, ems_volume_band="").exists()
    assert not providers.filter(provider_type=ProviderType.HOSPITAL, bed_size_band="").exists()
    assert len(set(providers.values_list("state", flat=True))) >= 2
    assert set(providers.values_list("urbanicity", flat=True)) == {"urban", "rural"}
    for provider in providers:
        provider.full_clean()
        assert provider.units.exists()
    assert seeded.providers == providers.count()
    assert seeded.health_systems == 3


def test_every_provider_has_an_agreement_and_one_affiliate_keeps_its_data_from_the_system(seeded):
    agreements = MemberAgreement.objects.filter(pso__slug=PSO_SLUG)
    assert agreements.count() == seeded.providers
    assert all(a.in_force(TODAY) for a in agreements)
    affiliated = agreements.filter(provider__parent__isnull=False)
    assert affiliated.filter(system_may_view=True).count() > affiliated.filter(system_may_view=False).count()
    assert affiliated.filter(system_may_view=False).exists()
    assert not agreements.filter(provider__parent__isnull=True, system_may_view=True).exists()


def test_users_exist_for_all_seven_roles_with_the_demo_password(seeded):
    roles = set(Membership.objects.filter(user__email__endswith=DEMO_DOMAIN).values_list("role", flat=True))
    assert roles == set(Role.values)
    for login in demo_logins():
        user = User.objects.get(email=login.email)
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        membership.full_clean()
        assert membership.organization.name == login.organization
    reporter = Membership.objects.get(user__email=f"reporter@{DEMO_DOMAIN}")
    assert reporter.unit is not None
    assert reporter.unit.provider_id == reporter.organization_id
    validate_password(DEMO_PASSWORD, User.objects.get(email=f"manager@{DEMO_DOMAIN}"))


def test_every_role_but_reporter_has_a_working_authenticator(seeded):
    for login in demo_logins():
        authenticators = Authenticator.objects.filter(user__email=login.email, type=Authenticator.Type.TOTP)
        if login.role in MFA_EXEMPT_ROLES:
            assert login.totp_secret is None
            assert not authenticators.exists()
            continue
        assert login.totp_secret == totp_secret_for(login.email)
        # Checked without TOTP.validate_code, which would mark the code used in the cache.
        assert decrypt(authenticators.get().data["secret"]) == login.totp_secret
        counters = list(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(login.totp_secret, counters[len(counters) // 2]))
        assert validate_totp_code(login.totp_secret, code)


def test_denominators_cover_24_months_for_every_provider(seeded):
    for provider in Organization.objects.filter(network__slug=PSO_SLUG, kind=OrgKind.PROVIDER):
        months = set(Denominator.objects.filter(provider=provider).values_list("month", flat=True))
        assert len(months) == 24, provider.name
        assert min(months) == dt.date(2024, 3, 1)
        assert max(months) == dt.date(2026, 2, 1)
    measures = set(Denominator.objects.values_list("provider__provider_type", "measure"))
    assert ("hospital", "patient_days") in measures
    assert ("hospital", "admissions") in measures
    assert ("ems_agency", "ems_responses") in measures
    assert ("community_pharmacy", "encounters") in measures


def test_reports_are_spread_over_24_months_and_obey_the_code_rules(seeded):
    reports = list(EventReport.objects.select_related("unit", "reporter"))
    assert len(reports) == seeded.reports == 300
    assert len({(r.discovered_at.year, r.discovered_at.month) for r in reports}) >= 23
    for r in reports:
        assert r.event_type in HERF["DE3"].codes
        assert set(r.categories) <= HERF["DE21"].codes
        assert (r.harm != "") == (r.event_type == INCIDENT)
        assert r.unit is not None
        assert r.unit.provider_id == r.provider_id
        assert r.pswp_status == "candidate"
        assert r.pswp_status_at == r.reported_at
        assert len(r.narrative) <= 2000
        if r.anonymous:
            assert r.reporter is None
            assert r.reported_at.minute == 0
        else:
            assert r.reporter is not None
            assert r.reporter.email.endswith(DEMO_DOMAIN)
            assert r.reporter.memberships.filter(organization_id=r.provider_id, role=Role.REPORTER).exists()


def test_narratives_are_stored_only_as_ciphertext(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM reporting_eventreport")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored
    assert all(value.startswith("enc2:") for value in stored)


def test_seeding_twice_creates_nothing_and_audits_once(seeded):
    again = seed_demo(events=300, today=TODAY)
    assert not again.created
    assert again.reports == seeded.reports == EventReport.objects.count()
    assert Organization.objects.filter(slug=PSO_SLUG).count() == 1
    assert User.objects.filter(email__endswith=DEMO_DOMAIN).count() == seeded.users
    events = AuditEvent.objects.filter(action="demo.seeded")
    assert events.count() == 1
    event = events.get()
    assert event.detail == {"events": 300, "seed": 2026}
    assert event.organization_id == seeded.pso_id
    assert event.actor_id is None
    assert verify_chain().ok


def test_progress_is_reported_per_batch(db):
    calls = []
    seed_demo(events=2500, today=TODAY, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
