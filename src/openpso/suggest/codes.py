"""The codes a suggestion is made of: HERF-1.2 event types and categories, the harm scale's answers.

Copied from the Common Formats definitions (commonformats/data/cfer-h-1.2/herf.json and pif.json)
so that `openpso suggest` runs without Django; suggest/tests/test_codes.py checks they agree.
"""

from __future__ import annotations

EVENT_TYPES: tuple[str, ...] = ("A3", "A6", "A9")  # incident, near miss, unsafe condition
EVENT_TYPE_NAMES = {"A3": "Incident", "A6": "Near Miss", "A9": "Unsafe Condition"}

CATEGORIES: tuple[str, ...] = ("A42", "A44", "A48", "A51", "A54", "A57", "A60", "A63", "A64", "A66")
CATEGORY_NAMES = {
    "A42": "Blood or Blood Product",
    "A44": "Device or Medical/Surgical Supply, including Health Information Technology (HIT)",
    "A48": "Fall",
    "A51": "Healthcare-associated Infection",
    "A54": "Medication or Other Substance",
    "A57": "Perinatal",
    "A60": "Pressure Ulcer",
    "A63": "Surgery or Anesthesia (includes invasive procedure)",
    "A64": "Venous Thromboembolism",
    "A66": "Other",
}

# AHRQ Common Formats Harm Scale v1.2 (LOINC answer list LL2819-2), and LA4489-6 "Unknown".
HARM: tuple[str, ...] = ("LA20747-4", "LA20748-2", "LA20749-0", "LA21150-0", "LA21151-8", "LA4489-6")
HARM_NAMES = {
    "LA20747-4": "Death",
    "LA20748-2": "Severe harm",
    "LA20749-0": "Moderate harm",
    "LA21150-0": "Mild harm",
    "LA21151-8": "No harm",
    "LA4489-6": "Unknown",
}
