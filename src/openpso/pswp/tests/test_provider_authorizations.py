"""42 CFR 3.206(b)(3): a disclosure on providers' authority needs a signed authorisation from
every provider the PSWP identifies — this one, other organisations, each clinician named —
and each is stored, audited by id only, and kept six years from the last reliance on it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpso.audit.models import AuditEvent
from openpso.pswp import actions
from openpso.pswp.bases import DisclosureRequest, provider_key
from openpso.pswp.models import AuthorizationReliance, Disclosure, ProviderAuthorization, retention_end
from openpso.pswp.tests.helpers import file

SLUG = "t-p1"
SCOPE = "The fall review of this event, to the county peer-review board"


def _auth(kind: str, name: str, **change: str) -> dict[str, str]:
    return {
        "kind": kind,
        "provider": name,
        "signer": f"Signer for {name}",
        "signed_on": "2024-05-01",
        "scope": SCOPE,
        "document": "Risk office, cabinet 3",
    } | change


def _request(identified: list[dict[str, str]], authorizations: list[dict[str, Any]]) -> DisclosureRequest:
    return DisclosureRequest(
        basis="PROVIDER_AUTHORIZATION",
        provider_slug=SLUG,
        recipient_name="Jo Counsel",
        recipient_organization="County peer-review board",
        purpose="Peer review",
        conditions={"identified_providers": identified, "authorizations": authorizations},
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        Disclosure.objects.count(),
        ProviderAuthorization.objects.count(),
        AuthorizationReliance.objects.count(),
        AuditEvent.objects.filter(action__startswith="pswp.").exclude(action="pswp.transition").count(),
    )


# Providers a PSWP may identify: this one, other organisations, clinicians (not users).
POOL = [
    ("organization", SLUG),
    ("organization", "Mercy Lab"),
    ("organization", "Northside Clinic"),
    ("clinician", "Dr Ada Byron"),
    ("clinician", "Nurse Grace Hopper"),
    ("clinician", "Dr Alan Turing"),
]
DEFECTS: list[dict[str, str]] = [
    {},  # valid
    {"signer": ""},
    {"scope": "  "},
    {"document": ""},
    {"signed_on": "2999-01-01"},
    {"signed_on": "1 May"},
    {"sha256": "not-a-digest"},
]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[dict[str, str]], bool]:
    """Identified providers, authorisations for some of them (or for strangers), some defective,
    and whether the disclosure should be recorded."""
    others = draw(st.lists(st.sampled_from(POOL[1:]), unique=True, max_size=4))
    identified = [{"kind": k, "name": n, "role": "attending" if k == "clinician" else ""} for k, n in others]
    wanted = {provider_key(k, n) for k, n in [POOL[0], *others]}
    # Mostly valid authorisations for the identified providers (so both outcomes are common),
    # sometimes none, a defective one, a second one, or one from a provider not identified.
    authorizations = []
    for kind, name in [POOL[0], *others]:
        for _ in range(draw(st.sampled_from([1, 1, 1, 1, 1, 1, 0, 2]))):
            authorizations.append(_drawn(draw, kind, name))
    if draw(st.integers(0, 7)) == 0:
        authorizations.append(_drawn(draw, *draw(st.sampled_from(POOL))))
    authorizations = draw(st.permutations(authorizations))
    valid = {provider_key(a["kind"], a["provider"]) for a in authorizations if _is_valid(a)}
    every_one_valid = all(_is_valid(a) and provider_key(a["kind"], a["provider"]) in wanted for a in authorizations)
    return identified, authorizations, every_one_valid and wanted <= valid


def _drawn(draw: st.DrawFn, kind: str, name: str) -> dict[str, str]:
    defect = draw(st.sampled_from([{}] * 12 + DEFECTS[1:]))
    # Names are matched whatever their case and spacing.
    spelled = draw(st.sampled_from([name, name.upper(), f"  {name} "]))
    return _auth(kind, spelled, **defect)


def _is_valid(entry: dict[str, str]) -> bool:
    defect = {k: v for k, v in entry.items() if _auth(entry["kind"], entry["provider"]).get(k) != v}
    return not defect


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_a_disclosure_is_recorded_iff_every_identified_provider_has_a_valid_authorization(cast, scenario):
    identified, authorizations, should_record = scenario
    report = cast.reports["r1"]
    before = _counts()
    request = _request(identified, authorizations)
    provider, actor = cast.orgs["p1"], cast.users["safety_manager"]
    if not should_record:
        with pytest.raises(actions.DisclosureInvalid):
            actions.disclose(provider=provider, reports=[report], actor=actor, request=request)
        assert _counts() == before  # nothing saved, nothing audited
        return
    disclosure = actions.disclose(provider=provider, reports=[report], actor=actor, request=request)
    assert should_record
    relied = {
        provider_key(a.identified_kind, a.identified_name)
        for a in ProviderAuthorization.objects.filter(reliances__disclosure=disclosure)
    }
    assert relied == {provider_key(k, n) for k, n in [POOL[0]] + [(p["kind"], p["name"]) for p in identified]}
    assert _counts()[0] == before[0] + 1


def test_every_clinician_the_pswp_names_must_have_signed(cast):
    identified = [{"kind": "clinician", "name": "Dr Ada Byron", "role": "surgeon"}]
    with pytest.raises(actions.DisclosureInvalid) as refused:
        actions.disclose(
            provider=cast.orgs["p1"],
            reports=[cast.reports["r1"]],
            actor=cast.users["safety_manager"],
            request=_request(identified, [_auth("organization", SLUG)]),
        )
    assert refused.value.errors == {
        "authorizations": "PROVIDER_AUTHORIZATION (3.206(b)(3)): no signed authorisation from "
        "clinician \u201cDr Ada Byron\u201d"
    }
    assert not Disclosure.objects.exists()
    assert not ProviderAuthorization.objects.exists()


def test_an_authorization_from_a_provider_not_identified_is_refused(cast):
    with pytest.raises(actions.DisclosureInvalid) as refused:
        actions.disclose(
            provider=cast.orgs["p1"],
            reports=[cast.reports["r1"]],
            actor=cast.users["safety_manager"],
            request=_request([], [_auth("organization", SLUG), _auth("clinician", "Dr Nobody")]),
        )
    assert "not among the identified providers" in refused.value.errors["authorizations"]


def test_each_authorization_is_stored_encrypted_and_audited_by_id_only(cast):
    identified = [
        {"kind": "clinician", "name": "Dr Ada Byron", "role": "surgeon"},
        {"kind": "organization", "name": "Mercy Lab", "role": ""},
    ]
    auths = [_auth("organization", SLUG), _auth("clinician", "dr ada  byron"), _auth("organization", "Mercy Lab")]
    disclosure = actions.disclose(
        provider=cast.orgs["p1"],
        reports=[cast.reports["r1"]],
        actor=cast.users["safety_manager"],
        request=_request(identified, auths),
    )
    stored = list(ProviderAuthorization.objects.order_by("id"))
    assert [(a.identified_kind, a.identified_name, a.identified_role) for a in stored] == [
        ("organization", SLUG, ""),
        ("clinician", "dr ada byron", "surgeon"),
        ("organization", "Mercy Lab", ""),
    ]
    assert all(a.scope == SCOPE and a.signed_on == dt.date(2024, 5, 1) for a in stored)
    assert disclosure.conditions["authorization_ids"] == [a.pk for a in stored]
    today = timezone.localdate()
    assert {r.retain_until for r in AuthorizationReliance.objects.filter(disclosure=disclosure)} == {
        retention_end(today)
    }

    audits = AuditEvent.objects.filter(action__in=["pswp.authorization_recorded", "pswp.authorization_relied_on"])
    assert (
        sorted(audits.values_list("action", flat=True))
        == ["pswp.authorization_recorded"] * 3 + ["pswp.authorization_relied_on"] * 3
    )
    audited = json.dumps([a.detail for a in AuditEvent.objects.all()])
    for secret in ("Byron", "byron", "Mercy", "Signer for", SCOPE, "cabinet", "surgeon"):
        assert secret not in audited
    disclosed = AuditEvent.objects.get(action="pswp.disclosed").detail
    assert disclosed["authorizations"] == [a.pk for a in stored]

    table = ProviderAuthorization._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT identified_name, signed_by, scope FROM {table}")  # noqa: S608
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "byron" not in raw
    assert "Signer for" not in raw
    assert "peer-review" not in raw


def test_relying_again_on_an_authorization_extends_its_retention(cast):
    provider = cast.orgs["p1"]
    earlier = ProviderAuthorization.objects.create(
        provider=provider,
        identified_kind="organization",
        identified_name=SLUG,
        signed_by="Dr Chief",
        signed_on=dt.date(2020, 1, 10),
        scope=SCOPE,
        document_location="Vault 7",
        recorded_at=dt.datetime(2020, 2, 29, 12, tzinfo=dt.UTC),
    )
    old = Disclosure.objects.create(
        provider=provider,
        report_ids=[str(cast.reports["r1"].pk)],
        basis="PROVIDER_AUTHORIZATION",
        recipient_name="A",
        recipient_organization="B",
        purpose="C",
        disclosed_at=dt.datetime(2020, 2, 29, 12, tzinfo=dt.UTC),
    )
    AuthorizationReliance.objects.create(
        authorization=earlier,
        disclosure=old,
        relied_on=dt.date(2020, 2, 29),
        retain_until=retention_end(dt.date(2020, 2, 29)),
    )
    assert ProviderAuthorization.objects.with_retention().get().retain_until == dt.date(2026, 3, 1)

    actions.disclose(
        provider=provider,
        reports=[cast.reports["r1"]],
        actor=cast.users["safety_manager"],
        request=_request([], [{"id": earlier.pk}]),
    )
    kept = ProviderAuthorization.objects.with_retention().get()
    assert kept.last_relied_on == timezone.localdate()
    assert kept.retain_until == retention_end(timezone.localdate())
    assert AuthorizationReliance.objects.filter(authorization=earlier).count() == 2


def test_an_authorization_id_that_is_not_a_number_is_refused_not_an_error(cast):
    with pytest.raises(actions.DisclosureInvalid) as refused:
        actions.disclose(
            provider=cast.orgs["p1"],
            reports=[cast.reports["r1"]],
            actor=cast.users["safety_manager"],
            request=_request([], [{"id": "1 OR 1=1"}]),
        )
    assert refused.value.errors["authorizations"] == "no authorisation 1 OR 1=1 on file for this provider"


def test_another_providers_authorization_cannot_be_relied_on(cast):
    foreign = ProviderAuthorization.objects.create(
        provider=cast.orgs["p2"],
        identified_kind="organization",
        identified_name=SLUG,
        signed_by="Dr Elsewhere",
        signed_on=dt.date(2024, 1, 1),
        scope=SCOPE,
        document_location="Elsewhere",
        recorded_at=timezone.now(),
    )
    with pytest.raises(actions.DisclosureInvalid) as refused:
        actions.disclose(
            provider=cast.orgs["p1"],
            reports=[cast.reports["r1"]],
            actor=cast.users["safety_manager"],
            request=_request([], [{"id": foreign.pk}]),
        )
    assert refused.value.errors["authorizations"] == f"no authorisation {foreign.pk} on file for this provider"
    assert not Disclosure.objects.exists()


def test_six_years_from_29_february_ends_on_1_march():
    assert retention_end(dt.date(2024, 2, 29)) == dt.date(2030, 3, 1)
    assert retention_end(dt.date(2024, 5, 1)) == dt.date(2030, 5, 1)


PAGE_FORM = {
    "basis": "PROVIDER_AUTHORIZATION",
    "recipient_name": "Jo",
    "recipient_organization": "County peer-review board",
    "purpose": "Peer review",
    "identified_providers": "clinician: Dr Ada Byron, surgeon\norganisation: Mercy Lab",
    "authorization_signer": "Dr Chief",
    "authorization_signed_on": "2024-05-01",
    "authorization_scope": SCOPE,
    "authorization_document": "Vault 7/12",
    "other_authorizations": "organisation: Mercy Lab; Lab director; 2024-05-02; Lab file 9; " + SCOPE,
}


def test_the_disclose_page_names_the_identified_provider_whose_authorization_is_missing(cast, client_for):
    report = file(cast.users["reporter"])
    client = client_for("safety_manager")
    page = client.post(f"/pswp/reports/{report.pk}/disclose/", PAGE_FORM).content.decode()
    assert 'id="field-other_authorizations"' in page
    field = page.split('id="field-other_authorizations"', 1)[1].split('id="field-', 1)[0]
    assert "no signed authorisation from clinician \u201cDr Ada Byron\u201d" in field
    assert not Disclosure.objects.exists()
    assert not ProviderAuthorization.objects.exists()

    scan = SimpleUploadedFile("auth.pdf", b"%PDF signed by Dr Chief", content_type="application/pdf")
    form = PAGE_FORM | {
        "other_authorizations": PAGE_FORM["other_authorizations"]
        + "\nclinician: Dr Ada Byron; Dr Ada Byron; 2024-05-03; Risk office; "
        + SCOPE,
        "authorization_scan": scan,
    }
    response = client.post(f"/pswp/reports/{report.pk}/disclose/", form)
    assert response.status_code == 302
    stored = {a.identified_name: a for a in ProviderAuthorization.objects.all()}
    assert set(stored) == {SLUG, "Mercy Lab", "Dr Ada Byron"}
    assert stored[SLUG].document_sha256 == hashlib.sha256(b"%PDF signed by Dr Chief").hexdigest()
    assert stored["Dr Ada Byron"].identified_role == "surgeon"


def test_the_disclose_page_names_the_field_of_a_malformed_identified_provider(cast, client_for):
    report = file(cast.users["reporter"])
    form = PAGE_FORM | {"identified_providers": "Dr Ada Byron"}
    page = client_for("safety_manager").post(f"/pswp/reports/{report.pk}/disclose/", form).content.decode()
    field = page.split('id="field-identified_providers"', 1)[1].split('id="field-', 1)[0]
    assert "line 1: write" in field
    assert not Disclosure.objects.exists()


def test_the_disclose_page_offers_authorizations_on_file_and_relies_on_them(cast, client_for):
    report = file(cast.users["reporter"])
    client = client_for("safety_manager")
    assert (
        client.post(
            f"/pswp/reports/{report.pk}/disclose/", PAGE_FORM | {"identified_providers": "organisation: Mercy Lab"}
        ).status_code
        == 302
    )
    # Names are encrypted (no lookup by value): match in Python.
    on_file = {a.identified_name: a for a in ProviderAuthorization.objects.all()}
    own, lab = on_file[SLUG], on_file["Mercy Lab"]
    page = client.get(f"/pswp/reports/{report.pk}/disclose/").content.decode()
    assert "Mercy Lab (organisation), signed by Lab director on 2024-05-02" in page
    form: dict[str, Any] = {k: PAGE_FORM[k] for k in ("basis", "recipient_name", "recipient_organization", "purpose")}
    form |= {"identified_providers": "organisation: Mercy Lab", "earlier_authorizations": [own.pk, lab.pk]}
    assert client.post(f"/pswp/reports/{report.pk}/disclose/", form).status_code == 302
    assert ProviderAuthorization.objects.count() == 2
    assert AuthorizationReliance.objects.filter(authorization__in=[own, lab]).count() == 4


def test_the_disclosure_log_lists_each_authorization_with_its_retention(cast, client_for):
    report = file(cast.users["reporter"])
    assert (
        client_for("safety_manager")
        .post(f"/pswp/reports/{report.pk}/disclose/", PAGE_FORM | {"identified_providers": "organisation: Mercy Lab"})
        .status_code
        == 302
    )
    page = client_for("pses_committee").get("/pswp/t-p1/disclosures/").content.decode()
    keep_until = retention_end(timezone.localdate()).isoformat()
    assert "Mercy Lab (organisation)" in page
    assert "Lab director, 2024-05-02" in page
    assert page.count(keep_until) == 2
