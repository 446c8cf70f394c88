"""Provider pseudonyms (random codes in a PSO-held table), keyed event keys, and the PSO's logged
re-identification.

A provider enters a PSO's pool as `P-` + 12 base32 characters drawn with `secrets` (60 bits) the
first time its data is pooled, kept in `ProviderPseudonym` and reused ever after: the code is not
computed from the provider's id or anything else about it, so no one holding a key, an id list or
this code can work it back (42 CFR 3.212(a)(3), 45 CFR 164.514(c)); another PSO draws its own.
Only the PSO re-identifies, through `reidentify`, which refuses without a reason, reads the table
from the code side and writes who and why to the audit trail. Nothing else maps a code to a
provider.

A pooled event is keyed `E-` + 16 of HMAC-SHA256(key, "event:<provider id>:<event id>"), so every
version of the event lands on the same row and a redone month cannot duplicate one; the key is a
file in OPENPSO_KEYS_DIR (`pseudonym.key`, 0600), never in the database, and is not the data-
encryption keyring. Event keys name no one and nothing re-identifies them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.encryption.keyring import KEYRING_FILE, keys_dir
from openpso.lib.durable import fsync_dir
from openpso.nonid.events import NonidAction
from openpso.nonid.models import ProviderPseudonym
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.roles import Role

KEY_FILE = "pseudonym.key"
PSEUDONYM = re.compile(r"P-[A-Z2-7]{12}")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/O or 1/I to misread
CODE_LENGTH = 12  # 60 random bits: a guessed code hits one of 10,000 providers once in ~10^14 tries
# Names how provider pseudonyms are made, for the lake's state: a lake built under another scheme
# (keyed hashes before) holds codes that no longer exist and is rebuilt (lake.refresh).
SCHEME = "codes1"
REASON_MIN, REASON_MAX = 10, 200  # the audit trail's `purpose` holds 200 characters
_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int, int], bytes]] = {}


class ReidentificationRefused(PermissionError):
    """Re-identification was not allowed: no reason, not a PSO administrator, or no such pseudonym."""


def _create(directory: Path) -> None:
    """Write a new key, refusing to replace one: the first creator wins (as the keyring does)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=KEY_FILE + ".", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, directory / KEY_FILE)
        except FileExistsError:
            pass  # another process made it a moment ago: use theirs
        else:
            fsync_dir(directory)
    finally:
        tmp.unlink(missing_ok=True)


def _key() -> bytes:
    directory = keys_dir()
    path = directory / KEY_FILE
    with _lock:
        if not path.exists():
            if getattr(settings, "PRODUCTION", False) and not (directory / KEYRING_FILE).exists():
                # A keys directory without a keyring is most likely a mis-set OPENPSO_KEYS_DIR:
                # a fresh key there would silently give every provider a new pseudonym.
                raise ImproperlyConfigured(
                    f"no keyring in OPENPSO_KEYS_DIR={directory}; create one with `openpso keys init`"
                )
            _create(directory)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        cached = _cache.get(directory)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            key = bytes.fromhex(path.read_text().strip())
        except ValueError:
            raise ImproperlyConfigured(f"{path} is not a pseudonym key (64 hexadecimal digits)") from None
        if len(key) < 32:
            raise ImproperlyConfigured(f"{path} is too short for a pseudonym key (needs 32 bytes)")
        _cache[directory] = (stamp, key)
        return key


def _code(message: str, length: int) -> str:
    digest = hmac.new(_key(), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:length]


def _draw() -> str:
    return "P-" + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def provider_pseudonyms(pso_id: int, provider_ids: Iterable[int]) -> dict[int, str]:
    """The pool codes of these providers in PSO `pso_id`, drawing one for each provider that has none.

    Race-safe: a new code is inserted with ON CONFLICT DO NOTHING under the unique (pso, provider)
    constraint and then read back, so two refreshes drawing at once both get the code that was
    stored first. A drawn code that collides with another provider's (unique (pso, code)) is
    dropped the same way and drawn again.
    """
    wanted = {int(p) for p in provider_ids}
    codes: dict[int, str] = {}
    for _ in range(5):
        missing = wanted - codes.keys()
        if missing:
            found = ProviderPseudonym.objects.filter(pso_id=pso_id, provider_id__in=missing)
            codes.update(found.values_list("provider_id", "code"))
            missing -= codes.keys()
        if not missing:
            return codes
        ProviderPseudonym.objects.bulk_create(
            [ProviderPseudonym(pso_id=pso_id, provider_id=p, code=_draw()) for p in sorted(missing)],
            ignore_conflicts=True,
        )
    raise RuntimeError("could not store a pseudonym for every provider")  # 5 collisions in a row: not chance


def provider_pseudonym(provider: Organization) -> str:
    """The member provider's code in its PSO's pool: random, kept, stable (drawn on first use)."""
    if provider.network_id is None:
        raise ValueError("a provider outside any PSO network has no pool pseudonym")
    return provider_pseudonyms(provider.network_id, [provider.pk])[provider.pk]


def event_key(provider_id: int, event_id: object) -> str:
    """The pooled event's key: the same for every version of the event, never its event id
    (a unique identifying code, 3.212(a)(2)(D))."""
    return "E-" + _code(f"event:{int(provider_id)}:{event_id}", 16)


def key_fingerprint() -> str:
    """Names the event-key key without revealing it, so the lake notices a replaced key and rebuilds."""
    return _code("fingerprint", 8)


def pool_keys_fingerprint() -> str:
    """What the lake's pseudonyms and event keys were made with (15 characters): the provider-code
    scheme and the event-key key. When either changes, the lake is rebuilt."""
    return f"{SCHEME}:{key_fingerprint()}"


def reidentify(pseudonym: str, *, by: Any, reason: str) -> Organization:
    """The provider behind `pseudonym`, for a PSO administrator who says why (3.212(c)).

    Looks only among the member providers of the PSOs `by` administers; every attempt that
    gets as far as the lookup is in the audit trail, found or not.
    """
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ReidentificationRefused(f"give the reason for re-identifying (at least {REASON_MIN} characters)")
    if len(reason) > REASON_MAX:
        raise ReidentificationRefused(f"the reason must be at most {REASON_MAX} characters")
    pseudonym = pseudonym.strip().upper()
    if not PSEUDONYM.fullmatch(pseudonym):
        raise ReidentificationRefused("not a provider pseudonym (P- and 12 letters or digits)")
    psos = list(
        Organization.objects.filter(kind=OrgKind.PSO, memberships__user=by, memberships__role=Role.PSO_ADMIN).distinct()
    )
    if by is None or not psos:
        raise ReidentificationRefused("only a PSO administrator may re-identify a provider")
    # The table, read from the code side: here and nowhere else (an audit row follows, found or not).
    row = (
        ProviderPseudonym.objects.filter(code=pseudonym, pso__in=psos, provider__kind=OrgKind.PROVIDER)
        .select_related("provider")
        .order_by("pk")
        .first()
    )
    provider = row.provider if row is not None and row.provider.network_id == row.pso_id else None
    pso_id = provider.network_id if provider is not None else psos[0].pk
    record(
        actor=by,
        action=NonidAction.PROVIDER_REIDENTIFIED if provider else NonidAction.REIDENTIFICATION_FAILED,
        object_type=object_type_of(Organization),
        object_id=provider.pk if provider else pseudonym,
        organization_id=pso_id,
        purpose=reason,
        detail={"pseudonym": pseudonym},
    )
    if provider is None:
        raise ReidentificationRefused(f"no member provider of your PSO has the pseudonym {pseudonym}")
    return provider
