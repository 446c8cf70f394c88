"""The audit actions the compliance app records (values are the stored strings: never change one).

Each register entry is created or changed: `compliance.<entry>_created` / `_changed`.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction


class ComplianceAction(AuditAction):
    LISTING_CREATED = "compliance.listing_created"
    LISTING_CHANGED = "compliance.listing_changed"
    DISCLOSURE_CREATED = "compliance.disclosure_created"
    DISCLOSURE_CHANGED = "compliance.disclosure_changed"
    ASSESSMENT_CREATED = "compliance.assessment_created"
    ASSESSMENT_CHANGED = "compliance.assessment_changed"
    BAA_CREATED = "compliance.baa_created"
    BAA_CHANGED = "compliance.baa_changed"
    TRAINING_CREATED = "compliance.training_created"
    TRAINING_CHANGED = "compliance.training_changed"
    POLICY_CREATED = "compliance.policy_created"
    POLICY_CHANGED = "compliance.policy_changed"
    DELISTING_CREATED = "compliance.delisting_created"
    DELISTING_CHANGED = "compliance.delisting_changed"
    DELISTING_MEMBER_CREATED = "compliance.delisting_member_created"
    DELISTING_MEMBER_CHANGED = "compliance.delisting_member_changed"
