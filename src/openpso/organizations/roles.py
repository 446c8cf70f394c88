"""Roles a person holds in one organisation, and which of them the law treats as PSES roles."""

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

# Every role but the frontline reporter must use TOTP (issue 2; 42 CFR 3.106 security).
MFA_EXEMPT_ROLES = {Role.REPORTER}
