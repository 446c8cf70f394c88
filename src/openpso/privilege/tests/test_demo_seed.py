"""`seed_privilege` reaches the demo's state through the users' actions, once."""

from __future__ import annotations

from openpso.audit.models import AuditEvent
from openpso.privilege.demo import seed_privilege
from openpso.privilege.models import AccountingEntry, BreachNotification, PsoDisclosure, Subpoena


def test_the_demo_pso_discloses_a_member_answers_a_subpoena_and_a_breach_is_notified(cast):
    pso = cast.orgs["pso1"]
    assert seed_privilege(pso) is True
    assert seed_privilege(pso) is False
    disclosure = PsoDisclosure.objects.get(pso=pso)
    assert disclosure.basis == "RESEARCH"
    assert AccountingEntry.objects.filter(disclosure=disclosure).count() == 2
    assert Subpoena.objects.get().status == "privilege_asserted"
    notice = BreachNotification.objects.get()
    assert notice.recipient == cast.orgs["p1"]
    assert notice.sent_on is None
    assert AuditEvent.objects.filter(action__startswith="privilege.").count() == 5
