"""`seed_obligations` meets the demo's state obligation from original records, once."""

from __future__ import annotations

from openpso.audit.models import AuditEvent
from openpso.pswp.demo import seed_obligations
from openpso.pswp.models import ExternalReport, PsesPolicy
from openpso.pswp.status import PswpStatus


def test_the_demo_safety_manager_meets_a_state_obligation_from_original_records(cast):
    pso = cast.orgs["pso1"]
    assert seed_obligations(pso) is True
    assert seed_obligations(pso) is False
    external = ExternalReport.objects.get()
    assert external.provider == cast.orgs["p1"]
    assert external.created_by == cast.users["safety_manager"]
    assert external.pswp_status == PswpStatus.NOT_PSWP
    assert external.source.startswith("Medical record")
    policy = PsesPolicy.objects.get(provider=cast.orgs["p1"])
    assert policy.names_purpose("quality department incident log") == "Quality department incident log"
    assert AuditEvent.objects.filter(action="external_report.created").count() == 1
