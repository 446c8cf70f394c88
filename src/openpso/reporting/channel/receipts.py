"""Receipt codes, passphrases and signed tokens of the anonymous channel.

A receipt code and a passphrase only the reporter holds are all that lead back to an anonymous
report (DESIGN invariant 2); between two pages the reporter carries nothing but a short-lived
signed token. No state changes here: opening a receipt is `actions.open_receipt`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from openpso.reporting.models import AnonymousReceipt

# Receipt codes: 4 groups of 4 from digits and capitals without 0/O, 1/I/L — easy to read
# aloud and type on a phone. 31**16 ≈ 2**79, so guessing one is hopeless even unthrottled.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_GROUPS, RECEIPT_GROUP_LENGTH = 4, 4
# How long the signed token in the status page's forms stays valid: the only thing that
# carries an anonymous reporter from one page to the next (no session, no cookie).
STATUS_TOKEN_AGE = dt.timedelta(minutes=30)
PASSPHRASE_TOKEN_AGE = dt.timedelta(hours=1)

# The receipt code's lookup digest is an HMAC-SHA256 keyed from SECRET_KEY (Django's
# salted_hmac with a purpose salt). We chose SECRET_KEY over a new dedicated key so no new
# secret must be provisioned and backed up, and because the codes carry ~79 random bits:
# the key is defence in depth, not what keeps the codes unguessable. Rotation: put the old
# key in SECRET_KEY_FALLBACKS; lookups try every fallback and re-key the digest on the next
# successful open. A receipt not opened before its key leaves the fallbacks can no longer
# be found; a dedicated, never-rotated setting would avoid that (see the report to the lead).
# The salts name the module this code had before reporting/channel/ (decision 0007): changing one
# would orphan every stored receipt digest and void the tokens in open forms.
_RECEIPT_SALT = "openpso.reporting.channel.receipt-code"
_STATUS_SALT = "openpso.reporting.channel.status"
_PASSPHRASE_SALT = "openpso.reporting.channel.passphrase"  # noqa: S105 - a signing purpose, not a secret
_CLIENT_SALT = "openpso.reporting.channel.client"
# Checked against when no receipt matches, so a wrong code costs what a wrong passphrase does.
DUMMY_PASSPHRASE_HASH = make_password(None)


def new_receipt_code() -> str:
    chars = [secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH)]
    groups = ["".join(chars[i : i + RECEIPT_GROUP_LENGTH]) for i in range(0, len(chars), RECEIPT_GROUP_LENGTH)]
    return "-".join(groups)


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_digests(code: str) -> list[str]:
    """The digest under the current key first, then under each fallback key."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    value = _normalised(code)
    return [salted_hmac(_RECEIPT_SALT, value, secret=key, algorithm="sha256").hexdigest() for key in keys]


def code_matches(receipt: AnonymousReceipt, code: str) -> bool:
    return any(hmac.compare_digest(receipt.code_digest, digest) for digest in code_digests(code))


# --- signed tokens: the only link between two pages of an anonymous reporter ----------


def passphrase_token(receipt: AnonymousReceipt) -> str:
    return signing.dumps(str(receipt.pk), salt=_PASSPHRASE_SALT)


def receipt_for_passphrase(token: str) -> str | None:
    try:
        return str(signing.loads(token, salt=_PASSPHRASE_SALT, max_age=PASSPHRASE_TOKEN_AGE))
    except signing.BadSignature:
        return None


def status_token(receipt: AnonymousReceipt) -> str:
    return signing.dumps(str(receipt.pk), salt=_STATUS_SALT)


def receipt_from_status_token(token: str) -> AnonymousReceipt | None:
    """The receipt a status page's form was issued for, while the token is fresh."""
    try:
        receipt_id = signing.loads(token, salt=_STATUS_SALT, max_age=STATUS_TOKEN_AGE)
    except signing.BadSignature:
        return None
    receipt = AnonymousReceipt.objects.select_related("report__provider").filter(pk=receipt_id).first()
    if receipt is None or (receipt.locked_until is not None and receipt.locked_until > timezone.now()):
        return None
    return receipt


def client_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client address under a secret, daily-changing salt.

    The address itself never reaches the cache, and yesterday's keys cannot be linked to
    today's. Counters live one rate window (an hour at most).
    """
    day = timezone.now().strftime("%Y-%m-%d")
    address = request.META.get("REMOTE_ADDR", "")
    return salted_hmac(f"{_CLIENT_SALT}:{day}", address, algorithm="sha256").hexdigest()
