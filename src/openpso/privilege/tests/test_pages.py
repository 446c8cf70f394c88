"""The pages: refusals shown on the field they name, a full round through the forms, and
another organisation's items answering 404."""

from __future__ import annotations

from django.urls import reverse

from openpso.privilege.actions import receive_subpoena
from openpso.privilege.models import AccountingEntry, BreachNotification, PsoDisclosure, Subpoena
from openpso.privilege.tests.helpers import days_ago, today

NEW = reverse("privilege:pso-disclosure-new")


def test_a_disclosure_without_a_basis_shows_the_error_on_the_basis_field(cast, client_for):
    page = client_for("pso_admin").post(
        NEW, {"basis": "", "recipient_kind": "researcher", "disclosed_on": today().isoformat()}
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "basis" in errors
    assert "none means no disclosure" in errors["basis"][0]
    assert not PsoDisclosure.objects.exists()


def test_the_pso_logs_a_research_disclosure_and_finds_the_patients_accounting(cast, client_for):
    client = client_for("pso_admin")
    p1 = cast.orgs["p1"]
    data = {
        "basis": "RESEARCH",
        "provider": p1.pk,
        "recipient_kind": "researcher",
        "recipient_name": "Dr Example",
        "recipient_organization": "Example University",
        "purpose": "Falls study",
        "description": "Fall events of 2025",
        "disclosed_on": today().isoformat(),
        "reference": "AHRQ grant R01",
        "contains_iihi": "yes",
        "hipaa_reference": "IRB 4 waiver",
        "irb_approved_on": days_ago(3).isoformat(),
        "identifies_patients": "yes",
        "patients": "MRN-1\nMRN-2\n",
    }
    response = client.post(NEW, data)
    assert response.status_code == 302, response.context["form"].errors
    assert AccountingEntry.objects.count() == 2
    log = client.get(reverse("privilege:pso-disclosures")).content.decode()
    assert "Fall events of 2025" in log
    accounting = client.get(reverse("privilege:pso-accounting"), {"provider": p1.pk, "patient": "MRN-2"})
    assert "Example University" in accounting.content.decode()
    own = client_for("safety_manager").get(
        reverse("privilege:accounting", kwargs={"provider": p1.slug}), {"patient": "MRN-1"}
    )
    assert "Falls study" in own.content.decode()


def test_a_missing_irb_date_is_shown_on_its_field(cast, client_for):
    data = {
        "basis": "RESEARCH",
        "provider": cast.orgs["p1"].pk,
        "recipient_kind": "researcher",
        "recipient_name": "A",
        "recipient_organization": "B",
        "purpose": "C",
        "description": "D",
        "disclosed_on": today().isoformat(),
        "reference": "R",
        "contains_iihi": "yes",
        "hipaa_reference": "IRB",
        "identifies_patients": "no",
    }
    page = client_for("pso_admin").post(NEW, data)
    assert list(page.context["form"].errors) == ["irb_approved_on"]


def test_a_safety_manager_answers_a_subpoena_through_the_page(cast, client_for):
    client = client_for("safety_manager")
    url = reverse("privilege:subpoenas", kwargs={"provider": "t-p1"})
    response = client.post(
        url,
        {
            "form": "new",
            "kind": "subpoena",
            "requested_by": "Counsel",
            "forum": "Court",
            "what_asked": "Reports",
            "records_reached": "Event report",
            "served_on": days_ago(2).isoformat(),
            "respond_by": days_ago(-12).isoformat(),
        },
    )
    assert response.status_code == 302
    subpoena = Subpoena.objects.get()
    prefix = f"a{subpoena.pk}"
    refused = client.post(url, {"form": "assert", "id": subpoena.pk, f"{prefix}-asserted_on": today().isoformat()})
    assert refused.status_code == 200
    assert "privilege_text" in refused.content.decode()
    client.post(
        url,
        {
            "form": "assert",
            "id": subpoena.pk,
            f"{prefix}-privilege_text": "PSWP is privileged",
            f"{prefix}-privilege_cite": "42 CFR 3.204",
            f"{prefix}-asserted_on": today().isoformat(),
        },
    )
    subpoena.refresh_from_db()
    assert subpoena.status == "privilege_asserted"
    close = {"form": "close", "id": subpoena.pk, f"c{subpoena.pk}-outcome": "quashed"}
    client.post(url, close | {f"c{subpoena.pk}-outcome_on": today().isoformat()})
    page = client.get(url).content.decode()
    assert "Nothing was disclosed: the PSWP stays privileged and confidential" in page


def test_another_organisations_subpoena_answers_404(cast, client_for):
    foreign = receive_subpoena(
        organization=cast.orgs["p2"],
        actor=None,
        kind="subpoena",
        requested_by="x",
        forum="y",
        what_asked="z",
        records_reached="w",
        served_on=today(),
        respond_by=today(),
    )
    url = reverse("privilege:subpoenas", kwargs={"provider": "t-p1"})
    assert client_for("safety_manager").post(url, {"form": "assert", "id": foreign.pk}).status_code == 404
    pso_url = reverse("privilege:pso-subpoenas")
    assert client_for("pso_admin").post(pso_url, {"form": "close", "id": foreign.pk}).status_code == 404


def test_the_pso_records_a_breach_and_the_notice_sent(cast, client_for):
    client = client_for("pso_admin")
    url = reverse("privilege:pso-breaches")
    response = client.post(
        url,
        {
            "form": "new",
            "kind": "impermissible_disclosure",
            "what": "Export sent to the wrong member",
            "discovered_on": days_ago(1).isoformat(),
            "who_affected": "One member's patients",
            "patients_affected": 2,
            "affected_providers": [cast.orgs["p1"].pk],
        },
    )
    assert response.status_code == 302
    n = BreachNotification.objects.get(recipient=cast.orgs["p1"])
    client.post(url, {"form": "sent", "id": n.pk, f"n{n.pk}-sent_on": today().isoformat(), f"n{n.pk}-method": "Letter"})
    n.refresh_from_db()
    assert n.sent_on == today()
    page = client_for("safety_manager").get(reverse("privilege:breaches", kwargs={"provider": "t-p1"}))
    assert "Export sent to the wrong member" in page.content.decode()


def test_a_disclosure_under_provider_authorisations_needs_the_members_own(cast, client_for):
    p1 = cast.orgs["p1"]
    data = {
        "basis": "PROVIDER_AUTHORIZATION",
        "provider": p1.pk,
        "recipient_kind": "other_pso",
        "recipient_name": "A",
        "recipient_organization": "Another PSO",
        "purpose": "Joint review",
        "description": "One event and its analysis",
        "disclosed_on": today().isoformat(),
        "identified_providers": "clinician: Dr Jane Roe",
        "authorizations": f"clinician: Dr Jane Roe | Jane Roe | {days_ago(9)} | this event's review | HR file 12",
    }
    client = client_for("pso_admin")
    refused = client.post(NEW, data)
    assert "own_authorization" in refused.context["form"].errors["authorizations"][0]
    data["authorizations"] += f"\norganisation: {p1.name} | CEO | {days_ago(8)} | this event's review | Legal file 3"
    assert client.post(NEW, data).status_code == 302
    assert PsoDisclosure.objects.get().conditions["authorizations"][1]["provider"] == p1.slug


def test_the_menu_leads_each_keeper_to_their_own_registers(cast, client_for):
    body = client_for("safety_manager").get(reverse("privilege:index")).content.decode()
    assert reverse("privilege:subpoenas", kwargs={"provider": "t-p1"}) in body
    assert "t-p2" not in body
    assert (
        reverse("privilege:pso-disclosures") in client_for("pso_admin").get(reverse("privilege:index")).content.decode()
    )
    assert client_for("pses_committee").get(reverse("privilege:index")).status_code == 404
