"""Finding events in the audit trail: the filters of the audit-log page and its CSV.

A leaf like the rest of `audit`: the caller says which organisations' rows may be searched
(`events_for`) and, for an object, which ids belong to it (a report's submissions, safety
events…); this module only narrows a queryset and writes rows out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from openpso.audit.models import AuditEvent, AuditEventQuerySet
from openpso.lib.spreadsheet import safe_cell

CSV_COLUMNS = (
    "seq",
    "at_utc",
    "actor",
    "actor_id",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "detail",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class AuditQuery:
    """What to look for; every part is optional and they combine with AND.

    `text` matches the object id, the action, the purpose or the detail (codes and ids);
    `object_ids` are the ids of one object and of the objects about it, matched as the row's
    object or anywhere in its detail; `since`/`until` are instants, `until` exclusive.
    """

    text: str = ""
    object_ids: tuple[str, ...] = ()
    object_type: str = ""
    actor: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    used: tuple[str, ...] = field(default=(), compare=False)  # names of the filters set, for the audit row


def _detail_mentions(ids: Iterable[str]) -> Q:
    mentions = Q()
    for value in ids:
        mentions |= Q(detail_text__icontains=value)
    return mentions


def search(events: AuditEventQuerySet, query: AuditQuery) -> AuditEventQuerySet:
    """`events` (already limited to what the reader may see) narrowed to `query`, newest first."""
    if query.text or query.object_ids:
        # The JSON as text on both SQLite and PostgreSQL: ids and codes are plain substrings of it.
        events = events.annotate(detail_text=Cast("detail", TextField()))
    if query.text:
        text = query.text.strip()
        events = events.filter(
            Q(object_id__icontains=text)
            | Q(action__icontains=text)
            | Q(purpose__icontains=text)
            | Q(detail_text__icontains=text)
        )
    if query.object_ids:
        events = events.filter(Q(object_id__in=query.object_ids) | _detail_mentions(query.object_ids))
    if query.object_type:
        events = events.filter(object_type=query.object_type)
    if query.actor:
        actor = query.actor.strip()
        by_label = Q(actor_label__icontains=actor)
        events = events.filter(by_label | Q(actor_id=int(actor)) if actor.isdigit() else by_label)
    if query.since is not None:
        events = events.filter(at__gte=query.since)
    if query.until is not None:
        events = events.filter(at__lt=query.until)
    return events.order_by("-seq")


def object_types_in(events: AuditEventQuerySet) -> list[str]:
    """The kinds of object these rows are about, for the page's object filter."""
    return sorted(set(events.order_by().values_list("object_type", flat=True).distinct()))


def csv_rows(events: AuditEventQuerySet) -> Iterator[list[object]]:
    """The header, then one row per event; every text cell guarded against spreadsheet formulas
    (an actor label or an object id is whatever a client sent, OWASP "CSV injection")."""
    yield list(CSV_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        yield [
            safe_cell(value)
            for value in (
                event.seq,
                event.at.astimezone(dt.UTC).isoformat(),
                event.actor_label,
                event.actor_id if event.actor_id is not None else "",
                event.organization_id if event.organization_id is not None else "",
                event.action,
                event.object_type,
                event.object_id,
                event.purpose,
                json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
                event.prev_hash,
                event.hash,
            )
        ]


def detail_items(event: AuditEvent) -> list[tuple[str, str]]:
    """The detail as (key, value) pairs for a page, in key order."""
    detail = event.detail if isinstance(event.detail, dict) else {"value": event.detail}
    return [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in sorted(detail.items())]


def action_words(action: str) -> str:
    """An action code in words for the page ("analytics.events_viewed" -> "Analytics: events
    viewed"); the code itself stays beside it, since auditors search and export by it."""
    subject, _, verb = action.partition(".")
    subject = subject.replace("_", " ").capitalize()
    return f"{subject}: {verb.replace('_', ' ').replace('.', ', ')}" if verb else subject


def kind_words(object_type: str) -> str:
    """A kind of object in words: the model's verbose name ("submissions.submission" ->
    "Submission"), else the code with spaces ("lake_drill" -> "Lake drill")."""
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type.replace("_", " ").replace(".", " ")
    return name[:1].upper() + name[1:]
