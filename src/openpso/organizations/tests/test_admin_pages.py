"""A PSO administrator manages organisations, units, agreements and people, all audited."""

from __future__ import annotations

from openpso.audit.models import AuditEvent
from openpso.organizations.models import MemberAgreement, Membership, Organization, Unit


def test_the_admin_adds_a_provider_to_the_network(cast, client_for):
    client = client_for("pso_admin")
    response = client.post(
        "/manage/new/",
        {
            "name": "New Valley EMS",
            "slug": "new-valley-ems",
            "kind": "provider",
            "provider_type": "ems_agency",
            "ems_volume_band": "5k-20k",
            "state": "PA",
            "urbanicity": "rural",
            "parent": cast.orgs["sys1"].pk,
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(slug="new-valley-ems")
    assert org.network == cast.orgs["pso1"]
    assert AuditEvent.objects.filter(action="organization.created", object_id=str(org.pk)).exists()


def test_inconsistent_provider_details_are_refused_by_field(cast, client_for):
    response = client_for("pso_admin").post(
        "/manage/new/",
        {
            "name": "Odd",
            "slug": "odd",
            "kind": "provider",
            "provider_type": "ems_agency",
            "bed_size_band": "500+",
        },
    )
    assert response.status_code == 200
    assert "Bed-size band applies to hospitals only." in response.content.decode()
    assert not Organization.objects.filter(slug="odd").exists()


def test_the_admin_cannot_attach_a_provider_to_another_networks_health_system(cast, client_for):
    from openpso.organizations.models import OrgKind

    foreign_system = Organization.objects.create(
        slug="t-sys3", name="S3", kind=OrgKind.HEALTH_SYSTEM, network=cast.orgs["pso2"]
    )
    response = client_for("pso_admin").post(
        f"/manage/{cast.orgs['p1'].slug}/edit/",
        {
            "name": "Cast General Hospital",
            "slug": "t-p1",
            "kind": "provider",
            "provider_type": "hospital",
            "parent": foreign_system.pk,
        },
    )
    assert response.status_code == 200
    cast.orgs["p1"].refresh_from_db()
    assert cast.orgs["p1"].parent == cast.orgs["sys1"]


def test_units_agreements_and_roles_are_managed_and_audited(cast, client_for):
    client = client_for("pso_admin")
    slug = cast.orgs["p1"].slug
    client.post(f"/manage/{slug}/units/new/", {"name": "5 North", "unit_type": "med-surg", "active": "on"})
    assert Unit.objects.filter(provider=cast.orgs["p1"], name="5 North").exists()
    client.post(
        f"/manage/{slug}/agreements/new/",
        {
            "effective_from": "2026-01-01",
            "categories": ["A48"],
            "feedback_products": ["safety_alerts"],
        },
    )
    assert MemberAgreement.objects.filter(provider=cast.orgs["p1"], effective_from="2026-01-01").exists()
    client.post(f"/manage/{slug}/people/new/", {"email": "new.nurse@cast.test", "role": "reporter"})
    membership = Membership.objects.get(user__email="new.nurse@cast.test")
    assert not membership.user.has_usable_password()
    client.post(f"/manage/{slug}/people/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"unit.saved", "agreement.saved", "membership.granted", "membership.revoked"} <= actions


def test_a_role_cannot_be_granted_in_the_wrong_kind_of_organisation(cast, client_for):
    response = client_for("pso_admin").post(
        f"/manage/{cast.orgs['p1'].slug}/people/new/", {"email": "x@cast.test", "role": "pso_analyst"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user__email="x@cast.test").exists()


def test_the_new_organisation_form_labels_its_fields_in_words(cast, client_for):
    body = client_for("pso_admin").get("/manage/new/").content.decode()
    assert "Ems volume band" not in body  # Django's label from the field name
    assert "EMS response volume band" in body
    assert "Short name for addresses" in body  # not the bare word "Slug"
    assert "lower-case letters, digits and hyphens" in body
