"""Roles a person holds in one organisation, and the sets of them the policy speaks of (defined once:
every app asks `organizations.queries` for "organisations of kind K where the user holds one of R")."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    REPORTER = "reporter", "Reporter"
    SAFETY_MANAGER = "safety_manager", "Safety manager"
    PSES_COMMITTEE = "pses_committee", "PSES committee member"
    SYSTEM_SAFETY_OFFICER = "system_safety_officer", "Health-system safety officer"
    PSO_ANALYST = "pso_analyst", "PSO analyst"
    PSO_ADMIN = "pso_admin", "PSO administrator"
    AUDITOR = "auditor", "Auditor"


# Which organisation kind each role can be held in.
ROLE_KINDS: dict[str, set[str]] = {
    Role.REPORTER: {"provider"},
    Role.SAFETY_MANAGER: {"provider"},
    Role.PSES_COMMITTEE: {"provider"},
    Role.SYSTEM_SAFETY_OFFICER: {"health_system"},
    Role.PSO_ANALYST: {"pso"},
    Role.PSO_ADMIN: {"pso"},
    Role.AUDITOR: {"pso", "health_system", "provider"},
}

# Roles that work inside a provider's Patient Safety Evaluation System (42 CFR 3.20) and
# therefore read identified event reports of that provider.
PSES_ROLES = {Role.SAFETY_MANAGER, Role.PSES_COMMITTEE}

# The PSO's own staff: they work with the pool, the inbox, alerts and feedback of their PSO.
PSO_STAFF_ROLES = {Role.PSO_ANALYST, Role.PSO_ADMIN}

# Roles held in a health system that oversee its affiliates.
SYSTEM_ROLES = {Role.SYSTEM_SAFETY_OFFICER}

# Every role but the frontline reporter must use TOTP (42 CFR 3.106 security).
MFA_EXEMPT_ROLES = {Role.REPORTER}
