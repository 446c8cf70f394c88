from __future__ import annotations

from django.http import HttpRequest

from openpso.organizations.queries import roles_of


def memberships(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset()}
    return {"my_roles": roles_of(user)}
