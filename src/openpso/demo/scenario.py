"""The shape of a narrative scenario, and the clinical fillers and outcomes they share.

A scenario is one story a reporter might tell, written with `{slot}` placeholders.
Person, date, number and place slots become planted synthetic PHI with gold spans (see
`narratives.py`); the fillers here are plain clinical wording and carry no PHI.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, UNSAFE_CONDITION

# Provider types (organizations.ProviderType values), kept as plain strings so the
# narrative code runs without the ORM; a test checks they match the model choices.
HOSPITAL = "hospital"
EMS = "ems_agency"
NURSING_HOME = "nursing_home"
PHARMACY = "community_pharmacy"
AMBULATORY = "ambulatory"

INC, NM, UC = INCIDENT, NEAR_MISS, UNSAFE_CONDITION

# AHRQ Common Formats Harm Scale v1.2 answers (LOINC LL2819-2, regulatory-notes §5.3).
DEATH, SEVERE, MODERATE, MILD, NO_HARM, UNKNOWN_HARM = (
    "LA20747-4",
    "LA20748-2",
    "LA20749-0",
    "LA21150-0",
    "LA21151-8",
    "LA4489-6",
)


@dataclass(frozen=True)
class Scenario:
    key: str
    category: str  # DE21 answer code of the leading category
    event_types: tuple[str, ...]  # DE3 answer codes the story fits
    settings: tuple[str, ...]  # provider types where it happens
    text: str
    other: str = ""  # DE21 "Other: please specify" text, for A66 scenarios


# Groups of fillers sampled together, so paired values stay consistent in one story.
FILLERS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "lasa": (
        ("drug_a", "drug_b"),
        (
            ("hydralazine 25 mg", "hydroxyzine 25 mg"),
            ("tramadol 50 mg", "trazodone 50 mg"),
            ("glipizide 5 mg", "glyburide 5 mg"),
            ("Celebrex 200 mg", "Celexa 20 mg"),
            ("metformin 500 mg", "metronidazole 500 mg"),
            ("Lamictal 25 mg", "Lamisil 250 mg"),
            ("clonidine 0.1 mg", "clonazepam 0.5 mg"),
            ("oxycodone 5 mg", "OxyContin 10 mg"),
        ),
    ),
    "high_alert": (
        ("ha_drug", "ha_ordered", "ha_given"),
        (
            ("insulin lispro", "4 units", "14 units"),
            ("insulin glargine", "10 units", "100 units"),
            ("enoxaparin", "40 mg", "80 mg"),
            ("hydromorphone", "0.5 mg", "5 mg"),
            ("morphine", "2 mg", "10 mg"),
            ("warfarin", "2 mg", "5 mg"),
        ),
    ),
    "drip": (
        ("drip", "rate_ordered", "rate_given"),
        (
            ("heparin 25,000 units/250 mL", "12 mL/hr", "120 mL/hr"),
            ("norepinephrine 4 mg/250 mL", "8 mL/hr", "80 mL/hr"),
            ("potassium chloride 20 mEq/100 mL", "50 mL/hr", "250 mL/hr"),
            ("magnesium sulfate 4 g/100 mL", "25 mL/hr", "100 mL/hr"),
            ("vancomycin 1.25 g/250 mL", "166 mL/hr", "500 mL/hr"),
        ),
    ),
    "ems_drug": (
        ("ems_drug", "conc_right", "conc_wrong"),
        (
            ("epinephrine", "0.1 mg/mL", "1 mg/mL"),
            ("midazolam", "1 mg/mL", "5 mg/mL"),
            ("ketamine", "10 mg/mL", "100 mg/mL"),
            ("morphine", "2 mg/mL", "10 mg/mL"),
            ("fentanyl", "50 mcg/mL", "100 mcg/2 mL"),
        ),
    ),
    "rx": (
        ("rx_drug", "rx_right", "rx_wrong"),
        (
            ("metformin", "500 mg", "1000 mg"),
            ("levothyroxine", "25 mcg", "125 mcg"),
            ("amlodipine", "5 mg", "10 mg"),
            ("warfarin", "2 mg", "5 mg"),
            ("methotrexate", "2.5 mg once weekly", "2.5 mg daily"),
            ("prednisone", "5 mg", "50 mg"),
            ("lisinopril", "2.5 mg", "20 mg"),
            ("carbamazepine", "200 mg", "200 mg extended-release"),
        ),
    ),
    "vaccine": (
        ("vax_right", "vax_wrong"),
        (
            ("Tdap", "DTaP"),
            ("high-dose influenza", "pediatric influenza"),
            ("recombinant zoster", "varicella"),
            ("hepatitis B (adult)", "hepatitis B (pediatric)"),
        ),
    ),
    "organism": (
        ("organism",),
        (
            ("MRSA",),
            ("E. coli",),
            ("Klebsiella pneumoniae",),
            ("Candida albicans",),
            ("Enterococcus faecalis",),
            ("coagulase-negative Staphylococcus",),
        ),
    ),
    "blood": (
        ("product",),
        (
            ("packed red blood cells",),
            ("platelets",),
            ("fresh frozen plasma",),
            ("cryoprecipitate",),
        ),
    ),
    "procedure": (
        ("procedure", "side", "other_side"),
        (
            ("total knee arthroplasty", "left", "right"),
            ("inguinal hernia repair", "right", "left"),
            ("carpal tunnel release", "left", "right"),
            ("knee arthroscopy", "left", "right"),
            ("open reduction internal fixation of the ankle", "right", "left"),
            ("cataract extraction", "left", "right"),
            ("total hip arthroplasty", "right", "left"),
        ),
    ),
    "device": (
        ("device",),
        (
            ("infusion pump",),
            ("PCA pump",),
            ("bed exit alarm",),
            ("telemetry monitor",),
            ("suction regulator",),
            ("bladder scanner",),
            ("glucometer",),
            ("feeding pump",),
        ),
    ),
    "ems_device": (
        ("ems_device",),
        (
            ("cardiac monitor/defibrillator",),
            ("portable suction unit",),
            ("power cot",),
            ("video laryngoscope",),
            ("mechanical CPR device",),
            ("portable ventilator",),
        ),
    ),
    "relation": (
        ("relation",),
        (
            ("daughter",),
            ("son",),
            ("wife",),
            ("husband",),
            ("granddaughter",),
            ("niece",),
            ("sister",),
            ("brother",),
            ("neighbor",),
        ),
    ),
}

# Closing sentences by AHRQ harm level; only incidents carry one (harm applies to A3 only).
OUTCOMES: dict[str, tuple[str, ...]] = {
    NO_HARM: (
        "No injury or change in condition was found on assessment.",
        "{He} was monitored closely and showed no ill effects.",
        "Vital signs remained stable and no harm was identified.",
    ),
    MILD: (
        "{He} needed additional monitoring for several hours and recovered without further treatment.",
        "Additional treatment was needed and {he} has since recovered.",
        "{He} required one additional intervention and {his} symptoms resolved by {time2}.",
    ),
    MODERATE: (
        "{He} required transfer to a higher level of care and additional treatment.",
        "{He} needed an additional procedure on {date_next} and {his} stay was extended.",
    ),
    SEVERE: (
        "{He} sustained a lasting injury and is not expected to return to {his} prior level of function.",
        "{He} required emergency surgery and remains in critical condition as of {date_next}.",
    ),
    DEATH: (
        "Despite resuscitation {he} was pronounced dead at {time2}.",
        "{He} died on {date_next}; the medical examiner was notified by Dr. {dr}.",
    ),
    UNKNOWN_HARM: (
        "Outcome unknown at the time of this report.",
        "{He} was transferred before follow-up; outcome not yet known.",
    ),
}
