"""Scenarios for EMS agencies, nursing homes, community pharmacies and practices.

No AHRQ format covers EMS (regulatory-notes §6); EMS stories are modelled on what
E.V.E.N.T. reports describe — medication errors, equipment, transport and response, and
procedures — and coded with the nearest CFER-H category so they pool with hospital data.
"""

from __future__ import annotations

from openpso.demo.scenario import AMBULATORY as A
from openpso.demo.scenario import EMS as E
from openpso.demo.scenario import INC, NM, UC, Scenario
from openpso.demo.scenario import NURSING_HOME as N
from openpso.demo.scenario import PHARMACY as P

EMS_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "ems-med-concentration",
        "A54",
        (INC,),
        (E,),
        (
            "{unit} dispatched at {time0} on {date} to {address} for a {years}-year-old {sexw} in "
            "respiratory distress. {medic}, paramedic, gave {ems_drug} {conc_wrong} IV when the "
            "protocol dose calls for the {conc_right} concentration; both are carried in the same "
            "drug box compartment. Partner {medic2} noticed the vial at {time}. {patient} was "
            "transported to {facility} and the receiving physician Dr. {dr} was told. PCR {run_no}. "
            "{outcome}"
        ),
    ),
    Scenario(
        "ems-med-crosscheck",
        "A54",
        (NM,),
        (E,),
        (
            "Before pushing {ems_drug} for pain control for {patient} ({age} {sexw}) on {date}, "
            "{medic2} read the vial aloud and {medic} caught that it was {conc_wrong}, not "
            "{conc_right}. Dose recalculated before administration at {time}. Call to {address}, "
            "run {run_no}. Did not reach the patient."
        ),
    ),
    Scenario(
        "ems-med-drugbox",
        "A54",
        (UC,),
        (E,),
        (
            "Morning check on {date} at {time}: the drug box on {unit} held two expired vials of "
            "{ems_drug} and a {conc_wrong} vial stocked in the {conc_right} slot. Box was last "
            "sealed by {medic} on {date_prev}. Supervisor {staff}, cell {phone}, replaced the box. "
            "No patient involved."
        ),
    ),
    Scenario(
        "ems-device-monitor",
        "A44",
        (INC,),
        (E,),
        (
            "During a cardiac arrest at {address} on {date}, the {ems_device} on {unit} displayed a "
            "battery fault and shut down at {time}. Crew {medic} and {medic2} continued manual CPR "
            "until a second unit arrived with a working monitor about four minutes later. Patient "
            "{patient}, {age} {sexw}. Run {run_no}. Device pulled from service. {outcome}"
        ),
    ),
    Scenario(
        "ems-device-cot",
        "A44",
        (NM,),
        (E,),
        (
            "After loading {patient} ({age} {sexw}) at {address} on {date} at {time}, {medic} "
            "noticed the power cot was not latched in the mount; the indicator light was off. The "
            "cot was re-secured before the ambulance moved. Run {run_no}. Fleet manager {staff} "
            "notified."
        ),
    ),
    Scenario(
        "ems-device-suction",
        "A44",
        (UC,),
        (E,),
        (
            "The {ems_device} on {unit} failed its shift check on {date} at {time} (no power on "
            "battery). Spare unit at the station also had a cracked canister. Reported by {medic}; "
            "logistics ({staff}, tel. {phone}) ordered replacements. No patient involved."
        ),
    ),
    Scenario(
        "ems-other-collision",
        "A66",
        (INC,),
        (E,),
        (
            "While transporting {patient} ({age} {sexw}) to {facility} on {date} at about {time}, "
            "{unit} was struck on the passenger side at an intersection while proceeding on a red "
            "light with lights and siren. Patient was restrained on the cot; attendant {medic2} was "
            "not belted. Second unit completed the transport. Run {run_no}. {outcome}"
        ),
        other="Vehicle collision during transport",
    ),
    Scenario(
        "ems-other-wrong-address",
        "A66",
        (INC,),
        (E,),
        (
            "Call for a fall with injury was dispatched to {address} on {date} at {time0}; the "
            "caller, {relative} ({relation} of the patient), had given a different street and "
            "called back at {time} from {phone}. Crew ({medic}, {medic2}) reached {patient}, "
            "{age} {sexw}, eleven minutes late. Run {run_no}. {outcome}"
        ),
        other="Response delay / dispatch error",
    ),
    Scenario(
        "ems-other-handoff",
        "A66",
        (NM,),
        (E,),
        (
            "At handoff at {facility} on {date} at {time}, {medic} gave a verbal report for "
            "{patient} ({age} {sexw}) that left out {his} penicillin allergy. The ED nurse, {rn}, "
            "asked about allergies before antibiotics were hung, and the allergy was confirmed "
            "with {his} {relation} {relative}. Run {run_no}."
        ),
        other="Handoff communication",
    ),
    Scenario(
        "ems-airway-esophageal",
        "A63",
        (INC,),
        (E,),
        (
            "{patient} ({age} {sexw}) was intubated on scene at {address} on {date} by {medic}. "
            "Waveform capnography was not attached until arrival at {facility} at {time}, where Dr. "
            "{dr} found an esophageal tube. Patient reintubated. Run {run_no}. {outcome}"
        ),
    ),
    Scenario(
        "ems-needle-decompression",
        "A63",
        (NM,),
        (E,),
        (
            "On {date} at {time}, while preparing needle decompression for {patient} ({age} "
            "{sexw}) after a rollover crash near {address}, {medic2} pointed out that breath "
            "sounds were absent on the other side. {medic} reassessed and decompressed the correct "
            "side. Run {run_no}. The wrong-side attempt did not happen."
        ),
    ),
)

NURSING_HOME_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "nh-device-lift",
        "A44",
        (INC,),
        (N,),
        (
            "Resident {patient} ({age} {sexw}, {room}) slid from the mechanical lift sling during "
            "transfer on {date} at {time}; the sling was the wrong size for {him}. CNAs {staff} and "
            "{staff2} lowered {him} to the floor. {rn}, RN assessed; {np}, NP notified. {His} "
            "{relation}, {relative}, was called at {phone}. {outcome}"
        ),
    ),
    Scenario(
        "nh-device-oxygen",
        "A44",
        (NM,),
        (N,),
        (
            "At {time} on {date} the oxygen concentrator for resident {patient} in {room} was found "
            "unplugged after housekeeping; {his} portable tank was full and {he} was still on it. "
            "{rn}, RN restored the concentrator before the tank ran low. Resident is {years} years "
            "old, DOB {dob}."
        ),
    ),
    Scenario(
        "nh-med-crushed",
        "A54",
        (INC,),
        (N,),
        (
            "Extended-release {drug_a} was crushed and given via G-tube to resident {patient} in "
            "{room} on {date} at {time} by {staff}, LPN. Pharmacist {pharmacist} flagged it on "
            "review. {np}, NP ordered extra monitoring. {outcome}"
        ),
    ),
)

PHARMACY_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "rx-wrong-strength",
        "A54",
        (INC,),
        (P,),
        (
            "{patient} (DOB {dob}) picked up {rx_drug} {rx_wrong} on {date} instead of the "
            "prescribed {rx_right}. The wrong stock bottle was selected and the product was not "
            "scanned at verification. {He} called back at {time} from {phone} after taking two "
            "doses. Pharmacist {pharmacist} contacted the prescriber, Dr. {dr}. {outcome}"
        ),
    ),
    Scenario(
        "rx-pickup-check",
        "A54",
        (NM,),
        (P,),
        (
            "At pickup on {date} at {time}, technician {staff} asked for date of birth and "
            "{patient} gave {dob}, which did not match the bag: it held {rx_drug} for another "
            "customer with a similar name at {address}. Correct bag found; nothing left the "
            "pharmacy."
        ),
    ),
    Scenario(
        "rx-shelf-lookalike",
        "A54",
        (UC,),
        (P,),
        (
            "{rx_drug} {rx_right} and {rx_drug} {rx_wrong} from the same manufacturer are shelved "
            "side by side with the same bottle and cap colour. Found {date} by pharmacist "
            "{pharmacist}, who moved them apart at {time}. Owner {staff} notified at {phone}. No "
            "patient involved."
        ),
    ),
    Scenario(
        "rx-methotrexate",
        "A54",
        (NM,),
        (P,),
        (
            "E-prescription received {date} for {patient} ({age} {sexw}) for {rx_drug} "
            "{rx_wrong}; the intended regimen was {rx_right}. Pharmacist {pharmacist} called Dr. "
            "{dr}'s office at {time} and the prescription was corrected before filling."
        ),
    ),
    Scenario(
        "rx-other-delivery",
        "A66",
        (INC, NM),
        (P,),
        (
            "Home delivery for {patient} on {date} was left at {address}, a neighbor's door. "
            "{His} {relation}, {relative}, called at {time} from {phone}. Driver {staff} retrieved "
            "the package. {outcome}"
        ),
        other="Delivery to wrong address",
    ),
)

AMBULATORY_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "amb-vaccine-wrong",
        "A54",
        (INC,),
        (A,),
        (
            "{patient}, {age} {sexw}, received {vax_wrong} vaccine instead of {vax_right} on {date} "
            "at {time}. Both were in the same fridge bin. Medical assistant {staff} gave it; {np}, "
            "NP informed the {pt} and {his} {relation} {relative}. MRN {mrn}. {outcome}"
        ),
    ),
    Scenario(
        "amb-erx-duplicate",
        "A54",
        (NM,),
        (A,),
        (
            "On {date}, Dr. {dr} e-prescribed apixaban for {patient} (DOB {dob}), who already "
            "takes warfarin from a cardiologist. The community pharmacist called at {time} from "
            "{phone} and the new prescription was cancelled before it was filled."
        ),
    ),
    Scenario(
        "amb-vaccine-fridge",
        "A54",
        (UC,),
        (A,),
        (
            "The clinic vaccine refrigerator read 11 °C on arrival on {date} at {time}; the "
            "data logger shows the excursion began overnight. All vaccines quarantined by {staff} "
            "and the state program called at {phone}. No patients vaccinated from the unit."
        ),
    ),
    Scenario(
        "amb-lost-result",
        "A66",
        (INC,),
        (A,),
        (
            "Abnormal chest CT for {patient} ({age} {sexw}, MRN {mrn}) resulted on {date_prev} to "
            "a provider who had left the practice. It was found on {date} at {time} when {his} "
            "{relation} {relative} called from {phone} asking about results. Dr. {dr} reviewed. "
            "{outcome}"
        ),
        other="Test result follow-up",
    ),
    Scenario(
        "amb-referral",
        "A66",
        (NM,),
        (A,),
        (
            "Urgent dermatology referral for {patient} (DOB {dob}) written {date_prev} was never "
            "faxed. Front desk ({staff}) found it in the outbox on {date} at {time} and sent it; "
            "appointment was still within the urgent window. {np}, NP informed."
        ),
        other="Referral not sent",
    ),
    Scenario(
        "amb-device-glucometer",
        "A44",
        (INC, NM),
        (A,),
        (
            "Point-of-care glucometer in {unit} failed quality control on {date} at {time}; it had "
            "been used for {patient} ({age} {sexw}, MRN {mrn}) earlier that morning. Noted by "
            "{staff}. Dr. {dr} ordered a lab glucose. {outcome}"
        ),
    ),
    Scenario(
        "amb-aed-pads",
        "A44",
        (UC,),
        (A,),
        (
            "Monthly check on {date} at {time} found the AED in {unit} with pads that expired "
            "three months ago and no spare set. Checklist was signed off by {staff} on {date_prev}. "
            "Office manager {staff2} (tel. {phone}) ordered pads. No patient involved."
        ),
    ),
)
