"""Review of how the engine scrubs a report's narrative.

The engine's recall is not perfect (docs/decisions/0010-deid-engine.md), so a person has the last word.

The engine (`openpso.nonid.deid`) finds identifiers; a person of the provider's PSES checks
the result, adds what the engine missed and undoes what it wrongly took, then approves.
The reviewer's word is final. The PSO receives the narrative as written, as PSWP
(`submissions.document`, docs/submissions.md); once a review of the narrative as it stands is
approved, the spans it approved travel with it (`approved.to_document`: offsets and types) and
the PSO's non-identification run (`nonid.pipeline`) replaces exactly those before anything is
pooled, so the pool holds `approved_scrubbed_text` byte for byte. Without an approved review
the PSO's run scrubs the narrative with the engine. When the narrative changes after an
approval, the approval no longer fits and the submission waits until a person approves the
new text (`standing_of`, `WAITING`). `narrative_to_pso` and `standing_of` say which; the review
page shows both.
Every correction and the approval are audited with offsets and types only (invariant 4):
the identifier text never reaches the audit log. The corrections are kept as labelled
examples (`examples.py`) the engine is checked against (`openpso deid-examples regressions`).

Keyword-only functions throughout; each change is one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.nonid import approved
from openpso.nonid.approved import redact_text
from openpso.nonid.deid import SPAN_TYPES, VERSION, ScrubContext, Span, find
from openpso.nonid.events import NonidAction
from openpso.nonid.models import CorrectionAction, NarrativeReview, ReviewState, ScrubCorrection
from openpso.organizations.models import SharedField, Unit
from openpso.organizations.queries import agreement_in_force
from openpso.reporting.models import EventReport

PURPOSE = "nonid.review"
# What the PSO receives of a narrative when the event is submitted (`narrative_to_pso`).
AS_WRITTEN, NOT_SHARED, NO_AGREEMENT = "as_written", "not_shared", "no_agreement"
REVIEWER = approved.REVIEWER  # the `source` of a span a person added


class ReviewInvalid(ValueError):
    """A change that cannot be made; `field` names the input and `reason` says why (invariant 7)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def narrative_to_pso(report: EventReport) -> str:
    """What the PSO receives of `report`'s narrative when the event is submitted, decided as
    `submissions.document.build_document` decides it: under the member agreement in force,
    the text as written (AS_WRITTEN: identified, and PSWP at the PSO, 42 CFR 3.206(b)(4)(i)),
    or none (NOT_SHARED); with no agreement in force nothing is sent (NO_AGREEMENT)."""
    agreement = agreement_in_force(report.provider)
    if agreement is None:
        return NO_AGREEMENT
    return AS_WRITTEN if agreement.shares(SharedField.NARRATIVE) else NOT_SHARED


def narrative_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_stale(review: NarrativeReview, narrative: str | None = None) -> bool:
    """Whether the report's narrative changed since the review was made (its offsets no longer fit)."""
    text = review.report.narrative if narrative is None else narrative
    return not hmac.compare_digest(review.narrative_digest, narrative_digest(text))


def context_for(report: EventReport) -> ScrubContext:
    """What the provider already knows about the people and places a narrative may name.

    The provider's and its health system's names and its units' names are facilities; the
    names of everyone holding a role at the provider are staff; the reporter (never on an
    anonymous report, which keeps no reporter) is an "other" name.
    """
    provider = report.provider
    facilities = [provider.name, *Unit.objects.filter(provider=provider).values_list("name", flat=True)]
    if provider.parent_id is not None and provider.parent is not None:
        facilities.append(provider.parent.name)
    # People only: an API key's account is named "API key <prefix> (<system>)", and its words
    # ("key", "API") would be scrubbed from every narrative as a staff member's name.
    people = get_user_model().objects.filter(memberships__organization=provider, is_service_account=False).distinct()
    staff = [person.get_full_name() for person in people]
    others = [report.reporter.get_full_name()] if report.reporter is not None and not report.anonymous else []
    return ScrubContext.of(facility_names=facilities, staff_names=staff, other_names=others)


def _spans_json(spans: Iterable[Span]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "type": s.type, "source": s.source} for s in spans]


def engine_spans(review: NarrativeReview) -> tuple[Span, ...]:
    spans = (
        Span(int(s["start"]), int(s["end"]), str(s["type"]), str(s.get("source", ""))) for s in review.engine_spans
    )
    return _non_overlapping(spans)


def _non_overlapping(spans: Iterable[Span]) -> tuple[Span, ...]:
    kept: list[Span] = []
    for span in sorted(spans):
        if kept and span.start < kept[-1].end:
            continue  # the engine promises none; an earlier span keeps the text if it ever does
        kept.append(span)
    return tuple(kept)


def latest_review(report: EventReport) -> NarrativeReview | None:
    return NarrativeReview.objects.filter(report=report).order_by("-id").first()


def _engine_is_newer(review: NarrativeReview) -> bool:
    # An untouched draft follows the engine; once a person corrected or approved it, it stays.
    return review.state == ReviewState.DRAFT and review.engine_version != VERSION and not review.corrections.exists()


def review_for(report: EventReport, *, by: Any = None) -> NarrativeReview:
    """The current review of `report`'s narrative, made from the engine when there is none yet,
    when the narrative changed since the last one (stale), or when a newer engine can redo an
    untouched draft. Earlier reviews stay as they were: they are the record of what was seen."""
    with transaction.atomic():
        # One maker at a time: two first visits must not make two reviews of the same text.
        list(EventReport.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True))
        current = latest_review(report)
        narrative = report.narrative
        if current is not None and not is_stale(current, narrative) and not _engine_is_newer(current):
            return current
        spans = find(narrative, context=context_for(report))
        review = NarrativeReview.objects.create(
            report=report,
            engine_version=VERSION,
            engine_spans=_spans_json(spans),
            narrative_digest=narrative_digest(narrative),
        )
        detail: dict[str, object] = {"report": str(report.pk), "engine_version": VERSION, "spans": len(spans)}
        if current is not None:
            detail["replaces"] = current.pk
            detail["reason"] = "narrative_changed" if is_stale(current, narrative) else "engine_updated"
        _audit(by=by, action=NonidAction.REVIEW_MADE, review=review, detail=detail)
    return review


def replaced_a_stale_review(review: NarrativeReview) -> bool:
    """Whether an earlier review of the same report was set aside because the narrative changed."""
    earlier = NarrativeReview.objects.filter(report_id=review.report_id, id__lt=review.pk).order_by("-id").first()
    return earlier is not None and earlier.narrative_digest != review.narrative_digest


def corrections_of(review: NarrativeReview) -> list[ScrubCorrection]:
    return list(review.corrections.order_by("id").select_related("made_by"))


def final_spans(review: NarrativeReview, corrections: Sequence[ScrubCorrection] | None = None) -> tuple[Span, ...]:
    """The engine's spans with the reviewers' corrections applied in the order they were made.

    An added span wins over the spans it overlaps, but only where it overlaps: what they
    covered outside it stays redacted with their type, so adding never un-redacts anything
    (only an undo does). An undo removes the span with exactly those offsets. The result
    is sorted and non-overlapping, as `redact` expects.
    """
    narrative = review.report.narrative
    spans = list(engine_spans(review))
    for correction in corrections_of(review) if corrections is None else corrections:
        if correction.action == CorrectionAction.ADD:
            added = Span(correction.start, correction.end, correction.span_type, REVIEWER)
            spans = [piece for span in spans for piece in _outside(span, added, narrative)] + [added]
        else:
            spans = [s for s in spans if (s.start, s.end) != (correction.start, correction.end)]
    return tuple(sorted(spans))


def _outside(span: Span, added: Span, narrative: str) -> list[Span]:
    """The parts of `span` that `added` does not cover, without white space at their edges."""
    if span.end <= added.start or span.start >= added.end:
        return [span]
    pieces = []
    for start, end in ((span.start, added.start), (added.end, span.end)):
        while start < end and narrative[start].isspace():
            start += 1
        while end > start and narrative[end - 1].isspace():
            end -= 1
        if start < end:
            pieces.append(Span(start, end, span.type, span.source))
    return pieces


def scrubbed_text(review: NarrativeReview) -> str:
    """The narrative with every final span replaced by its placeholder, as the pool holds it
    once the review is approved (`approved.redact_text`, the function the PSO's run uses)."""
    narrative = review.report.narrative
    if is_stale(review, narrative):
        raise ReviewInvalid("review", "the narrative changed since this review was made; review it again")
    return redact_text(narrative, final_spans(review))


def approved_scrubbed_text(report: EventReport) -> str | None:
    """The scrubbed text, but only once a person approved a review of the narrative as it
    stands now; None otherwise. It is what the pool holds of the narrative once the event is
    submitted (`standing_of`, `nonid.pipeline`)."""
    review = latest_review(report)
    if review is None or not review.is_approved or is_stale(review, report.narrative):
        return None
    return scrubbed_text(review)


# How the PSO's non-identification run scrubs the narrative of a submitted event.
APPROVED_SPANS = "approved_spans"  # exactly the spans a person approved (they go with the narrative)
ENGINE = "engine"  # no review was ever approved: the PSO's run scrubs it with the engine
WAITING = "waiting"  # approved once, but the narrative changed since: submission waits for a new approval


def review_url(report: EventReport) -> str:
    return reverse("nonid:review", kwargs={"report_id": report.pk})


def waiting_reason(report: EventReport, standing: Standing) -> str:
    """Why a WAITING report's submission waits, in words, with where to review it."""
    approved_at = standing.last_approved.approved_at if standing.last_approved is not None else None
    approved_on = f" on {approved_at.date().isoformat()}" if approved_at is not None else ""
    again = (
        "its new review is not approved yet"
        if standing.review is not None and not is_stale(standing.review, report.narrative)
        else "review it again"
    )
    return (
        f"the narrative changed after its de-identification review was approved{approved_on}; {again}: "
        f"approve the review at {review_url(report)} (the PSO pools the narrative only as a reviewer approved it)"
    )


@dataclass(frozen=True)
class Standing:
    """Where a report's narrative stands for submission: `pooling` (APPROVED_SPANS, ENGINE or
    WAITING); `review`, the latest review (the approved one under APPROVED_SPANS);
    `last_approved`, the newest approved review of any version of the narrative."""

    pooling: str
    review: NarrativeReview | None = None
    last_approved: NarrativeReview | None = None

    @property
    def waits(self) -> bool:
        return self.pooling == WAITING


def standings_for(reports: Sequence[EventReport]) -> dict[Any, Standing]:
    """`standing_of` for many reports in one query, by report id."""
    by_report: dict[Any, list[NarrativeReview]] = {}
    reviews = NarrativeReview.objects.filter(report_id__in=[r.pk for r in reports]).order_by("report_id", "-id")
    for item in reviews.select_related("approved_by"):
        by_report.setdefault(item.report_id, []).append(item)
    return {report.pk: _standing(report, by_report.get(report.pk, [])) for report in reports}


def standing_of(report: EventReport) -> Standing:
    """Whether the pool will hold `report`'s narrative as a person approved it (APPROVED_SPANS),
    as the engine scrubs it (ENGINE: no review was ever approved), or whether its submission
    waits because the narrative changed after an approval (WAITING)."""
    return standings_for([report])[report.pk]


def _standing(report: EventReport, newest_first: list[NarrativeReview]) -> Standing:
    for item in newest_first:
        item.report = report  # one narrative read for all of them; final_spans reads it from here
    latest = newest_first[0] if newest_first else None
    last_approved = next((item for item in newest_first if item.is_approved), None)
    if latest is not None and latest.is_approved and not is_stale(latest, report.narrative):
        return Standing(APPROVED_SPANS, latest, latest)
    if last_approved is None:
        return Standing(ENGINE, latest, None)
    return Standing(WAITING, latest, last_approved)


def _check_open(review: NarrativeReview, narrative: str) -> None:
    if review.is_approved:
        raise ReviewInvalid("review", "it is approved already and can no longer be changed")
    if is_stale(review, narrative):
        raise ReviewInvalid("review", "the narrative changed since this review was made; review it again")


def _check_offsets(narrative: str, start: int, end: int) -> None:
    length = len(narrative)
    if not 0 <= start < length:
        raise ReviewInvalid("start", f"must be between 0 and {length - 1} (inside the narrative)")
    if not 0 < end <= length:
        raise ReviewInvalid("end", f"must be between 1 and {length} (inside the narrative)")
    if start >= end:
        raise ReviewInvalid("end", "must be after start")
    if not narrative[start:end].strip():
        raise ReviewInvalid("start", "the span holds only white space")


def _check_type(span_type: str) -> None:
    if span_type not in SPAN_TYPES:
        raise ReviewInvalid("type", f"must be one of {', '.join(SPAN_TYPES)}")


def add_span(*, review: NarrativeReview, start: int, end: int, span_type: str, by: Any) -> ScrubCorrection:
    """Mark narrative[start:end] as an identifier the engine missed (or re-type one it found)."""
    narrative = review.report.narrative
    _check_open(review, narrative)
    _check_offsets(narrative, start, end)
    _check_type(span_type)
    if (start, end, span_type) in {(s.start, s.end, s.type) for s in final_spans(review)}:
        raise ReviewInvalid("start", f"characters {start}–{end} are already marked as {span_type}")
    return _correct(review=review, action=CorrectionAction.ADD, start=start, end=end, span_type=span_type, by=by)


def remove_span(*, review: NarrativeReview, start: int, end: int, by: Any) -> ScrubCorrection:
    """Undo the span at exactly [start, end): a false positive of the engine, or a mistaken addition."""
    _check_open(review, review.report.narrative)
    span = next((s for s in final_spans(review) if (s.start, s.end) == (start, end)), None)
    if span is None:
        raise ReviewInvalid("start", f"no span covers exactly characters {start}–{end}; reload the review")
    return _correct(review=review, action=CorrectionAction.REMOVE, start=start, end=end, span_type=span.type, by=by)


def _correct(*, review: NarrativeReview, action: str, start: int, end: int, span_type: str, by: Any) -> ScrubCorrection:
    with transaction.atomic():
        correction = ScrubCorrection.objects.create(
            review=review, action=action, start=start, end=end, span_type=span_type, made_by=by, made_at=timezone.now()
        )
        verb = NonidAction.SPAN_ADDED if action == CorrectionAction.ADD else NonidAction.SPAN_REMOVED
        detail = {"report": str(review.report_id), "start": start, "end": end, "type": span_type}
        _audit(by=by, action=verb, review=review, detail=detail)
    return correction


def approve(*, review: NarrativeReview, by: Any) -> NarrativeReview:
    """The person accepts the scrubbed text as naming no one; the review is frozen, becomes a
    labelled example for the engine (`examples.py`), and its spans are what the pool holds of
    the narrative from the next submission of the event on (`standing_of`)."""
    with transaction.atomic():
        review = NarrativeReview.objects.select_for_update().select_related("report").get(pk=review.pk)
        _check_open(review, review.report.narrative)
        corrections = corrections_of(review)
        review.state = ReviewState.APPROVED
        review.approved_by = by
        review.approved_at = timezone.now()
        review.save(update_fields=["state", "approved_by", "approved_at"])
        detail = {
            "report": str(review.report_id),
            "engine_version": review.engine_version,
            "spans": len(final_spans(review, corrections)),
            "added": sum(c.action == CorrectionAction.ADD for c in corrections),
            "removed": sum(c.action == CorrectionAction.REMOVE for c in corrections),
        }
        _audit(by=by, action=NonidAction.REVIEW_APPROVED, review=review, detail=detail)
    return review


def occurrences(narrative: str, text: str) -> list[tuple[int, int]]:
    """Where `text` occurs in the narrative (exactly, not overlapping), as [start, end) pairs."""
    found: list[tuple[int, int]] = []
    at = narrative.find(text) if text else -1
    while at != -1:
        found.append((at, at + len(text)))
        at = narrative.find(text, at + len(text))
    return found


def add_text(
    *, review: NarrativeReview, text: str, occurrence: int | None, span_type: str, by: Any
) -> list[ScrubCorrection]:
    """Without offsets (no JavaScript): mark the n-th occurrence of `text`, or every one (None)."""
    _check_type(span_type)
    places = occurrences(review.report.narrative, text)
    if not places:
        raise ReviewInvalid("text", "does not occur in the narrative (it must match exactly, capitals included)")
    if occurrence is not None and not 1 <= occurrence <= len(places):
        times = "once" if len(places) == 1 else f"{len(places)} times"
        raise ReviewInvalid("occurrence", f"the text occurs {times}; choose 1 to {len(places)}")
    chosen = places if occurrence is None else [places[occurrence - 1]]
    already = {(s.start, s.end, s.type) for s in final_spans(review)}
    todo = [(start, end) for start, end in chosen if (start, end, span_type) not in already]
    if not todo:
        raise ReviewInvalid("text", f"is already marked as {span_type} there")
    with transaction.atomic():
        return [add_span(review=review, start=start, end=end, span_type=span_type, by=by) for start, end in todo]


def _audit(*, by: Any, action: NonidAction, review: NarrativeReview, detail: dict[str, object]) -> None:
    # Offsets, types and ids only: the identifier text is PHI and stays out of the log (invariant 4).
    record(
        actor=by,
        action=action,
        object_type=object_type_of(review),
        object_id=str(review.pk),
        organization_id=review.report.provider_id,
        purpose=PURPOSE,
        detail=detail,
    )
