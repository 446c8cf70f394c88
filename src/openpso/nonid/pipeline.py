"""Non-identification of a submitted event before it enters the pool.

`nonidentify(submission, profile=...)` turns the PSO's identified copy of one event version
(`submissions.Submission`, document schema "openpso-submission/1") into a `PooledEvent` and
a removal record — what was removed or generalised, field by field, with the narrative
spans found per type, the engine version and the profile. It writes nothing.

- Patients, per HIPAA Safe Harbor (45 CFR 164.514(b)(2), 42 CFR 3.212(b)): ages over 89
  become 90 ("90+"), every date element but the one the profile keeps (month or year) goes,
  ZIP codes become ZIP3 where allowed, else "000".
- Providers and reporters, per 3.212(a): no names (the provider becomes its random pool code,
  the unit keeps only its type), no geography below the State (the State becomes its Census
  region), no unique codes (the event id becomes a keyed event key).
- Free text — narrative, location detail, "other" category, reporter role and every free-text
  answer — goes through the narrative engine (`nonid.deid`) in one batch, with what the PSO
  knows about the provider (its name, units, staff) as the context, so those are always caught.
  A narrative whose de-identification review the provider approved comes with the approved
  spans (`nonid.approved`): exactly those are replaced, not what the engine finds, and what
  the reviewer added is also looked for in the event's other free text.
  Coded values are kept only when they are codes of the list they belong to.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import regex
from django.contrib.auth import get_user_model
from django.db.models import Q

from openpso.nonid import approved
from openpso.nonid import pipeline_fields as pf
from openpso.nonid.approved import REVIEWER
from openpso.nonid.deid import VERSION, ScrubContext, Span, find_many, lexicon, people
from openpso.nonid.deid.engine import merge
from openpso.nonid.geography import census_region
from openpso.nonid.pipeline_answers import (
    Pending,
    clean_answers,
    known_from_answers,
    resolve,
)
from openpso.nonid.pipeline_fields import PooledAction
from openpso.nonid.profiles import LAKE_PROFILE, Profile
from openpso.nonid.pseudonyms import event_key, provider_pseudonym
from openpso.organizations.models import Organization

_FREE_TEXT_FIELDS = ("narrative", "location_detail", "category_other", "reporter_role")
_KNOWN_FIELDS = frozenset(
    {
        "schema",
        "event_id",
        "provider_id",
        "unit",
        "event_type",
        "categories",
        "discovered_at",
        "reported_at",
        "harm",
        "patient",
        "modules",
        "answers",
        "analysis",
        approved.DOCUMENT_FIELD,
        *_FREE_TEXT_FIELDS,
    }
)


@dataclass(frozen=True)
class ProviderFacts:
    """What the pipeline needs to know about the submitting provider."""

    id: int
    provider_type: str
    size_band: str
    state: str
    context: ScrubContext = field(default_factory=ScrubContext)
    pseudonym: str = ""  # the provider's code in its PSO's pool (nonid.pseudonyms); required


def provider_facts(provider: Organization) -> ProviderFacts:
    """Read what the PSO knows about a provider: its peer attributes and, as the narrative
    engine's context, the names of the provider, its units, its health system, the PSO's
    members in its State (the facilities its stories name) and the people holding roles there."""
    facilities = [provider.name, *provider.units.values_list("name", flat=True)]
    if provider.parent is not None:
        facilities.append(provider.parent.name)
    if provider.network_id is not None:
        nearby = Q(pk=provider.network_id) | Q(network_id=provider.network_id, state=provider.state)
        facilities += Organization.objects.filter(nearby).values_list("name", flat=True)
    # People only: an API key's account is named "API key <prefix> (<system>)", and its words
    # ("key", "API") would be scrubbed from every narrative as a staff member's name.
    people = get_user_model().objects.filter(memberships__organization=provider, is_service_account=False).distinct()
    return ProviderFacts(
        id=provider.pk,
        pseudonym=provider_pseudonym(provider),
        provider_type=provider.provider_type,
        size_band=provider.bed_size_band or provider.ems_volume_band,
        state=provider.state,
        context=ScrubContext.of(
            facility_names=facilities,
            staff_names=[person.get_full_name() for person in people],
            identifiers=[person.email for person in people if person.email],
        ),
    )


@dataclass(frozen=True)
class PooledEvent:
    """One event as the pool holds it: nothing here identifies a patient, provider or reporter."""

    event_key: str
    provider: str  # the provider's pseudonym
    provider_type: str | None
    size_band: str | None
    region: str | None
    event_month: str | None  # "YYYY-MM"; None where the profile keeps the year only
    event_year: int
    event_type: str | None
    categories: tuple[str, ...]
    harm: str | None
    patient_age_years: int | None  # 0–89, or 90 for "90+"; None where the profile keeps bands only
    patient_age_band: str | None
    patient_sex: str | None
    patient_zip3: str | None
    unit_type: str | None
    modules: tuple[str, ...]
    answers: str  # JSON object, linkId → non-identified value
    narrative: str
    location_detail: str | None
    category_other: str | None
    reporter_role: str | None
    method: str
    version_number: int  # which version of the event this is (1 = first received)
    profile: str
    engine_version: str
    contributing_factors: tuple[str, ...] = ()
    actions: tuple[PooledAction, ...] = ()


@dataclass
class NonidStats:
    """Seconds spent, for the lake's summary: in the narrative engine, and overall."""

    events: int = 0
    deid_seconds: float = 0.0
    total_seconds: float = 0.0
    spans: Counter[str] = field(default_factory=Counter)


def nonidentify(
    submission: Any, *, profile: Profile = LAKE_PROFILE, facts: ProviderFacts | None = None
) -> tuple[PooledEvent, dict[str, Any]]:
    """The pooled row and the removal record of one submission (see the module docstring)."""
    known = {submission.provider_id: facts} if facts is not None else None
    return nonidentify_many([submission], profile=profile, facts=known)[0]


def nonidentify_many(
    submissions: Sequence[Any],
    *,
    profile: Profile = LAKE_PROFILE,
    facts: Mapping[int, ProviderFacts] | None = None,
    stats: NonidStats | None = None,
    version_numbers: Mapping[Any, int] | None = None,
) -> list[tuple[PooledEvent, dict[str, Any]]]:
    """`nonidentify` for a batch: the narrative engine reads every free text of the batch at once.

    `facts` by provider id (looked up with `provider_facts` where missing); `version_numbers`
    by submission id (1 where missing). The same as `draft_many`, `scrub_texts` and
    `Drafts.finish` in turn, which the lake refresh calls apart to scrub on every core.
    """
    drafts = draft_many(submissions, profile=profile, facts=facts)
    return drafts.finish(scrub_texts(drafts.texts()), stats=stats, version_numbers=version_numbers)


def draft_many(
    submissions: Sequence[Any], *, profile: Profile = LAKE_PROFILE, facts: Mapping[int, ProviderFacts] | None = None
) -> Drafts:
    """Every part of a batch's pooled rows but its free texts, which wait for `scrub_texts`."""
    started = time.perf_counter()
    known = dict(facts or {})
    jobs = _Jobs()
    drafts: list[tuple[PooledEvent, dict[str, Any]]] = []
    for submission in submissions:
        if submission.provider_id not in known:
            known[submission.provider_id] = provider_facts(submission.provider)
        drafts.append(_draft(submission, known[submission.provider_id], profile, jobs, group=len(drafts)))
    return Drafts([s.pk for s in submissions], drafts, jobs, time.perf_counter() - started)


@dataclass(frozen=True)
class TextJobs:
    """A batch's free texts and, per event, its context and which texts are its: plain data,
    so `scrub_texts` can run in another process (the lake refresh's workers)."""

    texts: tuple[str, ...]
    groups: tuple[tuple[ScrubContext, tuple[int, ...]], ...]
    fixed: tuple[tuple[int, tuple[Span, ...]], ...] = ()  # a reviewer's approved spans, by text


@dataclass(frozen=True)
class ScrubbedTexts:
    done: list[tuple[str, Counter[str]]]  # each text of the batch scrubbed, and its spans by type
    seconds: float  # in the narrative engine


@dataclass
class Drafts:
    """A batch drafted by `draft_many`, waiting for its free texts."""

    keys: list[Any]  # submission ids, for the version numbers
    drafts: list[tuple[PooledEvent, dict[str, Any]]]
    jobs: _Jobs
    seconds: float  # drafting, and then finishing

    def texts(self) -> TextJobs:
        return self.jobs.work()

    def finish(
        self,
        scrubbed: ScrubbedTexts,
        *,
        stats: NonidStats | None = None,
        version_numbers: Mapping[Any, int] | None = None,
    ) -> list[tuple[PooledEvent, dict[str, Any]]]:
        """The pooled rows and removal records, once `scrubbed` holds the batch's free texts."""
        started = time.perf_counter()
        self.jobs.done = scrubbed.done
        results = [
            _finish(event, record, self.jobs, version_number=(version_numbers or {}).get(key, 1))
            for key, (event, record) in zip(self.keys, self.drafts, strict=True)
        ]
        if stats is not None:
            stats.events += len(results)
            stats.deid_seconds += scrubbed.seconds
            stats.total_seconds += self.seconds + time.perf_counter() - started + scrubbed.seconds
            for _, record in results:
                for counts in record["spans"].values():
                    stats.spans.update(counts)
        return results


class _Jobs:
    """Free texts waiting for the narrative engine, grouped by event.

    An event's texts go to the engine as one text, paragraphs apart: a name found in the
    narrative is then also caught where it recurs in an answer (the engine propagates names
    within a text), and the provider's known names are looked for once per event rather than
    once per field. Spans are cut back to each field afterwards.
    """

    SEPARATOR = "\n\n"

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.groups: dict[int, tuple[ScrubContext, list[int]]] = {}
        self.fixed: dict[int, tuple[Span, ...]] = {}
        self.done: list[tuple[str, Counter[str]]] = []

    def add(self, text: str, context: ScrubContext, *, group: int, spans: tuple[Span, ...] | None = None) -> Pending:
        """Queue `text`; with `spans` (a reviewer's approved spans) exactly those are replaced.
        The text still goes to the engine with its event, so a name in it is caught where it
        recurs in the event's other texts."""
        self.texts.append(text)
        self.groups.setdefault(group, (context, []))[1].append(len(self.texts) - 1)
        if spans is not None:
            self.fixed[len(self.texts) - 1] = spans
        return Pending(len(self.texts) - 1)

    def work(self) -> TextJobs:
        # Events with the same context side by side: the engine's compiled patterns stay warm.
        groups = sorted(self.groups.values(), key=lambda group: id(group[0]))
        return TextJobs(
            tuple(self.texts),
            tuple((context, tuple(members)) for context, members in groups),
            tuple(self.fixed.items()),
        )

    def text(self, pending: Pending) -> str:
        return self.done[pending.index][0]


def scrub_texts(jobs: TextJobs) -> ScrubbedTexts:
    """Each free text of a batch scrubbed: the engine reads an event's texts as one (see `_Jobs`).

    A pure function of plain data: it touches no database, so it can run in a worker process.
    """
    started = time.perf_counter()
    separator = _Jobs.SEPARATOR
    combined = [separator.join(jobs.texts[i] for i in members) for _, members in jobs.groups]
    contexts = [_present(context, text) for (context, _), text in zip(jobs.groups, combined, strict=True)]
    found = find_many(combined, contexts=contexts) if combined else []
    spans_of: dict[int, list[Span]] = {}
    for (_, members), text, engine_spans in zip(jobs.groups, combined, found, strict=True):
        spans = _with_first_names(text, engine_spans)
        start = 0
        for i in members:
            end = start + len(jobs.texts[i])
            spans_of[i] = [
                Span(max(s.start, start) - start, min(s.end, end) - start, s.type, s.source)
                for s in spans
                if s.start < end and s.end > start
            ]
            start = end + len(separator)
    for i, fixed in jobs.fixed:
        spans_of[i] = list(fixed)  # the reviewer's word is final (nonid.approved)
    done = [
        (approved.redact_text(text, spans_of[i]), Counter(s.type for s in spans_of[i]))
        for i, text in enumerate(jobs.texts)
    ]
    return ScrubbedTexts(done, time.perf_counter() - started)


_PARTS = re.compile(r"[\s,]+")
_PERSON_TYPES = frozenset({"PATIENT", "STAFF", "PERSON"})
_WORD_BEFORE = regex.compile(r"(?<![\p{L}\d'’\-.])(\p{Lu}[\p{Ll}'’\-]+) $")
_SENTENCE_END = frozenset(".!?:;\n")
COMMON_WORD = 4.0  # wordfreq Zipf: above this a capitalised word is an ordinary word, not a name
_VERB_ENDINGS = ("ed", "ing")


def _with_first_names(text: str, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """The engine's spans, each person's name widened over a first name it left just before it.

    The engine can catch "Ashcombe" as a name and leave an unusual first name standing
    ("Gareth [STAFF], RN"). A capitalised word right before a person's name, inside a sentence,
    that is neither a title, role or relation the engine knows nor a common English word, is
    taken as part of the name; at the start of a sentence, unless it reads as a verb ("Paged").
    """
    extra = []
    for span in spans:
        if span.type not in _PERSON_TYPES:
            continue
        found = _WORD_BEFORE.search(text, max(0, span.start - 40), span.start)
        if found is None:
            continue
        word = found.group(1).casefold()
        if word in people.CUE_WORDS or lexicon.zipf(word) >= COMMON_WORD:
            continue
        before = text[: found.start()].rstrip(" \t\"'“")
        opens_sentence = not before or before[-1] in _SENTENCE_END
        if opens_sentence and word not in lexicon.first_names() and word.endswith(_VERB_ENDINGS):
            continue  # "Paged [STAFF]", "Escorted [NAME]": a verb opening the sentence
        extra.append(Span(found.start(), span.end, span.type, "first-name"))
    return merge([*spans, *extra]) if extra else spans


def _present(context: ScrubContext, text: str) -> ScrubContext:
    """Only the known names and numbers that occur in `text`, in any case, whole or by part.

    A superset of what the engine's own look-up would find, so nothing is lost; it spares the
    engine a pattern per name for every event (a provider knows hundreds of names).
    """
    if context.is_empty():
        return context
    folded = text.casefold()

    def hits(values: tuple[str, ...], *, by_part: bool) -> list[str]:
        return [
            value
            for value in values
            if value.casefold() in folded
            or (by_part and any(len(p) > 1 and p.casefold() in folded for p in _PARTS.split(value)))
        ]

    return ScrubContext.of(
        patient_names=hits(context.patient_names, by_part=True),
        staff_names=hits(context.staff_names, by_part=True),
        other_names=hits(context.other_names, by_part=True),
        facility_names=hits(context.facility_names, by_part=False),
        identifiers=hits(context.identifiers, by_part=False),
    )


def _draft(
    submission: Any, facts: ProviderFacts, profile: Profile, jobs: _Jobs, *, group: int
) -> tuple[PooledEvent, dict[str, Any]]:
    doc: Mapping[str, Any] = submission.document or {}
    fields: dict[str, str] = {"event_id": "replaced_by_event_key", "provider_id": "replaced_by_pseudonym"}
    record: dict[str, Any] = {"profile": profile.id, "engine": VERSION, "fields": fields, "spans": {}}
    month: dt.date = submission.event_month
    reviewed = _reviewed_spans(doc, fields, record)
    context = _context(facts.context, doc.get("answers"))
    if reviewed:
        context = _with_reviewer_marks(context, doc["narrative"], reviewed)
    texts: dict[str, Pending] = {}
    for name in _FREE_TEXT_FIELDS:
        value = doc.get(name)
        if isinstance(value, str) and value.strip():
            spans = reviewed if name == "narrative" else None
            texts[name] = jobs.add(value, context, group=group, spans=spans)
            fields[name] = "scrubbed" if spans is None else "scrubbed_as_reviewed"
        elif value not in (None, ""):
            fields[name] = "removed_not_text"
    answer_jobs: list[Pending] = []

    def scrub(text: str) -> Pending:
        pending = jobs.add(text, context, group=group)
        answer_jobs.append(pending)
        return pending

    answers = clean_answers(doc.get("answers"), profile=profile, fields=fields, scrub=scrub)
    unit = pf.mapping(doc.get("unit"))
    unit_type = pf.unit_type(unit, fields)
    age_years, age_band = pf.patient_age(doc.get("patient"), profile, fields)
    for name in doc:
        if name not in _KNOWN_FIELDS:
            fields[name] = "removed_unknown_field"
    for name in ("discovered_at", "reported_at"):
        if doc.get(name):
            fields[name] = f"generalised_to_{profile.date_precision}" if name == "discovered_at" else "removed"
    fields["provider.name"] = "removed"
    fields["provider.state"] = "generalised_to_region" if profile.keeps("region") else "removed"
    patient = pf.mapping(doc.get("patient")) or {}
    analysis = pf.mapping(doc.get("analysis")) or {}
    if not facts.pseudonym:
        raise ValueError("ProviderFacts without the provider's pool pseudonym (see provider_facts)")
    event = PooledEvent(
        event_key=event_key(facts.id, submission.event_id),
        provider=facts.pseudonym,
        provider_type=(facts.provider_type or None) if profile.keeps("provider_type") else None,
        size_band=(facts.size_band or None) if profile.keeps("size_band") else None,
        region=census_region(facts.state) if profile.keeps("region") else None,
        event_month=f"{month:%Y-%m}" if profile.date_precision == "month" else None,
        event_year=month.year,
        event_type=pf.coded(doc.get("event_type"), fields, "event_type"),
        categories=pf.codes(doc.get("categories"), fields, "categories"),
        harm=pf.coded(doc.get("harm"), fields, "harm"),
        patient_age_years=age_years,
        patient_age_band=age_band,
        patient_sex=pf.coded(patient.get("sex"), fields, "patient.sex"),
        patient_zip3=pf.patient_zip3(patient, profile, fields),
        unit_type=unit_type,
        modules=pf.codes(doc.get("modules"), fields, "modules"),
        answers="",
        narrative="",
        location_detail=None,
        category_other=None,
        reporter_role=None,
        method=str(submission.method),
        version_number=1,
        profile=profile.id,
        engine_version=VERSION,
        contributing_factors=pf.factors(analysis.get("contributing_factors"), fields),
        actions=pf.actions(analysis.get("actions"), profile, fields),
    )
    record["_texts"], record["_answers"], record["_answer_jobs"] = texts, answers, answer_jobs
    return event, record


def _finish(
    event: PooledEvent, record: dict[str, Any], jobs: _Jobs, *, version_number: int
) -> tuple[PooledEvent, dict[str, Any]]:
    texts: dict[str, Pending] = record.pop("_texts")
    answers = resolve(record.pop("_answers"), jobs.text)
    spans: dict[str, dict[str, int]] = {}
    for name, pending in texts.items():
        counts = jobs.done[pending.index][1]
        if counts:
            spans[name] = dict(sorted(counts.items()))
    answer_counts: Counter[str] = Counter()
    for pending in record.pop("_answer_jobs"):
        answer_counts.update(jobs.done[pending.index][1])
    if answer_counts:
        spans["answers"] = dict(sorted(answer_counts.items()))
    record["spans"] = spans
    scrubbed = {name: jobs.text(pending) for name, pending in texts.items()}
    pooled = replace(
        event,
        answers=json.dumps(answers, sort_keys=True, separators=(",", ":")),
        narrative=scrubbed.get("narrative", ""),
        location_detail=scrubbed.get("location_detail"),
        category_other=scrubbed.get("category_other"),
        reporter_role=scrubbed.get("reporter_role"),
        version_number=version_number,
    )
    return pooled, record


def _reviewed_spans(doc: Mapping[str, Any], fields: dict[str, str], record: dict[str, Any]) -> tuple[Span, ...] | None:
    """The spans the provider's reviewer approved for the narrative, or None (the engine scrubs
    it): none sent, or they do not fit the narrative sent with them (noted in the record)."""
    entry = doc.get(approved.DOCUMENT_FIELD)
    narrative = doc.get("narrative")
    if entry is None or not isinstance(narrative, str):
        return None
    spans = approved.spans_from_document(entry, narrative)
    if spans is None:
        fields[approved.DOCUMENT_FIELD] = "ignored_not_fitting_the_narrative"
        return None
    fields[approved.DOCUMENT_FIELD] = "applied"
    record["review"] = approved.review_id_of(entry)
    return spans


# What a reviewer marked, as the engine's context knows it, so it is caught in the other texts.
_CONTEXT_OF_TYPE = {
    "PATIENT": "patient_names",
    "STAFF": "staff_names",
    "PERSON": "other_names",
    "FACILITY": "facility_names",
    "MRN": "identifiers",
    "ID": "identifiers",
    "PHONE": "identifiers",
    "EMAIL": "identifiers",
    "URL": "identifiers",
}


def _with_reviewer_marks(context: ScrubContext, narrative: str, spans: tuple[Span, ...]) -> ScrubContext:
    marked: dict[str, list[str]] = {}
    for span in spans:
        kind = _CONTEXT_OF_TYPE.get(span.type)
        if kind is not None and span.source == REVIEWER:
            marked.setdefault(kind, []).append(narrative[span.start : span.end])
    if not marked:
        return context
    return ScrubContext.of(
        patient_names=[*context.patient_names, *marked.get("patient_names", [])],
        staff_names=[*context.staff_names, *marked.get("staff_names", [])],
        other_names=[*context.other_names, *marked.get("other_names", [])],
        facility_names=[*context.facility_names, *marked.get("facility_names", [])],
        identifiers=[*context.identifiers, *marked.get("identifiers", [])],
    )


def _context(provider: ScrubContext, answers: Any) -> ScrubContext:
    """The provider's context plus the names and numbers of this event's identifying answers."""
    known = known_from_answers(answers)
    if not any(known.values()):
        return provider
    return ScrubContext.of(
        patient_names=[*provider.patient_names, *known["patient_names"]],
        staff_names=provider.staff_names,
        other_names=[*provider.other_names, *known["other_names"]],
        facility_names=provider.facility_names,
        identifiers=[*provider.identifiers, *known["identifiers"]],
    )
