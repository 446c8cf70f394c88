"""Succession of national database documents: which version of its event's document each export is.

A resubmission supersedes the earlier document (the PSOPPC guide's "Succession Management"): the
first document of an event is version 1 of a new set; when what is released about the event
changes, the next export writes version n+1 of the same set, replacing version n. Unchanged
content gets the stored version back, so exporting the same period twice writes the same
documents (same ids, versions and times).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpso.lake.exports.cda import Version
from openpso.lake.exports.models import NationalDocument
from openpso.lake.exports.released import ReleasedEvent
from openpso.organizations.models import Organization


def digest(event: ReleasedEvent) -> str:
    canonical = json.dumps(event.content(), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Succession:
    version: Version  # this document
    replaces: Version | None  # the version it supersedes (None: the first of its set)
    new: bool  # made by this export (False: the same content was exported before)


def versions(pso: Organization, events: Sequence[ReleasedEvent]) -> list[Succession]:
    """Each event's document version and the version it replaces, storing the new ones."""
    return [_version(pso, event) for event in events]


def _version(pso: Organization, event: ReleasedEvent) -> Succession:
    content = digest(event)
    for _ in range(3):  # two exports at once: the second to store a version number reads it back
        rows = list(NationalDocument.objects.filter(pso=pso, event_key=event.event_key).order_by("-version_number")[:2])
        latest = rows[0] if rows else None
        if latest is not None and latest.digest == content:
            return Succession(_of(latest), _of(rows[1]) if len(rows) > 1 else None, new=False)
        try:
            with transaction.atomic():
                made = NationalDocument.objects.create(
                    pso=pso,
                    event_key=event.event_key,
                    set_id=latest.set_id if latest else uuid.uuid4(),
                    version_number=latest.version_number + 1 if latest else 1,
                    digest=content,
                    created_at=timezone.now().replace(microsecond=0),
                )
        except IntegrityError:
            continue
        return Succession(_of(made), _of(latest) if latest else None, new=True)
    raise RuntimeError("could not store the document's version")


def _of(row: NationalDocument) -> Version:
    return Version(row.document_id, row.set_id, row.version_number, row.created_at)
