"""The narrative review page. Thin: the report through `queries` (404 for
anything foreign), every change through `review`, one redirect after each good POST.

Flash messages name offsets and types only: they travel in a cookie, and identifier text
is PHI (invariant 4).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openpso import flows
from openpso.nonid import queries, review
from openpso.nonid.approved import redact_text
from openpso.nonid.deid import Span
from openpso.nonid.forms import TYPE_LABELS, AddSpanForm, RemoveSpanForm, ReviewForm
from openpso.nonid.models import NarrativeReview, ScrubCorrection
from openpso.reporting.actions import record_view
from openpso.reporting.models import EventReport

_CR = re.compile(r"\r\n?")
REPLACED = "this review was replaced because the narrative changed; check the highlights again"
# Where a service error about an input is shown on the add form.
FORM_FIELD = {"text": "text", "occurrence": "occurrence", "type": "span_type", "start": "text", "end": "text"}


def _page_url(report: EventReport, anchor: str = "") -> str:
    url = reverse("nonid:review", kwargs={"report_id": report.pk})
    return f"{url}#{anchor}" if anchor else url


@login_required
def review_page(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_report_for_review(request.user, report_id)
    current = review.review_for(report, by=request.user)
    return _render(request, report, current, AddSpanForm(initial={"review": current.pk, "occurrence": 1}))


def _pieces(narrative: str, start: int, end: int) -> list[dict[str, Any]]:
    """[start, end) cut at each line break written as CR LF or CR. The HTML parser turns those
    into a single LF, so each becomes a piece of its own and every other piece has exactly
    as many characters in the page as in the narrative: the script's offsets stay true."""
    pieces: list[dict[str, Any]] = []
    at = start
    for match in _CR.finditer(narrative, start, end):
        if match.start() > at:
            pieces.append({"start": at, "end": match.start(), "text": narrative[at : match.start()]})
        pieces.append({"start": match.start(), "end": match.end(), "text": match.group()})
        at = match.end()
    if at < end:
        pieces.append({"start": at, "end": end, "text": narrative[at:end]})
    return pieces


def _segments(narrative: str, spans: tuple[Span, ...]) -> list[dict[str, Any]]:
    """The narrative as plain runs and marked spans, each in pieces that carry their offsets."""
    out: list[dict[str, Any]] = []
    last = 0
    for span in spans:
        if span.start > last:
            out.append({"span": None, "pieces": _pieces(narrative, last, span.start)})
        out.append({"span": span, "pieces": _pieces(narrative, span.start, span.end)})
        last = span.end
    if last < len(narrative):
        out.append({"span": None, "pieces": _pieces(narrative, last, len(narrative))})
    return out


def _render(
    request: HttpRequest, report: EventReport, current: NarrativeReview, add_form: AddSpanForm, status: int = 200
) -> HttpResponse:
    # Reading the identified narrative inside the PSES is a use of PSWP (42 CFR 3.206).
    record_view(user=request.user, report=report, purpose=review.PURPOSE)
    narrative = report.narrative
    corrections = review.corrections_of(current)
    spans = review.final_spans(current, corrections)
    context = {
        "report": report,
        "review": current,
        "segments": _segments(narrative, spans),
        "rows": [
            {"span": s, "text": narrative[s.start : s.end], "label": TYPE_LABELS.get(s.type, s.type)} for s in spans
        ],
        "scrubbed": redact_text(narrative, spans),
        "to_pso": review.narrative_to_pso(report),
        "standing": review.standing_of(report),
        "corrections": [{"c": c, "text": narrative[c.start : c.end]} for c in corrections],
        "replaced_stale": review.replaced_a_stale_review(current),
        "add_form": add_form,
        "review_form": ReviewForm(initial={"review": current.pk}),
    }
    return render(request, "nonid/review.html", context, status=status)


def _is_current(form: ReviewForm, current: NarrativeReview) -> bool:
    return bool(form.cleaned_data["review"] == current.pk)


@login_required
@require_POST
def span_add(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_report_for_review(request.user, report_id)
    current = review.review_for(report, by=request.user)
    form = AddSpanForm(request.POST)
    if "review" in form.errors or (form.is_valid() and not _is_current(form, current)):
        messages.error(request, f"Nothing added: review: {REPLACED}.")
        return redirect(_page_url(report, "add"))
    if form.is_valid():
        try:
            added = _add(request, current, form.cleaned_data, report.narrative)
        except review.ReviewInvalid as exc:
            if exc.field not in FORM_FIELD:  # about the review itself (approved meanwhile): no form to show
                messages.error(request, f"Nothing added: {exc}.")
                return redirect(_page_url(report))
            # Offsets come from a selection, so their errors are shown at the text, named.
            form.add_error(FORM_FIELD[exc.field], str(exc) if exc.field in {"start", "end"} else exc.reason)
        else:
            where = ", ".join(f"{c.start}–{c.end}" for c in added)
            messages.success(request, f"Marked as {added[0].span_type}: characters {where}.")
            return redirect(_page_url(report, "identifiers"))
    return _render(request, report, current, form, status=400)


def _add(request: HttpRequest, current: NarrativeReview, data: dict[str, Any], narrative: str) -> list[ScrubCorrection]:
    span_type, text = data["span_type"], data["text"]
    start, end = data.get("start"), data.get("end")
    if start is not None and end is not None:
        # The text box shows the selection on one line; the offsets are what counts.
        inside = 0 <= start < end <= len(narrative)  # if not, add_span names the offset at fault
        if inside and "".join(narrative[start:end].split()) != "".join(text.split()):
            raise review.ReviewInvalid("text", "does not match the selected characters; select the text again")
        return [review.add_span(review=current, start=start, end=end, span_type=span_type, by=request.user)]
    occurrence = None if data.get("every") else data.get("occurrence")
    return review.add_text(review=current, text=text, occurrence=occurrence, span_type=span_type, by=request.user)


@login_required
@require_POST
def span_remove(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_report_for_review(request.user, report_id)
    current = review.review_for(report, by=request.user)
    form = RemoveSpanForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Not undone: " + "; ".join(f"{f}: {e}" for f, errs in form.errors.items() for e in errs)
        )
    elif not _is_current(form, current):
        messages.error(request, f"Not undone: review: {REPLACED}.")
    else:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        try:
            undone = review.remove_span(review=current, start=start, end=end, by=request.user)
        except review.ReviewInvalid as exc:
            messages.error(request, f"Not undone: {exc}.")
        else:
            messages.success(request, f"Undone: characters {start}–{end} ({undone.span_type}) stay as written.")
    return redirect(_page_url(report, "identifiers"))


@login_required
@require_POST
def approve(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_report_for_review(request.user, report_id)
    current = review.review_for(report, by=request.user)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not approved: review: missing; reload the page.")
    elif not _is_current(form, current):
        messages.error(request, f"Not approved: review: {REPLACED}.")
    else:
        try:
            review.approve(review=current, by=request.user)
        except review.ReviewInvalid as exc:
            messages.error(request, f"Not approved: {exc}.")
        else:
            flows.review_approved(report.pk)
            messages.success(
                request,
                "Approved: the PSO will pool the scrubbed text exactly as approved here, from the next "
                "submission of this event on; the review is kept as a labelled example for the engine.",
            )
    return redirect(_page_url(report))
