"""The audit-log pages: search and filter the trail, export it as CSV, verify the chain.

Who reads which rows is `audit_access.audited_orgs_for` (the policy is written there); everyone
else gets 404, as for anything foreign. Reading the trail is not a use of PSWP (it holds ids and
codes only), but exporting it and verifying the chain are recorded, so the trail shows who took
a copy of it and when its integrity was last checked.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpso.accounts.api_keys import key_prefix_of
from openpso.audit.events import object_type_of
from openpso.audit.models import AuditEvent, AuditEventQuerySet
from openpso.audit.search import (
    AuditQuery,
    action_words,
    csv_rows,
    detail_items,
    kind_words,
    object_types_in,
    search,
)
from openpso.audit.trail import record, verify_chain
from openpso.core.audit_access import audited_orgs_for, events_for_orgs, ids_about
from openpso.core.events import CoreAction

PAGE = 100
TEXT_MAX = 100


class AuditFilter(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=TEXT_MAX,
        help_text="Words or ids in the action, purpose, object id or detail.",
    )
    object_id = forms.CharField(
        label="Object id",
        required=False,
        max_length=TEXT_MAX,
        help_text="A report id (full or the 8-character short id) finds every row about that report.",
    )
    object_type = forms.ChoiceField(label="Kind of object", required=False)
    # Typed, not chosen from a list of people: an API key's service account is no person, but the
    # rows it wrote are found by its key's prefix (`actor_words` labels them).
    actor = forms.CharField(
        label="Who", required=False, max_length=TEXT_MAX, help_text="E-mail (or part), user id, or an API key's prefix."
    )
    since = forms.DateField(label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label="To (date, inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any"), *((t, f"{kind_words(t)} ({t})") for t in object_types)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "must be on or after the From date")
        return data

    def query(self) -> AuditQuery:
        """The search this form asks for; an invalid form searches nothing extra."""
        if not self.is_valid():
            return AuditQuery()
        data = self.cleaned_data
        used = tuple(name for name in self.fields if data.get(name))
        return AuditQuery(
            text=data.get("q") or "",
            object_ids=ids_about(data.get("object_id") or ""),
            object_type=data.get("object_type") or "",
            actor=data.get("actor") or "",
            since=_start_of(data.get("since")),
            until=_start_of(data["until"] + dt.timedelta(days=1)) if data.get("until") else None,
            used=used,
        )


def actor_words(label: str) -> str:
    """Who acted, for the page: an API key's service account as its key, not as an e-mail address
    no one reads (`key-<prefix>@api-keys.invalid`)."""
    prefix = key_prefix_of(label)
    return label if prefix is None else f"API key opso_{prefix}_… (its service account)"


def _start_of(day: dt.date | None) -> dt.datetime | None:
    # Dates are read in the time zone the pages show times in (the current one).
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _scope(request: HttpRequest) -> tuple[list[int], AuditEventQuerySet]:
    org_ids = list(audited_orgs_for(request.user).values_list("id", flat=True))
    if not org_ids:
        raise Http404("No audit log for you here")
    return org_ids, events_for_orgs(org_ids)


def _filtered(request: HttpRequest) -> tuple[list[int], AuditFilter, AuditQuery, AuditEventQuerySet]:
    org_ids, events = _scope(request)
    form = AuditFilter(request.GET or None, object_types=object_types_in(events))
    query = form.query()
    return org_ids, form, query, search(events, query)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The trail of the organisations the reader oversees, newest first, with filters."""
    _, form, _, events = _filtered(request)
    page = Paginator(events, PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "e": e,
            "who": actor_words(e.actor_label),
            "detail": detail_items(e),
            "action": action_words(e.action),
            "kind": kind_words(e.object_type),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "rows": rows, "form": form, "query": query.urlencode()}
    return render(request, "core/audit_log.html", context)


@login_required
def audit_log_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered trail as CSV, every cell guarded against spreadsheet formulas."""
    org_ids, form, query, events = _filtered(request)
    if form.is_bound and not form.is_valid():
        # Never the whole trail in place of the filtered one the reader asked for (invariant 7).
        labels = {name: str(form[name].label) for name in form.fields}
        problems = "; ".join(
            f"{labels.get(name, 'Filters')}: {' '.join(map(str, errs))}" for name, errs in form.errors.items()
        )
        return HttpResponse(f"Nothing exported: {problems}", status=400, content_type="text/plain; charset=utf-8")
    # Which filters were used, never their values: a search box may hold anything typed (invariant 4).
    detail = {"rows": events.count(), "filters": sorted(query.used)}
    for org_id in org_ids:
        record(
            actor=request.user,
            action=CoreAction.AUDIT_EXPORTED,
            object_type=object_type_of(AuditEvent),
            object_id="csv",
            organization_id=org_id,
            purpose="audit.review",
            detail=detail,
        )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(events: AuditEventQuerySet) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in csv_rows(events):
        yield writer.writerow(row)


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Re-hash the whole chain, as `openpso audit verify` does, and say what was found.

    The chain is one for the whole installation (each row links to the one before, whoever's it
    is), so the check covers every row; the page says only whether it holds and, if not, the
    first broken row's number and why — never another organisation's contents.
    """
    org_ids, _ = _scope(request)
    verdict = verify_chain()
    detail = {"ok": verdict.ok, "checked": verdict.checked, "first_broken_seq": verdict.first_broken_seq}
    for org_id in org_ids:
        record(
            actor=request.user,
            action=CoreAction.AUDIT_CHAIN_VERIFIED,
            object_type=object_type_of(AuditEvent),
            object_id="chain",
            organization_id=org_id,
            purpose="audit.review",
            detail=detail,
        )
    if verdict.ok:
        messages.success(request, f"Audit chain intact: {verdict.checked} events checked, none edited or deleted.")
    else:
        messages.error(
            request,
            f"Audit chain broken after {verdict.checked} intact events: {verdict.reason}. "
            "Report this to your security officer; the rows from there on cannot be trusted.",
        )
    return redirect("core:audit-log")
