"""The safety manager's "Submit to the PSO" page."""

from __future__ import annotations

from openpso.submissions.models import Submission


def test_the_page_lists_reports_not_yet_reported_and_submits_the_chosen_ones(cast, client_for):
    client = client_for("safety_manager")
    listed = client.get("/submissions/").content.decode()
    assert str(cast.reports["r1"].pk) in listed
    assert str(cast.reports["r2"].pk) not in listed  # another provider's
    response = client.post("/submissions/?show=waiting", {"events": [str(cast.reports["r1"].pk)]})
    assert response.status_code == 200
    short = str(cast.reports["r1"].pk)[:8].upper()
    assert f'<span class="tag">Sent to the PSO</span> report {short} <span class="hint">(accepted)</span>' in (
        response.content.decode()
    )
    assert Submission.objects.get().submitted_by == cast.users["safety_manager"]
    again = client.post("/submissions/", {"events": [str(cast.reports["r1"].pk)]}).content.decode()
    assert f'<span class="tag">Already at the PSO, unchanged</span> report {short}' in again
    assert "already received" in again


def test_a_foreign_report_sent_from_the_page_is_refused_as_unknown(cast, client_for):
    body = client_for("safety_manager").post("/submissions/", {"events": [str(cast.reports["r2"].pk)]})
    assert "no report of this provider has this id" in body.content.decode()
    assert not Submission.objects.exists()


def test_only_safety_managers_reach_the_page(cast, client_for):
    for who in ("reporter", "pses_committee", "pso_analyst", "system_safety_officer"):
        assert client_for(who).get("/submissions/").status_code == 404, who
