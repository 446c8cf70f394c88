"""Scenarios for hospitals (some also fit nursing homes and practices): one story each.

Categories are AHRQ DE21 codes: A42 blood, A44 device, A48 fall, A51 HAI, A54 medication,
A57 perinatal, A60 pressure ulcer, A63 surgery/anaesthesia, A64 VTE, A66 other.
"""

from __future__ import annotations

from openpso.demo.scenario import AMBULATORY as A
from openpso.demo.scenario import HOSPITAL as H
from openpso.demo.scenario import INC, NM, UC, Scenario
from openpso.demo.scenario import NURSING_HOME as N

HOSPITAL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "fall-bed-exit",
        "A48",
        (INC,),
        (H, N),
        (
            "On {date} at approximately {time}, {pt} {patient} ({age} {sexw}, MRN {mrn}) was found on "
            "the floor beside the bed in {room} on {unit}. Bed exit alarm was not activated although "
            "{his} fall risk score on admission was high. {He} stated {he} was trying to get to the "
            "bathroom and did not want to bother anyone. {rn}, RN assisted {him} back to bed with "
            "two staff and completed a post-fall huddle. Dr. {dr} was paged at {time2}. {His} "
            "{relation}, {relative}, was called at {phone}. {outcome}"
        ),
    ),
    Scenario(
        "fall-bathroom",
        "A48",
        (INC,),
        (H, N, A),
        (
            "{Pt} {patient_last} got up unassisted to use the bathroom and was found sitting on the "
            "bathroom floor at {time} on {date}. Per {him}, {he} became dizzy after standing. "
            "Orthostatic vitals were positive. {He} is {years} years old and was started on a new "
            "antihypertensive the day before. Non-slip socks were not on. Charge nurse {rn} and "
            "{np}, NP evaluated at the bedside. {outcome}"
        ),
    ),
    Scenario(
        "fall-assisted",
        "A48",
        (INC,),
        (H, N),
        (
            "While ambulating {patient} (DOB {dob}) in the hallway outside {room} with a gait belt, "
            "{his} knees buckled and {he} was lowered to the floor by {rn}, RN. Event occurred "
            "{date} at {time}. PT had cleared {him} for assisted ambulation on {date_prev}. No "
            "head strike witnessed. Dr. {dr} notified and examined {him}. Family ({relative}, "
            "{relation}) updated in person. {outcome}"
        ),
    ),
    Scenario(
        "med-insulin-dose",
        "A54",
        (INC,),
        (H, N),
        (
            "{Pt} {patient} in {room} received {ha_drug} {ha_given} instead of the ordered "
            "{ha_ordered} at {time} on {date}. The dose was drawn up from a vial and not "
            "independently double-checked. Error recognized at {time2} when {rn2}, RN reviewed the "
            "MAR at shift change. Dr. {dr} notified, orders received for monitoring. MRN {mrn}. "
            "{outcome}"
        ),
    ),
    Scenario(
        "med-lasa",
        "A54",
        (INC,),
        (H, N, A),
        (
            "{patient}, {age} {sexw}, was given {drug_b} instead of the ordered {drug_a} on {date} "
            "around {time}. The two medications are stored next to each other and the labels look "
            "alike. Administering nurse {rn} did not scan the barcode because the scanner on the "
            "unit was not working. Pharmacist {pharmacist} identified the discrepancy during "
            "reconciliation. {outcome}"
        ),
    ),
    Scenario(
        "med-tenfold-order",
        "A54",
        (NM,),
        (H,),
        (
            "Pharmacist {pharmacist} intercepted an order for {ha_drug} {ha_given} for {patient} "
            "(MRN {mrn}, {room}) entered {date} at {time}; the intended dose was {ha_ordered}. "
            "The prescriber, Dr. {dr}, confirmed a decimal/unit entry error and corrected the "
            "order at {time2}. Medication was never dispensed and did not reach the {pt}."
        ),
    ),
    Scenario(
        "med-bcma-wrong-patient",
        "A54",
        (NM,),
        (H, N),
        (
            "At {time} on {date} {rn} scanned the medications for {room} and received a wrong-"
            "patient alert: the cup held {drug_a} labelled for another {pt}. {patient_first} "
            "{patient_last} ({age}) had not yet been given anything. Both {pt}s are on {unit} with "
            "similar surnames. Medication returned to pharmacy; {staff} in pharmacy reviewed the "
            "label process."
        ),
    ),
    Scenario(
        "med-storage-unsafe",
        "A54",
        (UC,),
        (H, N, A),
        (
            "On {date} during a {unit} med room check, {drug_a} and {drug_b} were found stocked in "
            "adjacent pockets of the automated dispensing cabinet with near-identical packaging. No "
            "{pt} involved. Reported by {rn}, RN; pharmacy manager {pharmacist} was told at "
            "{time} and can be reached at {phone}. Request to separate and add tall-man lettering."
        ),
    ),
    Scenario(
        "device-pump-free-flow",
        "A44",
        (INC,),
        (H,),
        (
            "{drip} was infusing via {device} at {rate_given} instead of the ordered {rate_ordered} "
            "for {patient} in {room} (MRN {mrn}). Discovered {date} at {time} by {rn2}, RN during "
            "hourly rounding. Drug library was bypassed when the pump was programmed at {time0}. "
            "Pump sequestered and biomed ({staff}) notified. Dr. {dr} at bedside. {outcome}"
        ),
    ),
    Scenario(
        "device-defib-check",
        "A44",
        (NM,),
        (H, A),
        (
            "During the daily crash cart check on {unit} on {date} at {time}, the defibrillator "
            "failed its self-test and would not charge. Cart was last checked {date_prev} by "
            "{staff}. A {pt} in {room}, {patient}, coded later that shift and a replacement unit "
            "from biomed was used, so the failed unit never reached the {pt}. Checked by {rn}, RN."
        ),
    ),
    Scenario(
        "device-frayed-cord",
        "A44",
        (UC,),
        (H, N),
        (
            "The charging cord of the {device} in {room} on {unit} was found frayed with exposed "
            "wiring on {date} at {time}. Unit removed from service and tagged. Environment-of-care rounds "
            "by {staff} noted two other units with worn cords. Biomed ext {phone}. No {pt} harmed."
        ),
    ),
    Scenario(
        "device-alarm-silenced",
        "A44",
        (INC,),
        (H,),
        (
            "{patient} ({age} {sexw}) on {unit} had telemetry alarms silenced at the central station "
            "from {time0} to {time} on {date}; {he} was found bradycardic in {room}. Monitor tech "
            "{staff} reports alarm fatigue and 300+ alarms that shift. Rapid response called by "
            "{rn}, RN; Dr. {dr} responded. {outcome}"
        ),
    ),
    Scenario(
        "blood-no-verifier",
        "A42",
        (INC,),
        (H,),
        (
            "Unit of {product} started for {patient} (MRN {mrn}) at {time} on {date} in {room} "
            "without the required two-person bedside verification. Within 20 minutes {he} "
            "developed fever and chills; transfusion stopped by {rn}, RN. Blood bank ({staff}) "
            "sent a reaction workup. Dr. {dr} ordered acetaminophen and cultures. {outcome}"
        ),
    ),
    Scenario(
        "blood-wrong-tube",
        "A42",
        (NM,),
        (H,),
        (
            "Type and screen for {patient} ({age} {sexw}, DOB {dob}) drawn {date} at {time} typed "
            "as A positive; historical type on file is O positive. Blood bank tech {staff} held all "
            "{product} and requested a redraw. Redraw confirmed O positive: wrong blood in tube. "
            "Specimen was labelled away from the bedside in {room}. No product issued."
        ),
    ),
    Scenario(
        "blood-fridge-temp",
        "A42",
        (UC,),
        (H,),
        (
            "The blood refrigerator on {unit} alarmed for high temperature at {time} on {date} and "
            "the alarm was not answered for about 40 minutes. Lab supervisor {staff}, pager {phone}, "
            "quarantined 6 units of {product}. No {pt} received product from the unit. Reported by "
            "{rn}, RN."
        ),
    ),
    Scenario(
        "surgery-wrong-side-marking",
        "A63",
        (NM,),
        (H, A),
        (
            "During the time-out for {procedure} on {patient} (MRN {mrn}) on {date} at {time}, "
            "circulating nurse {rn} noted that the site was marked on the {other_side} side while "
            "the consent listed the {side} side. Dr. {dr} re-examined the {pt}, reviewed imaging "
            "and the consent was confirmed. Procedure proceeded on the correct side; the error did "
            "not reach the {pt}."
        ),
    ),
    Scenario(
        "surgery-retained-item",
        "A63",
        (INC,),
        (H,),
        (
            "Post-op film on {date} after {procedure} for {patient} ({age} {sexw}) showed a retained "
            "guidewire fragment. Counts were documented as correct by {rn} and {rn2} at {time0}. "
            "Surgeon Dr. {dr} discussed with the {pt} and {his} {relation} {relative} at {time}. "
            "{outcome}"
        ),
    ),
    Scenario(
        "surgery-burn",
        "A63",
        (INC,),
        (H, A),
        (
            "{patient} sustained a superficial burn at the dispersive pad site after {procedure} "
            "on {date}. Pad placement over a bony prominence noted by PACU nurse {rn} at {time}. "
            "Anesthesia: Dr. {dr2}. Surgeon: Dr. {dr}. Wound care consulted. {outcome}"
        ),
    ),
    Scenario(
        "pressure-sacral",
        "A60",
        (INC,),
        (H, N),
        (
            "Stage 3 pressure injury on the sacrum found on {date} at {time} during a skin check of "
            "{pt} {patient} ({age} {sexw}) in {room}. Admission skin assessment on {date_prev} "
            "documented intact skin. Turning schedule gaps found on two shifts. Wound nurse {np}, NP "
            "consulted; specialty mattress ordered. {His} {relation}, {relative}, notified at "
            "{phone}. {outcome}"
        ),
    ),
    Scenario(
        "pressure-device",
        "A60",
        (INC,),
        (H,),
        (
            "Device-related pressure injury behind both ears from oxygen tubing found on {patient} "
            "(MRN {mrn}) in {room} on {date}. {He} had been on high-flow oxygen for four days. "
            "Ear padding was not in use. Found by {rn}, RN at {time}; Dr. {dr} and wound care "
            "notified. {outcome}"
        ),
    ),
    Scenario(
        "hai-clabsi",
        "A51",
        (INC,),
        (H,),
        (
            "{patient} ({age} {sexw}, MRN {mrn}) in {room} had positive blood cultures for "
            "{organism} on {date}; central line placed {date_prev} by Dr. {dr}. Line days and "
            "dressing changes reviewed by infection preventionist {staff}: dressing was not changed "
            "when soiled. Line removed at {time}. {outcome}"
        ),
    ),
    Scenario(
        "hai-cauti",
        "A51",
        (INC,),
        (H, N),
        (
            "Catheter-associated urinary tract infection with {organism} identified on {date} for "
            "{pt} {patient}, {years} years old, in {room}. Foley had remained in place without a "
            "documented indication. Infection prevention ({staff}) reviewed; {np}, NP ordered "
            "removal at {time}. {outcome}"
        ),
    ),
    Scenario(
        "vte-missed-prophylaxis",
        "A64",
        (INC,),
        (H,),
        (
            "{patient} ({age} {sexw}) developed a pulmonary embolism on {date}, post-op day 3 "
            "after {procedure}. VTE prophylaxis was ordered but held for two days for a planned "
            "procedure and never resumed. Rapid response called at {time} by {rn}, RN; Dr. {dr} "
            "started anticoagulation. MRN {mrn}. {outcome}"
        ),
    ),
    Scenario(
        "vte-dvt-immobile",
        "A64",
        (INC,),
        (H,),
        (
            "Left lower-extremity DVT found by ultrasound on {date} for {pt} {patient_last} in "
            "{room}. Sequential compression devices were documented as applied but found in the "
            "closet by {rn2}, RN at {time}. {He} had been on bedrest since {date_prev}. Dr. {dr} "
            "notified. {outcome}"
        ),
    ),
    Scenario(
        "perinatal-pph",
        "A57",
        (INC,),
        (H,),
        (
            "Postpartum hemorrhage for {patient} ({age}, MRN {mrn}) after vaginal delivery on {date} "
            "at {time}. Quantitative blood loss was not measured for the first 30 minutes and the "
            "hemorrhage cart was missing tranexamic acid. {rn}, RN called Dr. {dr}; massive "
            "transfusion protocol activated at {time2}. Support person {relative} was at the bedside. "
            "{outcome}"
        ),
    ),
    Scenario(
        "perinatal-delayed-csection",
        "A57",
        (INC,),
        (H,),
        (
            "Category II fetal heart tracing for {patient} in {room} on {date} was not escalated for "
            "about 50 minutes. Charge nurse {rn} called Dr. {dr} at {time}; decision-to-incision "
            "time was 42 minutes. Newborn Apgars 3 and 7, admitted to special care nursery. "
            "Contact: {relative} ({relation}) at {phone}. {outcome}"
        ),
    ),
    Scenario(
        "other-wrong-patient-draw",
        "A66",
        (INC,),
        (H, N, A),
        (
            "Lab specimens for {patient} (DOB {dob}) were drawn from the {pt} in the next room on "
            "{date} at {time}. Two identifiers were not checked; wristband was on the bedside "
            "table. Phlebotomist {staff} and {rn}, RN involved. Both {pt}s redrawn at {time2}. "
            "{outcome}"
        ),
        other="Patient identification",
    ),
    Scenario(
        "other-critical-lab",
        "A66",
        (INC,),
        (H,),
        (
            "Critical potassium of 6.9 for {patient} (MRN {mrn}) resulted at {time0} on {date} but "
            "was called to a unit secretary and not passed on. {rn}, RN found the result at {time} "
            "on chart review. Dr. {dr} ordered treatment; {he} was moved to {room} on telemetry. "
            "{outcome}"
        ),
        other="Delay in communicating critical result",
    ),
    Scenario(
        "other-imaging-wrong-patient",
        "A66",
        (NM,),
        (H,),
        (
            "CT tech {staff} stopped a scan on {date} at {time} when {patient} ({age}) stated "
            "{he} had not been told about a CT. The order had been placed on {his} chart instead of "
            "the {pt} in {room}. Dr. {dr} cancelled it; scan did not start."
        ),
        other="Wrong-patient order",
    ),
    Scenario(
        "other-elopement",
        "A66",
        (INC, NM),
        (H, N),
        (
            "{Pt} {patient} ({age} {sexw}, on elopement precautions) was found at {time} on {date} "
            "outside near {address} by security officer {staff}. {He} had left {unit} through a "
            "stairwell door whose alarm was disabled. Returned to {room} with {rn}, RN. {His} "
            "{relation} {relative} was notified at {phone}. {outcome}"
        ),
        other="Elopement / wandering",
    ),
)
