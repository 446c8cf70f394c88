"""How an audit event is hashed: one canonical byte string per row, identical on every database.

The same function runs when a row is written and when `verify` re-reads it, so anything that
could change between the two — key order (PostgreSQL's jsonb reorders keys), float repr,
time-zone rendering — is pinned down here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpso.audit.models import AuditEvent

JsonValue = str | int | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def clean_detail(detail: Mapping[str, object] | None) -> dict[str, JsonValue]:
    """Return a plain copy of `detail`, or raise ValueError naming what cannot be hashed stably.

    Floats are refused: their text form can differ between json, SQLite and jsonb, and a
    detail that hashes differently after a round trip would look like tampering.
    """
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise ValueError("detail: must be a mapping of codes and ids")
    cleaned = _clean(detail, "detail")
    assert isinstance(cleaned, dict)
    return cleaned


def _clean(value: object, path: str) -> JsonValue:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if "\x00" in value:
            # PostgreSQL text and jsonb cannot store NUL; SQLite can — refuse on both.
            raise ValueError(f"{path}: NUL characters are not allowed")
        return value
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not allowed (store an int or a string)")
    if isinstance(value, Mapping):
        out: dict[str, JsonValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: keys must be strings, got {type(key).__name__}")
            out[key] = _clean(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_clean(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise ValueError(f"{path}: {type(value).__name__} is not allowed (use str, int, bool, None)")


def utc_iso(at: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds, whatever zone the value came back from the database in."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_json(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "at": utc_iso(event.at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organization_id": event.organization_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "detail": event.detail,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def event_hash(event: AuditEvent) -> str:
    """sha256(prev_hash + canonical_json): the link that makes every row vouch for the one before."""
    # utf-8, not ascii: a tampered prev_hash may hold anything, and verify must not crash on it.
    payload = event.prev_hash + canonical_json(event)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
