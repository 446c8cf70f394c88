"""Issue 15 item 3: the latest releases are listed on the release-profile page with their PSWP
label, which never claims the release is non-identified (pswp.labels.release_label says why)."""

from __future__ import annotations

import pytest

from openpso.nonid.models import Release

pytestmark = pytest.mark.django_db


def test_the_determinations_page_lists_each_release_with_its_label(cast, client_for):
    pso = cast.orgs["pso1"]
    Release.objects.create(
        pso=pso,
        what="feedback.report:provider_monthly",
        recipient=cast.orgs["p1"],
        profile="release/1",
        k_required=5,
        k_measured=7,
        rows=12,
    )
    Release.objects.create(
        pso=cast.orgs["pso2"], what="feedback.report:CANARY-ORG-pso2", profile="release/1", k_required=5, rows=0
    )
    body = client_for("pso_admin").get("/pso/determinations/").content.decode()
    assert '<td class="pswp-label" data-pswp-label="released:release/1">' in body
    assert "PSWP: developed by the PSO, released under release/1; not labelled non-identified (42 CFR 3.212)" in body
    assert "Cast General Hospital" in body
    assert "CANARY-ORG-pso2" not in body  # another PSO's releases stay out
