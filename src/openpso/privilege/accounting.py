"""Finding a patient's HIPAA accounting (45 CFR 164.528) without decrypting every row.

The patient reference is stored encrypted (randomised ciphertext cannot be searched), next to
a keyed digest: HMAC-SHA256 from SECRET_KEY with a purpose salt, as the anonymous channel's
receipt codes are (reporting/channel/receipts.py says why SECRET_KEY). Lookups try SECRET_KEY_FALLBACKS
too, so a rotated key still finds entries written before the rotation.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from openpso.organizations.models import Organization
from openpso.privilege.models import AccountingEntry

_SALT = "openpso.privilege.accounting.patient"
# 164.528(a)(3): an accounting covers the six years before the request; 164.530(j) keeps
# the documentation as long.
ACCOUNTING_YEARS = 6


def normalised(patient_ref: str) -> str:
    return "".join(patient_ref.split()).casefold()


def patient_digests(provider_id: int, patient_ref: str) -> list[str]:
    """The digest under the current key first, then under each fallback key."""
    value = f"{provider_id}:{normalised(patient_ref)}"
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(_SALT, value, secret=key, algorithm="sha256").hexdigest() for key in keys]


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return dt.date(day.year - years, 2, 28)


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def accounting_for(provider: Organization, patient_ref: str, *, today: dt.date) -> QuerySet[AccountingEntry]:
    """The entries a patient of `provider` could ask for today: the six years before it."""
    return (
        AccountingEntry.objects.filter(
            provider=provider,
            patient_digest__in=patient_digests(provider.pk, patient_ref),
            disclosed_on__gte=years_before(today, ACCOUNTING_YEARS),
        )
        .select_related("disclosure")
        .order_by("-disclosed_on", "-id")
    )
