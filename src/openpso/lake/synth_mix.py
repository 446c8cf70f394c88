"""The shape of the synthetic lake: who reports what, how often, where, with what harm.

Plain tables (no Django), read by `lake.synth`. The weights are plausible, not measured; they
follow the demo's (`demo.mix`) where the demo has them. Codes are the lake's own: HERF DE3 and
DE21, the AHRQ harm scale (LOINC answers), OpenPSO's contributing factors (an OpenPSO
extension, not AHRQ Common Formats codes), the RCA²
action hierarchy.
"""

from __future__ import annotations

HOSPITAL, NURSING_HOME, EMS = "hospital", "nursing_home", "ems_agency"
PHARMACY, AMBULATORY = "community_pharmacy", "ambulatory"
PROVIDER_TYPES = (HOSPITAL, NURSING_HOME, EMS, PHARMACY, AMBULATORY)
# Share of member providers by type: hospitals most, then nursing homes and EMS agencies.
PROVIDER_SHARE = (0.36, 0.24, 0.20, 0.10, 0.10)
# The denominator each type's rates are per 1,000 of (the analytics' RATE_MEASURE), and the
# other measures written beside it.
MEASURES = {
    HOSPITAL: ("patient_days", "admissions"),
    NURSING_HOME: ("patient_days",),
    EMS: ("ems_responses",),
    PHARMACY: ("encounters",),
    AMBULATORY: ("encounters",),
}
# Reported events per 1,000 units of the rate measure (before each provider's own culture).
RATE_PER_1000 = {HOSPITAL: 25.0, NURSING_HOME: 9.0, EMS: 12.0, PHARMACY: 0.6, AMBULATORY: 1.2}
AVERAGE_STAY_DAYS = 4.6

HOSPITAL_BANDS = {"lt50": (0.14, 25), "50-99": (0.15, 75), "100-199": (0.24, 150), "200-299": (0.18, 250)}
HOSPITAL_BANDS |= {"300-499": (0.16, 400), "500+": (0.13, 650)}  # band: (share, beds)
EMS_BANDS = {"lt5k": (0.35, 3000), "5k-20k": (0.35, 12000), "20k-50k": (0.20, 32000), "50k+": (0.10, 75000)}
REGIONS = {"northeast": 0.17, "midwest": 0.21, "south": 0.38, "west": 0.24}  # US population shares

CATEGORIES = ("A42", "A44", "A48", "A51", "A54", "A57", "A60", "A63", "A64", "A66")
CATEGORY_MIX: dict[str, dict[str, float]] = {
    HOSPITAL: {"A48": 24, "A54": 28, "A44": 9, "A42": 3, "A63": 7, "A60": 6, "A51": 4, "A64": 3, "A57": 4, "A66": 12},
    NURSING_HOME: {"A48": 40, "A54": 25, "A60": 14, "A51": 7, "A44": 5, "A66": 9},
    EMS: {"A54": 38, "A44": 25, "A66": 32, "A63": 5},
    PHARMACY: {"A54": 96, "A66": 4},
    AMBULATORY: {"A54": 40, "A66": 30, "A44": 12, "A48": 10, "A63": 8},
}
SECONDARY = {"A54": "A44", "A44": "A54", "A48": "A54", "A63": "A42", "A57": "A54", "A42": "A63", "A64": "A54"}
SECONDARY_SHARE = 0.08

UNIT_TYPES: tuple[str, ...] = ("med_surg", "telemetry", "icu", "ed", "ld", "or", "procedure", "pharmacy", "imaging")
UNIT_TYPES += ("rehab", "lab", "ltc", "memory_care", "medic_unit", "station", "dispatch", "counter", "clinic")
UNIT_MIX: dict[str, dict[str, float]] = {
    HOSPITAL: {"med_surg": 30.0, "telemetry": 8, "icu": 10, "ed": 12, "ld": 6, "or": 10, "procedure": 4}
    | {"pharmacy": 4, "imaging": 4, "rehab": 3, "lab": 2},
    NURSING_HOME: {"ltc": 55, "memory_care": 20, "rehab": 20, "pharmacy": 5},
    EMS: {"medic_unit": 90, "station": 8, "dispatch": 2},
    PHARMACY: {"counter": 85, "clinic": 15},
    AMBULATORY: {"clinic": 70, "procedure": 15, "lab": 15},
}
# Where a category tends to happen (four times the unit's share); A63 and A57 happen only there.
UNIT_AFFINITY: dict[str, set[str]] = {
    "A48": {"med_surg", "telemetry", "rehab", "ltc", "memory_care", "clinic", "ed"},
    "A63": {"or", "procedure", "medic_unit"},
    "A57": {"ld"},
    "A42": {"icu", "or", "ed", "med_surg", "lab"},
    "A44": {"icu", "medic_unit", "or"},
    "A60": {"icu", "med_surg", "ltc", "rehab", "memory_care"},
    "A51": {"icu", "med_surg", "ltc", "memory_care", "rehab"},
    "A64": {"med_surg", "icu", "or", "telemetry"},
}
ONLY_THERE = {"A63", "A57"}

INCIDENT, NEAR_MISS, UNSAFE = "A3", "A6", "A9"
# AHRQ Common Formats Harm Scale v1.2 (LOINC LL2819-2); the last is "unknown".
HARMS = ("LA20747-4", "LA20748-2", "LA20749-0", "LA21150-0", "LA21151-8", "LA4489-6")
HARM_MIX = (0.5, 3.5, 12, 27, 52, 5)
HARMED_MIX = (0.5, 7.5, 35, 50, 0, 7)  # pressure injuries, infections and VTE are harm by definition
HARMED_CATEGORIES = {"A51", "A60", "A64"}

# OpenPSO's contributing factors (openpso-ext/contributing-factors-1.0 "CF/factors"): an OpenPSO
# extension, not AHRQ Common Formats codes.
FACTORS = (
    "OPSO-SIR-CF-COMMUNICATION",
    "OPSO-SIR-CF-ENVIRONMENT",
    "OPSO-SIR-CF-HUMAN",
    "OPSO-SIR-CF-LEADERSHIP",
    "OPSO-SIR-CF-POLICIES",
    "OPSO-SIR-CF-STAFFING",
    "OPSO-SIR-CF-TRAINING",
    "OPSO-SIR-CF-PATIENT",
)
FACTOR_MIX = (20, 12, 18, 5, 15, 12, 10, 8)
FACTOR_MIX_BY_CATEGORY = {
    "A48": (8, 15, 8, 3, 10, 18, 6, 32),
    "A54": (22, 5, 24, 3, 16, 10, 14, 6),
    "A44": (8, 35, 10, 4, 10, 6, 18, 9),
}

# RCA² action hierarchy (NPSF 2015), code and strength; a test checks it against commonformats.rca2.
ACTIONS = (
    ("architectural_change", "stronger", 1),
    ("forcing_function", "stronger", 3),
    ("simplify_process", "stronger", 2),
    ("standardise_equipment_process", "stronger", 3),
    ("leadership_involvement", "stronger", 2),
    ("redundancy", "intermediate", 3),
    ("staffing_workload", "intermediate", 3),
    ("software_enhancement", "intermediate", 4),
    ("reduce_distractions", "intermediate", 3),
    ("simulation_education", "intermediate", 4),
    ("checklist_cognitive_aid", "intermediate", 8),
    ("eliminate_look_alikes", "intermediate", 2),
    ("standardised_communication", "intermediate", 6),
    ("enhanced_documentation", "intermediate", 5),
    ("double_check", "weaker", 10),
    ("warning", "weaker", 6),
    ("new_procedure_policy", "weaker", 18),
    ("training", "weaker", 20),
)

REPORTER_ROLES = {
    HOSPITAL: ("Registered nurse", "Pharmacist", "Physician", "Patient care technician", "Nurse manager"),
    NURSING_HOME: ("Licensed practical nurse", "Certified nursing assistant", "Registered nurse"),
    EMS: ("Paramedic", "EMT", "EMS supervisor"),
    PHARMACY: ("Pharmacist", "Pharmacy technician"),
    AMBULATORY: ("Medical assistant", "Registered nurse", "Physician"),
}
OTHER_TEXTS = ("Handoff communication", "Patient identification", "Delay in treatment", "Transport", "Lab specimen")
ZIP3 = ("191", "152", "261", "432", "441", "606", "481", "303", "770", "331", "900", "941", "981", "802", "852")

# Narratives, already in the scrubbed form the lake holds: what happened (by category), then
# how it ended (by event type and harm). No names, places or dates, only placeholders.
WHAT: dict[str, tuple[str, ...]] = {
    "A42": (
        "Unit of [PRODUCT] was hung without the second verification at the bedside.",
        "Blood sample was labelled away from the patient and the type and screen had to be redrawn.",
        "Transfusion was started more than thirty minutes after the product left the blood bank.",
    ),
    "A44": (
        "Infusion pump alarmed occlusion repeatedly and the infusion stopped without notice.",
        "Bed exit alarm was found switched off for a high fall-risk patient.",
        "Suction unit failed its check and no spare was available on the unit.",
        "Telemetry monitor lost signal for about twenty minutes before anyone noticed.",
        "PCA pump was programmed with the wrong concentration from the library.",
    ),
    "A48": (
        "Patient was found on the floor beside the bed after trying to walk to the bathroom alone.",
        "Resident slid from the wheelchair during transfer with one staff member.",
        "Patient fell in the bathroom while the call light was out of reach.",
        "Resident was found sitting on the floor of the room; bed alarm had not sounded.",
        "Patient lost balance while walking in the hallway with a walker.",
    ),
    "A51": (
        "Central line site showed redness and drainage; blood cultures were positive.",
        "Catheter-associated urinary tract infection was confirmed on day five of the stay.",
        "Surgical site showed signs of infection at the follow-up visit.",
    ),
    "A54": (
        "Insulin dose given was ten times the ordered dose.",
        "Look-alike tablet was dispensed in place of the prescribed drug.",
        "Heparin infusion was running at a rate ten times the order.",
        "Scheduled dose of an anticoagulant was omitted after the transfer.",
        "Medication was given to the patient despite a documented allergy.",
        "Dose was prepared from the wrong concentration vial.",
    ),
    "A57": (
        "Delay of about forty minutes between the decision for caesarean section and incision.",
        "Postpartum haemorrhage was recognised late; quantitative blood loss was not measured.",
    ),
    "A60": (
        "Stage 2 pressure injury was found on the sacrum at the weekly skin check.",
        "Device-related pressure injury behind the ears from oxygen tubing.",
        "Heel pressure injury developed while offloading boots were not in use.",
    ),
    "A63": (
        "Retained sponge count discrepancy at closing; the X-ray was negative.",
        "Time-out was started before the whole team was present.",
        "Airway placement was confirmed late after the first attempt went unrecognised.",
    ),
    "A64": (
        "Deep vein thrombosis was diagnosed after prophylaxis was held without an order.",
        "Pulmonary embolism followed a missed mechanical prophylaxis order after surgery.",
    ),
    "A66": (
        "Report at handoff left out a known allergy.",
        "Wrong patient label was placed on a specimen at collection.",
        "Transport was delayed by more than an hour waiting for a stretcher.",
        "Critical result was not passed on to the treating team for two hours.",
    ),
}
UNSAFE_WHAT: dict[str, tuple[str, ...]] = {
    "A42": ("Blood refrigerator temperature log showed gaps over the weekend.",),
    "A44": (
        "Expired defibrillator pads were found in the crash cart.",
        "Drug box seal was broken and no one had restocked it.",
        "Infusion pumps on the unit were missing the current drug library.",
    ),
    "A54": (
        "Two look-alike vials were stored side by side in the medication room.",
        "Concentrated potassium chloride was found in floor stock.",
    ),
}
NEAR_MISS_ENDINGS = (
    "The error was caught before it reached the patient.",
    "A colleague noticed at the double check and nothing was given.",
    "Caught at verification; the order was corrected.",
)
UNSAFE_ENDINGS = ("Reported so it can be fixed; no patient was involved.", "Escalated to the unit manager.")
HARM_ENDINGS: dict[str, tuple[str, ...]] = {
    "LA20747-4": ("Despite resuscitation the patient died.",),
    "LA20748-2": ("The patient sustained a lasting injury.", "Emergency surgery was needed."),
    "LA20749-0": ("Transfer to a higher level of care was needed.", "An additional procedure was needed."),
    "LA21150-0": ("Additional monitoring was needed and the patient recovered.",),
    "LA21151-8": ("No injury was found on assessment.", "Vital signs remained stable; no harm identified."),
    "LA4489-6": ("Outcome unknown at the time of this report.",),
}
