"""A health system sees affiliates' submitted events only where their agreement says so,
and every access is a PSA_AFFILIATED disclosure in the affiliate's log."""

from __future__ import annotations

from openpso.pswp.models import Disclosure
from openpso.submissions.tests.fixtures import cast_submissions


def test_the_system_sees_affiliates_events_only_where_the_agreement_shares_them(cast, client_for):
    submissions = cast_submissions(cast)
    client = client_for("system_safety_officer")
    body = client.get("/system/submissions/").content.decode()
    assert f"/system/submissions/{submissions['r1'].pk}/" in body
    assert str(submissions["r1b"].pk) not in body  # p1b's agreement keeps it from the system
    assert str(submissions["r2"].pk) not in body  # another system's affiliate
    assert client.get(f"/system/submissions/{submissions['r1b'].pk}/").status_code == 404
    assert client.get(f"/system/submissions/{submissions['r1'].pk}/").status_code == 200
    for who in ("safety_manager", "pso_analyst", "manager_p2"):
        assert client_for(who).get(f"/system/submissions/{submissions['r1'].pk}/").status_code == 404


def test_each_access_writes_a_psa_affiliated_disclosure(cast, client_for):
    submission = cast_submissions(cast)["r1"]
    client_for("system_safety_officer").get(f"/system/submissions/{submission.pk}/")
    disclosure = Disclosure.objects.get()
    assert disclosure.basis == "PSA_AFFILIATED"
    assert disclosure.provider == cast.orgs["p1"]
    assert disclosure.report_ids == [str(cast.reports["r1"].pk)]
    assert disclosure.recipient_organization == cast.orgs["sys1"].name
    assert disclosure.recipient_name == cast.users["system_safety_officer"].email
    client_for("system_safety_officer").get("/system/submissions/")
    listed = Disclosure.objects.order_by("-id").first()
    assert set(listed.report_ids) == {str(cast.reports["r1"].pk), str(cast.reports["r1anon"].pk)}


def test_nothing_is_disclosed_when_the_system_sees_nothing(cast, client_for):
    client_for("system_safety_officer").get("/system/submissions/")
    assert not Disclosure.objects.exists()
