"""The `User` row behind an `audit.actor.Actor`, for the foreign keys that name who acted."""

from __future__ import annotations

from openpso.accounts.models import User
from openpso.audit.actor import Actor


def user_row(actor: Actor | None) -> User | None:
    """`actor` as the `User` a foreign key takes; None for the system.

    Anything else (the anonymous user) is refused as Django refuses it on assignment: a foreign
    key to a user cannot name someone who has not signed in.
    """
    if actor is None or isinstance(actor, User):
        return actor
    raise ValueError(f"{actor!r} is not a signed-in user")
