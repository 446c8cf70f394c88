"""Who reads which organisation's audit trail, and which ids belong to one report.

The policy. The trail is a security record, not PSWP itself: each row
holds codes, ids, an e-mail as the actor's label and a short purpose (`AuditEvent` keeps
narratives and PHI out, invariant 4), but it tells who read which report when, so it is
shown to the people whose job is oversight of their own organisation's security, as
42 CFR 3.106(b) asks of a PSO (audit controls over PSWP) and HIPAA 164.312(b) of a provider:

- an auditor, in the organisation they audit (a PSO, a health system or a provider);
- a provider's safety manager, for their own provider's records (the manager answers for
  the provider's PSES and reviews who used its PSWP, 42 CFR 3.206 uses);
- a PSO administrator, for the PSO's own rows (submissions received and read, questions,
  re-identifications, the compliance register they keep).

Nobody else: not the committee, reporters, health-system officers or PSO analysts, whose
work does not include watching colleagues' access. And never another organisation's rows:
a PSO's rows about a member's submission stay the PSO's, a provider's reads stay the
provider's (`organization_id` on each row decides; the matrix test checks it).

An account's own security events — sign-ins, sign-outs, a session's end, lockouts, refused
second-factor codes — carry no organisation (an account is no one organisation's). Each
organisation the person holds a role in sees them (`account_events`): its auditor must see
who got into its records and who was locked out, and it learns nothing it could not already
ask of its own member.
"""

from __future__ import annotations

import re
import uuid

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from openpso.audit.actor import Actor
from openpso.audit.models import AuditEvent, AuditEventQuerySet
from openpso.nonid.models import NarrativeReview
from openpso.organizations.models import Membership, Organization
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role
from openpso.pses.audit_ids import pses_ids_about
from openpso.reporting.models import EventReport
from openpso.submissions.models import Question, Submission

AUDIT_ROLES = (Role.AUDITOR, Role.SAFETY_MANAGER, Role.PSO_ADMIN)
_SHORT_ID = re.compile(r"[0-9a-fA-F]{8}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def audited_orgs_for(user: Actor) -> QuerySet[Organization]:
    """The organisations whose trail `user` reads (the policy above)."""
    return orgs_where(user, AUDIT_ROLES)


def events_for_orgs(org_ids: list[int]) -> AuditEventQuerySet:
    """The rows readers of `org_ids`' trails see, newest first: the organisations' own, and
    their people's account events (the policy above)."""
    return AuditEvent.objects.filter(Q(organization_id__in=org_ids) | account_events(org_ids)).order_by("-seq")


def account_events(org_ids: list[int]) -> Q:
    # A subquery, not a list read first: an organisation may have thousands of people. The
    # audit row keeps the user id as text, so the ids are cast to match.
    people = Membership.objects.filter(organization_id__in=org_ids).values_list(
        Cast("user_id", output_field=CharField()), flat=True
    )
    return Q(organization_id__isnull=True, object_type="accounts.user", object_id__in=people)


def ids_about(object_id: str) -> tuple[str, ...]:
    """`object_id` and, where it names a report (its full id or the 8-character short id shown
    on pages), the ids of everything kept about that report: its submissions to the PSO and the
    questions on them, its safety event with the event's investigation, actions and
    deliberations, and its narrative reviews. The caller still limits rows to those it may show.
    """
    object_id = object_id.strip()
    if not object_id:
        return ()
    ids = {object_id}
    for report_id in _reports_named(object_id):
        ids.add(str(report_id))
        ids.update(str(pk) for pk in Submission.objects.filter(event_id=report_id).values_list("pk", flat=True))
        ids.update(str(pk) for pk in Question.objects.filter(event_id=report_id).values_list("pk", flat=True))
        ids.update(str(pk) for pk in NarrativeReview.objects.filter(report_id=report_id).values_list("pk", flat=True))
        ids.update(pses_ids_about([report_id]))
    return tuple(sorted(ids))


def _reports_named(object_id: str) -> list[uuid.UUID]:
    if _UUID.fullmatch(object_id):
        return list(EventReport.objects.filter(pk=object_id).values_list("pk", flat=True))
    if _SHORT_ID.fullmatch(object_id):
        # Short ids are the first 8 hex digits; two reports sharing them both count (rare, shown).
        return list(EventReport.objects.filter(pk__istartswith=object_id.lower()).values_list("pk", flat=True)[:5])
    return []
