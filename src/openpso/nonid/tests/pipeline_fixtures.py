"""Submissions made from the demo's synthetic drafts, with planted identifiers, for pooling tests.

The drafts' narratives carry planted PHI with gold spans (`narrative.values`); the documents
built here add what the structured side can leak: provider and unit names, a staff member's
name in the narrative and answers, exact discovery and report times, a patient's name, date
of birth and ZIP code in answers, a device identifier. `planted_values` lists every one of
them, so a test can look for each in the lake.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from openpso.accounts.models import User
from openpso.demo.network import PSO_SLUG, BuiltNetwork, build_network
from openpso.demo.reports import ReportDraft, iter_drafts
from openpso.demo.users import create_demo_users
from openpso.submissions.models import Submission

TODAY = dt.date(2026, 1, 15)
TZ = ZoneInfo("America/New_York")
DOB = "1934-04-10"
UDI = "(01)00884838000001(17)250131(10)LOT77Q"
_YEAR = re.compile(r"(?:19|20)\d\d")
_SHORT_NUMBER = re.compile(r"\d{1,4}")


@dataclass
class DemoPool:
    network: BuiltNetwork
    authors: dict[str, list[User]]
    drafts: list[ReportDraft] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    @property
    def pso(self) -> Any:
        return self.network.pso


def build_pool(*, events: int, seed: int = 11, identifying_answers: bool = True) -> DemoPool:
    """The demo network with its people, and `events` current submissions made from drafts.

    `identifying_answers`: plant answers the submission builder never sends (patient name and
    date of birth, a device identifier, an unknown item), to prove the pipeline drops them;
    False gives documents as the builder makes them (the benchmark's case)."""
    network = build_network(today=TODAY)
    pool = DemoPool(network=network, authors=create_demo_users(network, seed=seed))
    pool.drafts = list(iter_drafts(seed=seed, total=events, today=TODAY, tz=TZ))
    rows = [
        submission_row(pool, draft, i, identifying_answers=identifying_answers) for i, draft in enumerate(pool.drafts)
    ]
    Submission.objects.bulk_create(rows, batch_size=500)
    pool.submissions = rows
    return pool


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def author_of(pool: DemoPool, draft: ReportDraft) -> User | None:
    if draft.author_pick is None:
        return None
    people = pool.authors[draft.provider_slug]
    return people[draft.author_pick % len(people)]


def document_of(
    pool: DemoPool, draft: ReportDraft, index: int = 0, *, identifying_answers: bool = True
) -> dict[str, Any]:
    provider = pool.network.providers[draft.provider_slug]
    unit = pool.network.units[draft.provider_slug][draft.unit_name]
    author = author_of(pool, draft)
    patients = [v for s, v in zip(draft.narrative.spans, draft.narrative.values, strict=True) if s.type == "PATIENT"]
    narrative = draft.narrative.text
    if author is not None:
        narrative += f" Reported by {author.get_full_name()}."
    answers: dict[str, Any] = {
        "HERF/DE47": DOB,  # identifying: never pooled
        "PIF/age": draft.patient_age if draft.patient_age is not None else 91,
        "Fall/assisted": "OPSO-FALL-ASSISTED",
        "Fall/activity": "found on the floor by the sink",  # open-choice free text
        "Medication/DE306": "2025-03-17",  # a date answer: month or year only
        "Device/udi": UDI,
        "Not/AnItem": "whatever this is, it is not pooled",
    }
    if patients:
        answers["HERF/DE46"] = patients[0]
        answers["SIR/summary"] = f"{patients[0]} was seen by the team; see narrative."
    if not identifying_answers:
        for link_id in ("HERF/DE46", "HERF/DE47", "Device/udi", "Not/AnItem"):
            answers.pop(link_id, None)
    if author is not None:
        answers["Fall/activity:other"] = f"{author.get_full_name()} found the patient"
    return {
        "schema": "openpso-submission/1",
        "event_id": str(draft.id),
        "provider_id": provider.pk,
        "unit": {"id": unit.pk, "name": unit.name, "unit_type": unit.unit_type},
        "event_type": draft.event_type,
        "categories": list(draft.categories),
        "category_other": draft.category_other,
        "discovered_at": _iso(draft.discovered_at),
        "reported_at": _iso(draft.reported_at),
        "harm": draft.harm,
        "patient": {"age_years": draft.patient_age, "sex": draft.patient_sex, "zip": ("03601", "19104")[index % 2]},
        "modules": ["cfer-h-1.2/fall"] if "A48" in draft.categories else [],
        "answers": answers,
        "narrative": narrative,
        "location_detail": draft.location_detail,
        "reporter_role": draft.reporter_role,
        "analysis": {
            "contributing_factors": [{"code": "OPSO-SIR-CF-COMMUNICATION", "label": "Communication"}],
            "actions": [
                {
                    "action_type": "forcing_function",
                    "strength": "stronger",
                    "status": "done",
                    "due_on": "2025-02-14",
                    "implemented_on": "2025-02-11",
                }
            ],
        },
    }


def version_of(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submission_row(
    pool: DemoPool, draft: ReportDraft, index: int = 0, *, identifying_answers: bool = True
) -> Submission:
    document = document_of(pool, draft, index, identifying_answers=identifying_answers)
    local = draft.discovered_at.astimezone(TZ)
    return Submission(  # type: ignore[misc]  # EncryptedJSONField takes a dict
        pso=pool.pso,
        provider=pool.network.providers[draft.provider_slug],
        event_id=draft.id,
        version=version_of(document),
        current=True,
        method="push",
        document=document,
        event_month=dt.date(local.year, local.month, 1),
        submitted_at=draft.reported_at,
    )


def new_version(old: Submission, *, event_month: dt.date | None = None, **changes: Any) -> Submission:
    """The provider sends the event again, changed: the old row stops being current."""
    document = {**old.document, **changes}
    if event_month is not None:  # the event turned out to have been discovered in another month
        document["discovered_at"] = f"{event_month:%Y-%m}-15T12:00:00Z"
    Submission.objects.filter(pk=old.pk).update(current=False)
    return Submission.objects.create(  # type: ignore[misc]  # EncryptedJSONField takes a dict
        pso=old.pso,
        provider=old.provider,
        event_id=old.event_id,
        version=version_of(document),
        current=True,
        method=old.method,
        document=document,
        event_month=event_month or old.event_month,
        submitted_at=timezone.now(),
    )


def planted_values(pool: DemoPool) -> set[str]:
    """Every identifier the pool's submissions carry that must not reach the lake.

    Ages of 89 and under and bare years may stay (Safe Harbor), and so do times of day
    (issue 14: not identifiers, and shift and time matter to safety), so they are left out.
    """
    values: set[str] = {DOB, UDI, "03601", "19104", PSO_SLUG}
    for draft in pool.drafts:
        for span, value in zip(draft.narrative.spans, draft.narrative.values, strict=True):
            if span.type == "TIME":
                continue
            if span.type == "AGE" or _SHORT_NUMBER.fullmatch(value):
                continue  # see planted_ages and planted_numbers: a bare number is not an identifier
            if _YEAR.fullmatch(value.strip()):
                continue
            values.add(value)
        values.add(str(draft.id))
        values |= {_iso(draft.discovered_at), _iso(draft.reported_at)}
        values |= {f"{draft.discovered_at:%Y-%m-%d}", f"{draft.discovered_at.astimezone(TZ):%Y-%m-%d}"}
        author = author_of(pool, draft)
        if author is not None:
            values |= {author.get_full_name(), author.email}
    for slug, provider in pool.network.providers.items():
        values |= {slug, provider.name}
        # Unit names that are one clinical word ("PACU", "Pharmacy") are vocabulary, not names.
        values |= {unit for unit in pool.network.units[slug] if " " in unit or any(c.isdigit() for c in unit)}
    for system in pool.network.systems.values():
        values |= {system.name, system.slug}
    values.add(pool.pso.name)
    return {v for v in values if v and len(v.strip()) > 2}


def planted_numbers(pool: DemoPool) -> set[str]:
    """Rooms and other identifiers of up to four digits ("120"): such numbers are also doses
    and counts, so a scan looks for them only after a cue ("room 120"). Times of day are not
    identifiers (issue 14) and are left out."""
    return {
        value
        for draft in pool.drafts
        for span, value in zip(draft.narrative.spans, draft.narrative.values, strict=True)
        if span.type not in {"AGE", "TIME"} and _SHORT_NUMBER.fullmatch(value) and len(value) > 2
    }


def planted_ages(pool: DemoPool) -> set[str]:
    """Ages over 89 written in the narratives: Safe Harbor lets none of them stay."""
    return {
        value
        for draft in pool.drafts
        for span, value in zip(draft.narrative.spans, draft.narrative.values, strict=True)
        if span.type == "AGE" and value.isdigit() and int(value) > 89
    }
