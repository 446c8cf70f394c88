"""The submission document: what the PSO receives of one event (schema in docs/submissions.md).

`build_document` is the only place that decides what leaves the provider. It follows the
member agreement: the always-sent core (Common Formats codes, dates, harm, the patient's age
and sex, module answers) plus the optional groups the agreement shares (`SharedField`).
The reporter's identity and every answer a Common Formats definition marks identifying or
hidden (system-filled) stay at the provider. Deliberations and Just Culture
records are never read here (pses keeps them to itself, docs/decisions/0009); the analysis
comes from the RCA² investigation only, as codes. Where the narrative goes and a person
approved its de-identification review, the approved spans go with it (`narrative_review`):
the PSO pools the narrative scrubbed exactly so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from openpso.commonformats.answers import OTHER_SUFFIX
from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.model import Item
from openpso.organizations.models import MemberAgreement, SharedField
from openpso.organizations.timezones import local_date
from openpso.pses.models import EventReportLink
from openpso.pses.rca.models import ActionItem, Investigation
from openpso.pses.rca.queries import factor_labels
from openpso.pswp.status import PswpStatus
from openpso.reporting.completeness import missing_answers as open_questions
from openpso.reporting.models import EventReport
from openpso.reporting.queries import effective_answers
from openpso.submissions.models import DOCUMENT_SCHEMA

HERF = "cfer-h-1.2/herf"

Analysis = dict[str, Any]


@dataclass(frozen=True)
class Refusal:
    """Why an event cannot be submitted: the field at fault and the reason, in words."""

    field: str
    reason: str


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _item(link_id: str, modules: Iterable[str]) -> Item | None:
    """The definition item an answer belongs to, in HERF or one of the report's modules."""
    bare = link_id.removesuffix(OTHER_SUFFIX)
    for key in (HERF, *modules):
        definition = catalogue().get(key)
        if definition is not None and definition.has_item(bare):
            return definition.item(bare)
    return None


def shared_answers(answers: Mapping[str, Any], modules: Iterable[str]) -> dict[str, Any]:
    """Answers that may leave the provider, by linkId.

    Left out: items a definition marks `identifying` (names, dates of birth, record numbers,
    the reporter's contact details, the EMS run number), `hidden` items the system fills, and
    anything no definition knows. The CFER-H v2.0 `core` flag is our provisional reading of
    v2.0, so no answer is kept back because of it.
    """
    modules = list(modules)
    kept: dict[str, Any] = {}
    for link_id, value in answers.items():
        item = _item(link_id, modules)
        if item is None or item.identifying or item.hidden:
            continue
        kept[link_id] = value
    return dict(sorted(kept.items()))


def analyses_for(report_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Analysis]:
    """The RCA² analysis of each report's safety event, in a fixed number of queries.

    Contributing factors (OpenPSO extension codes with their labels, not AHRQ Common Formats
    codes: openpso-ext/contributing-factors-1.0) and the action plan's
    types, strengths, statuses and dates; never action texts, causal statements, facts or
    anything from deliberations.
    """
    links = dict(EventReportLink.objects.filter(report_id__in=list(report_ids)).values_list("report_id", "event_id"))
    investigations = {
        inv.event_id: inv
        for inv in Investigation.objects.filter(event_id__in=set(links.values())).only(
            "id", "event_id", "contributing_factors"
        )
    }
    actions: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for action in ActionItem.objects.filter(investigation__in=list(investigations.values())).order_by(
        "created_at", "id"
    ):
        actions.setdefault(action.investigation_id, []).append(
            {
                "action_type": action.action_type,
                "strength": action.strength,
                "status": action.status,
                "due_on": action.due_on.isoformat(),
                "implemented_on": action.implemented_on.isoformat() if action.implemented_on else None,
            }
        )
    found: dict[uuid.UUID, Analysis] = {}
    for report_id, event_id in links.items():
        inv = investigations.get(event_id)
        if inv is None:
            continue
        codes = list(inv.contributing_factors or [])
        found[report_id] = {
            "contributing_factors": [
                {"code": code, "label": label} for code, label in zip(codes, factor_labels(codes), strict=True)
            ],
            "actions": actions.get(inv.id, []),
        }
    return found


EMPTY_ANALYSIS: Analysis = {"contributing_factors": [], "actions": []}


def build_document(
    report: EventReport,
    agreement: MemberAgreement,
    *,
    analysis: Analysis | None = None,
    answers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The document the PSO receives of `report` under `agreement` (DOCUMENT_SCHEMA).

    `analysis` and `answers` (the effective answers) may be passed in when the caller
    loaded many at once (`analyses_for`, `reporting.queries.effective_answers_for`).
    """
    unit = report.unit
    document: dict[str, Any] = {
        "schema": DOCUMENT_SCHEMA,
        "event_id": str(report.pk),  # DE2
        "provider_id": report.provider_id,
        "unit": None if unit is None else {"id": unit.pk, "name": unit.name, "unit_type": unit.unit_type},
        "event_type": report.event_type,  # DE3
        "categories": list(report.categories),  # DE21
        "category_other": report.category_other,
        "discovered_at": _utc(report.discovered_at),  # DE9
        "reported_at": _utc(report.reported_at),  # DE30, to the hour when anonymous
        "harm": report.harm,
        "patient": {"age_years": report.patient_age_years, "sex": report.patient_sex},
        "modules": list(report.modules),
        # The reporter's answers as the safety team completed or corrected them.
        "answers": shared_answers(effective_answers(report) if answers is None else answers, report.modules),
    }
    if agreement.shares(SharedField.NARRATIVE):
        from openpso.nonid import approved, review  # the engine's modules: loaded by the warm-up, not at start

        document["narrative"] = report.narrative
        standing = review.standing_of(report)
        if standing.pooling == review.APPROVED_SPANS and standing.review is not None:
            # Offsets and types only, in the same encrypted document as the narrative they fit.
            document[approved.DOCUMENT_FIELD] = approved.to_document(
                review_id=standing.review.pk,
                engine_version=standing.review.engine_version,
                spans=review.final_spans(standing.review),
            )
    if agreement.shares(SharedField.LOCATION_DETAIL):
        document["location_detail"] = report.location_detail
    if agreement.shares(SharedField.REPORTER_ROLE):
        document["reporter_role"] = report.reporter_role
    if agreement.shares(SharedField.ANALYSIS):
        if analysis is None:
            analysis = analyses_for([report.pk]).get(report.pk)
        document["analysis"] = analysis or EMPTY_ANALYSIS
    return document


def version_of(document: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces): equal content, equal version."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def missing_answers(report: EventReport, answers: Mapping[str, Any] | None = None) -> list[Refusal]:
    """Every required module question left open, in words: checked at submission, not at
    intake (reporting.modules lets frontline reporters leave them to the safety team, who
    complete them on the report's answers page)."""
    given = effective_answers(report) if answers is None else answers
    return [
        Refusal(f"answers.{m.link_id}", f"{m.words} must be answered before submission [{m.link_id}]")
        for m in open_questions(report, given)
    ]


def _missing_answers(report: EventReport) -> Refusal | None:
    """The first missing answer, saying how many more there are (one refusal per event)."""
    missing = missing_answers(report)
    if not missing:
        return None
    first = missing[0]
    if len(missing) == 1:
        return first
    more = len(missing) - 1
    return Refusal(first.field, f"{first.reason}, and {more} more question{'s' if more > 1 else ''}")


def refusal_of(report: EventReport, agreement: MemberAgreement | None, *, complete: bool = True) -> Refusal | None:
    """Why `report` may not be submitted under `agreement`, or None when it may.

    `complete`: also require every module question the definitions mark required (push);
    functional reporting gives the PSO access to the record as it stands.
    """
    if report.pswp_status in {PswpStatus.DROPPED_OUT, PswpStatus.NOT_PSWP}:
        # 42 CFR 3.20: what left the PSES (or never was PSWP) is not reported to a PSO.
        shown = PswpStatus(report.pswp_status).label.lower()
        return Refusal("pswp_status", f"the report is {shown}; only PSWP in the PSES can be reported (42 CFR 3.20)")
    if agreement is None:
        today = local_date(timezone.now(), report.provider).isoformat()  # the provider's day, as its pages show
        return Refusal("agreement", f"no member agreement with the PSO is in force on {today}")
    if not report.categories:
        return Refusal("categories", "the event has no category (DE21); the agreement covers events by category")
    outside = [c for c in report.categories if c not in set(agreement.categories or [])]
    if outside:
        covered = ", ".join(agreement.categories or []) or "none"
        return Refusal(
            "categories",
            f"categories {', '.join(outside)} are outside the member agreement (it covers {covered})",
        )
    if agreement.shares(SharedField.NARRATIVE):
        from openpso.nonid import approved, review  # as above

        standing = review.standing_of(report)
        if standing.waits:
            return Refusal(approved.DOCUMENT_FIELD, review.waiting_reason(report, standing))
    return _missing_answers(report) if complete else None
