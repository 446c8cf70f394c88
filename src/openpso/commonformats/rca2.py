"""The RCA² action hierarchy and action status: code lists that the PSES, the pool, submissions and
feedback all speak (docs/architecture.md: they sit here so those apps need not import the PSES's models).

RCA² (NPSF 2015, "RCA²: Improving Root Cause Analyses and Actions to Prevent Harm", Action
Hierarchy, adapted from the VA NCPS); regulatory-notes §8.2. The strength of an action is a
property of its type, so it is looked up here and never entered by hand. These are not AHRQ Common
Formats codes: they are RCA²'s own, kept beside the Common Formats as another standard code list.
"""

from __future__ import annotations

from enum import StrEnum

STRONGER, INTERMEDIATE, WEAKER = "stronger", "intermediate", "weaker"
STRENGTH_LABELS = {STRONGER: "Stronger", INTERMEDIATE: "Intermediate", WEAKER: "Weaker"}
ACTION_HIERARCHY: tuple[tuple[str, str, str], ...] = (
    # (code, label, strength)
    ("architectural_change", "Architectural or physical-plant changes", STRONGER),
    ("forcing_function", "Forcing functions", STRONGER),
    ("simplify_process", "Simplify the process", STRONGER),
    ("standardise_equipment_process", "Standardise equipment or process", STRONGER),
    ("leadership_involvement", "Tangible involvement of leadership", STRONGER),
    ("redundancy", "Redundancy", INTERMEDIATE),
    ("staffing_workload", "Increased staffing or decreased workload", INTERMEDIATE),
    ("software_enhancement", "Software enhancements or modifications", INTERMEDIATE),
    ("reduce_distractions", "Eliminate or reduce distractions", INTERMEDIATE),
    ("simulation_education", "Education using simulation, with periodic refreshers and observation", INTERMEDIATE),
    ("checklist_cognitive_aid", "Checklists or cognitive aids", INTERMEDIATE),
    ("eliminate_look_alikes", "Eliminate look-alikes and sound-alikes", INTERMEDIATE),
    ("standardised_communication", "Standardised communication tools", INTERMEDIATE),
    ("enhanced_documentation", "Enhanced documentation or communication", INTERMEDIATE),
    ("double_check", "Double checks", WEAKER),
    ("warning", "Warnings", WEAKER),
    ("new_procedure_policy", "New procedure, memorandum or policy", WEAKER),
    ("training", "Training", WEAKER),
)
ACTION_TYPE_CHOICES = [(code, label) for code, label, _ in ACTION_HIERARCHY]
ACTION_STRENGTH = {code: strength for code, _, strength in ACTION_HIERARCHY}


class ActionStatus(StrEnum):
    """Where an RCA² action stands. A plain enum: `commonformats` imports no Django (its leaf test)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: "Planned",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
}
ACTION_STATUS_CHOICES = [(status.value, ACTION_STATUS_LABELS[status]) for status in ActionStatus]
ACTION_STATUS_VALUES = frozenset(status.value for status in ActionStatus)
