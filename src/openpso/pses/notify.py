"""In-app notifications and their e-mail copies (Django's mail backends).

Texts name ids, clock names and the provider only — never a title, narrative or patient
detail: e-mail leaves the PSES, so it carries a pointer, not the work product.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from openpso.accounts.models import User
from openpso.pses.models import Notification, SafetyEvent

logger = logging.getLogger(__name__)


def notify(
    *, user: User, kind: str, text: str, url: str, event: SafetyEvent | None = None, dedupe_key: str = ""
) -> Notification | None:
    """Store one notification and e-mail it after commit; None if `dedupe_key` already notified `user`."""
    if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, text=text, url=url, event=event, dedupe_key=dedupe_key
            )
    except IntegrityError:  # a concurrent run notified first
        return None
    if user.email:
        address, subject, body = user.email, f"OpenPSO: {text}"[:150], _body(text, url)
        transaction.on_commit(lambda: _send(address, subject, body, notification.pk))
    return notification


def _body(text: str, url: str) -> str:
    base = getattr(settings, "OPENPSO_BASE_URL", "").rstrip("/")
    return (
        f"{text}\n\nOpen it in OpenPSO: {base}{url}\n\n"
        "This message names no patient or reporter on purpose. "
        "Details are in OpenPSO (Patient Safety Work Product)."
    )


def _send(address: str, subject: str, body: str, notification_id: int) -> None:
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # the in-app notice stands; log the id only (invariant 4)
        logger.exception("notification e-mail failed", extra={"notification": notification_id})
