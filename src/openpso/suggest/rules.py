"""Keyword rules drawn from the Common Formats definitions of each category and event type.

Each rule is a pattern over the lower-cased narrative. They are used two ways: as features of
the model (one per rule: does it match), and alone as the keyword-only baseline the benchmark
compares the model with (`keyword_suggest`).
"""

from __future__ import annotations

import re

# HERF-1.2 categories, from the module titles and their definitions (cfer-h-1.2/*.json).
CATEGORY_RULES: dict[str, str] = {
    "A42": r"\b(transfus\w*|blood products?|prbcs?|packed (red )?cells|platelets|ffp|fresh frozen plasma|cryo\w*"
    r"|crossmatch\w*|type and (screen|cross)|blood bank|units? of (blood|rbcs?|prbcs?)|hemolytic|albumin)\b",
    "A44": r"\b(device|pump|monitor|alarm|ventilator|catheter|defibrillator|aed|equipment|malfunction\w*|"
    r"battery|software|computer|ehr|emr|barcode|bar code|scanner|interface|system (down|outage)|glitch|"
    r"bed alarm|tubing|cable|charger|stretcher|wheelchair|lift|oxygen tank|suction|glucometer|meter|"
    r"screen|downtime|printer|label printer|order set|cpoe|pyxis|omnicell|cabinet)\b",
    "A48": r"\b(fell|falls?|fallen|falling|found on (the )?floor|on the floor|slid (off|out|down)|"
    r"lowered to (the )?floor|slipped|tripped|lost (her|his|their) balance|assisted to (the )?floor)\b",
    "A51": r"\b(infection|infected|sepsis|septic|clabsi|cauti|ssi|vap|c\.? ?diff\w*|mrsa|vre|cultures?|"
    r"isolation|contact precautions|hand hygiene|wound dehiscence|purulent|pus|fever)\b",
    "A54": r"\b(medication|med|meds|dose|doses|dosing|overdose|mg|mcg|units|insulin|heparin|"
    r"warfarin|opioid|morphine|hydromorphone|dilaudid|fentanyl|narcan|naloxone|antibiotic\w*|vancomycin|"
    r"potassium|kcl|infusion|drip|iv push|pharmacy|pharmacist|prescri\w+|mar|tablet|pill|vaccine|"
    r"allerg\w*|anaphyla\w*|epinephrine|dispens\w+|administer\w*|wrong (drug|patient'?s? med))\b",
    "A57": r"\b(labor|delivery|l&d|newborn|neonat\w*|infant|baby|fetal|fetus|pregnan\w*|postpartum|"
    r"obstetric\w*|cesarean|c-section|shoulder dystocia|apgar|gestation\w*|mother|maternal|ob)\b",
    "A60": r"\b(pressure (ulcer|injury|injuries|sore)|decubitus|bed ?sore|stage (1|2|3|4|i|ii|iii|iv)|"
    r"unstageable|deep tissue injury|dti|sacral|sacrum|coccyx|heel|skin breakdown|turning schedule|"
    r"repositioned|reposition\w*)\b",
    "A63": r"\b(surg\w*|operati\w+|or|procedure|anesthe\w*|anaesthe\w*|intubat\w*|sedation|sedated|"
    r"incision|retained|sponge|instrument count|count (was )?(in)?correct|wrong[- ]site|wrong side|"
    r"time ?out|laparoscop\w*|biopsy|endoscop\w*|post-?op\w*|pre-?op\w*|pacu|crna)\b",
    "A64": r"\b(dvt|deep vein|deep venous|pulmonary embol\w*|\bpe\b|vte|thrombo\w*|clot|scds?|"
    r"sequential compression|anticoagula\w*|enoxaparin|lovenox|prophylaxis)\b",
    "A66": r"\b(elope\w*|left ama|aggress\w*|assault\w*|violen\w*|struck|punched|kicked|threat\w*|"
    r"suicid\w*|self[- ]harm|restrain\w*|burn\w*|choking|aspirat\w*|lab (specimen|error)|specimen|"
    r"mislabel\w*|delay\w* in (care|treatment|diagnosis)|missed diagnosis|wrong patient|identification|"
    r"communication|handoff|hand-off|transport|diet|tray|food)\b",
}

# Event type cues, from the HERF-1.2 definitions: a near miss did not reach the patient; an
# unsafe condition is a circumstance with no patient involved.
EVENT_RULES: dict[str, str] = {
    "near_miss": r"\b(near miss|caught (it |this |the error )?before|before (it was )?(given|administered|"
    r"reach\w*)|did not reach|never reached|intercepted|stopped before|prevented|noticed before|"
    r"held (the|before)|not (given|administered)|was not given|wasn'?t given|caught at|caught by|"
    r"caught during|double[- ]check\w* (caught|found|identified)|returned to pharmacy)\b",
    "unsafe": r"\b(no patient (was )?(involved|affected)|no patients? (were )?(involved|affected)|"
    r"unsafe condition|hazard\w*|could (have )?(lead|led|result)|potential (for|to)|risk of|"
    r"found (expired|broken|unlocked|missing|out of date)|expired|out of stock|unlocked|"
    r"(was|were) (found|noted) (to be )?(broken|missing|empty|blocked|unplugged)|blocked (exit|hallway)|"
    r"not stocked|understaffed|staffing|while (the )?(room|unit|bed) was empty|during (rounds|inspection|"
    r"a check)|routine check)\b",
    "reached": r"\b(was given|were given|administered|received|patient (fell|was found)|resulted in|"
    r"sustained|injur\w*|harm\w*|transferred to|rapid response|code blue|died|death)\b",
}

_CATEGORY = {code: re.compile(pattern) for code, pattern in CATEGORY_RULES.items()}
_EVENT = {name: re.compile(pattern) for name, pattern in EVENT_RULES.items()}
RULE_NAMES: tuple[str, ...] = (*(f"category:{c}" for c in CATEGORY_RULES), *(f"event:{e}" for e in EVENT_RULES))


def rule_hits(text: str) -> list[float]:
    """One value per rule (RULE_NAMES order): 1.0 when the rule matches the narrative, else 0.0."""
    lowered = text.lower()
    return [1.0 if p.search(lowered) else 0.0 for p in (*_CATEGORY.values(), *_EVENT.values())]


def keyword_suggest(text: str) -> tuple[str, list[str]]:
    """The keyword-only baseline: (event type, categories) from the rules alone.

    Categories: every category whose rule matches, A66 when none does. Event type: unsafe condition
    on an unsafe-condition cue with no sign the event reached anyone, near miss on a near-miss cue,
    else incident.
    """
    lowered = text.lower()
    categories = [code for code, pattern in _CATEGORY.items() if code != "A66" and pattern.search(lowered)]
    if not categories:
        categories = ["A66"]
    reached = bool(_EVENT["reached"].search(lowered))
    if _EVENT["unsafe"].search(lowered) and not reached:
        event_type = "A9"
    elif _EVENT["near_miss"].search(lowered):
        event_type = "A6"
    else:
        event_type = "A3"
    return event_type, categories
