"""Who acts: the type of the person an action is done by.

Actions take the person as it comes from the request (`request.user`), from a management
command (a user looked up by email) or from a test, so `Actor` is the type Django gives
`request.user`: a user or the anonymous user. Where the system may act alone, an action takes
`Actor | None`, as `audit.trail.record` does (None: the system). The alias lives in `audit`, a
kernel every app may import, and names Django's base classes rather than `accounts.User`, so
no app below `accounts` depends on it; `accounts.actors.user_row` gives the `User` row a
foreign key needs.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

Actor: TypeAlias = AbstractBaseUser | AnonymousUser
