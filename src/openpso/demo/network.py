"""The synthetic demo network: one PSO, three health systems, 23 providers and their units.

Everything here is fictional. The spec is plain data so the report generator can run
without a database (and stay deterministic); `build_network` writes it to the ORM.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.text import slugify

from openpso.organizations.models import (
    BedSizeBand,
    EmsVolumeBand,
    FeedbackProduct,
    MemberAgreement,
    Organization,
    OrgKind,
    ProviderType,
    Unit,
    Urbanicity,
)

PSO_SLUG = "demo-pso"
PSO_NAME = "Keystone Patient Safety Organization"

HOSPITAL, EMS = ProviderType.HOSPITAL.value, ProviderType.EMS_AGENCY.value
NURSING_HOME, PHARMACY = ProviderType.NURSING_HOME.value, ProviderType.COMMUNITY_PHARMACY.value
AMBULATORY = ProviderType.AMBULATORY.value
URBAN, RURAL = Urbanicity.URBAN.value, Urbanicity.RURAL.value

HEALTH_SYSTEMS: dict[str, str] = {  # name -> headquarters state
    "Harrow Valley Health System": "PA",
    "Cedar Gap Health Network": "WV",
    "Millrace Health Partners": "OH",
}


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    provider_type: str
    system: str | None  # health-system name; None for an independent provider
    state: str
    urbanicity: str
    bed_size_band: str = ""
    ems_volume_band: str = ""
    system_may_view: bool = True

    @property
    def slug(self) -> str:
        return slugify(self.name)[:60]


def _h(name: str, system: str | None, state: str, urb: str, beds: BedSizeBand) -> ProviderSpec:
    return ProviderSpec(name, HOSPITAL, system, state, urb, bed_size_band=beds.value)


def _e(name: str, system: str | None, state: str, urb: str, band: EmsVolumeBand) -> ProviderSpec:
    return ProviderSpec(name, EMS, system, state, urb, ems_volume_band=band.value)


_HV, _CG, _MR = HEALTH_SYSTEMS
PROVIDERS: tuple[ProviderSpec, ...] = (
    _h("Harrow Valley Medical Center", _HV, "PA", URBAN, BedSizeBand.B500_PLUS),
    _h("Harrow Valley Hospital Fernhollow", _HV, "PA", RURAL, BedSizeBand.B100_199),
    _h("Harrow Valley Hospital Quarry Bend", _HV, "PA", RURAL, BedSizeBand.B50_99),
    ProviderSpec("Harrow Valley Senior Living Ashby Falls", NURSING_HOME, _HV, "PA", RURAL),
    _e("Harrow Valley EMS", _HV, "PA", URBAN, EmsVolumeBand.R20K_50K),
    # The practice keeps its identified reports from the system: the health-system
    # view must show that a member agreement can say no (42 CFR 3.206(b)(4)(iii) is opt-in).
    ProviderSpec("Harrow Valley Primary Care Wexcombe", AMBULATORY, _HV, "PA", URBAN, system_may_view=False),
    _h("Cedar Gap Regional Medical Center", _CG, "PA", URBAN, BedSizeBand.B300_499),
    _h("Cedar Gap Hospital Larkmoor", _CG, "WV", RURAL, BedSizeBand.UNDER_50),
    _h("Cedar Gap Hospital Tillbrook", _CG, "WV", URBAN, BedSizeBand.B200_299),
    _e("Tillbrook Cedar Gap Ambulance", _CG, "WV", RURAL, EmsVolumeBand.R5K_20K),
    ProviderSpec("Cedar Gap Rehabilitation and Nursing", NURSING_HOME, _CG, "WV", URBAN, system_may_view=False),
    _h("Millrace University Hospital", _MR, "OH", URBAN, BedSizeBand.B500_PLUS),
    _h("Millrace Hospital Calder Springs", _MR, "OH", RURAL, BedSizeBand.B100_199),
    _h("Millrace Hospital Stonemere", _MR, "OH", URBAN, BedSizeBand.B200_299),
    _e("Millrace Mobile Health", _MR, "OH", URBAN, EmsVolumeBand.R50K_PLUS),
    ProviderSpec("Millrace Care Center Elkhaven", NURSING_HOME, _MR, "OH", URBAN),
    _h("Oxbow Junction Community Hospital", None, "PA", RURAL, BedSizeBand.B50_99),
    _e("Brindle Creek Volunteer Ambulance", None, "PA", RURAL, EmsVolumeBand.UNDER_5K),
    _e("Hollis Gap Fire and Rescue EMS", None, "WV", RURAL, EmsVolumeBand.UNDER_5K),
    _e("Marrowfield County EMS", None, "OH", RURAL, EmsVolumeBand.R5K_20K),
    _e("Elkhaven Regional EMS Authority", None, "OH", URBAN, EmsVolumeBand.R20K_50K),
    ProviderSpec("Redfern Mills Community Pharmacy", PHARMACY, None, "PA", RURAL),
    ProviderSpec("Northam Ferry Family Practice", AMBULATORY, None, "OH", RURAL),
)

DEMO_HOSPITAL = PROVIDERS[0]
DEMO_EMS_AGENCY = PROVIDERS[4]

# Units by provider type and size: (name, unit_type). unit_type steers which event
# categories happen where (falls on med-surg, perinatal on L&D, procedures in the OR).
_BIG_HOSPITAL = (
    ("4 West Med-Surg", "med_surg"),
    ("5 East Med-Surg", "med_surg"),
    ("3 North Telemetry", "telemetry"),
    ("Medical ICU", "icu"),
    ("Surgical ICU", "icu"),
    ("Emergency Department", "ed"),
    ("Labor and Delivery", "ld"),
    ("Mother-Baby", "ld"),
    ("Main OR", "or"),
    ("PACU", "or"),
    ("Inpatient Pharmacy", "pharmacy"),
    ("Radiology", "imaging"),
    ("Cath Lab", "procedure"),
)
_MID_HOSPITAL = (
    ("4 West Med-Surg", "med_surg"),
    ("2 South Med-Surg", "med_surg"),
    ("ICU", "icu"),
    ("Emergency Department", "ed"),
    ("Labor and Delivery", "ld"),
    ("Main OR", "or"),
    ("Pharmacy", "pharmacy"),
    ("Radiology", "imaging"),
)
_SMALL_HOSPITAL = (
    ("Med-Surg", "med_surg"),
    ("Step-Down ICU", "icu"),
    ("Emergency Department", "ed"),
    ("Surgical Services", "or"),
    ("Birthing Center", "ld"),
    ("Pharmacy", "pharmacy"),
)
# A critical-access hospital: no OR or obstetrics, so no surgery or perinatal events.
_ACCESS_HOSPITAL = (
    ("Med-Surg", "med_surg"),
    ("Swing Beds", "rehab"),
    ("Emergency Department", "ed"),
    ("Pharmacy", "pharmacy"),
)
_NURSING_HOME = (
    ("Maple Wing (long-term care)", "ltc"),
    ("Birch Wing (memory care)", "memory_care"),
    ("Short-Term Rehab", "rehab"),
    ("Medication Room", "pharmacy"),
)
_PHARMACY = (("Dispensing Counter", "counter"), ("Drive-Through", "counter"), ("Immunization Room", "clinic"))
_AMBULATORY = (
    ("Family Medicine Clinic", "clinic"),
    ("Procedure Room", "procedure"),
    ("Lab Draw Station", "lab"),
    ("Front Desk", "clinic"),
)
_MEDIC_NUMBERS = (12, 14, 3, 7, 21, 5, 9, 16)
_MEDICS_BY_BAND = {"lt5k": 2, "5k-20k": 3, "20k-50k": 5, "50k+": 8}
_HOSPITAL_UNITS = {
    "lt50": _ACCESS_HOSPITAL,
    "50-99": _SMALL_HOSPITAL,
    "100-199": _MID_HOSPITAL,
    "200-299": _MID_HOSPITAL,
    "300-499": _BIG_HOSPITAL,
    "500+": _BIG_HOSPITAL,
}


def units_for(spec: ProviderSpec) -> tuple[tuple[str, str], ...]:
    if spec.provider_type == HOSPITAL:
        return _HOSPITAL_UNITS[spec.bed_size_band]
    if spec.provider_type == EMS:
        medics = _MEDIC_NUMBERS[: _MEDICS_BY_BAND[spec.ems_volume_band]]
        stations = tuple((f"Station {n}", "station") for n in medics[: max(1, len(medics) // 2)])
        return (*((f"Medic {n}", "medic_unit") for n in medics), *stations, ("Communications Center", "dispatch"))
    return {NURSING_HOME: _NURSING_HOME, PHARMACY: _PHARMACY, AMBULATORY: _AMBULATORY}[spec.provider_type]


# DE21 categories each kind of member agreement covers (AHRQ answer codes).
_AGREEMENT_CATEGORIES = {
    HOSPITAL: ["A42", "A44", "A48", "A51", "A54", "A57", "A60", "A63", "A64", "A66"],
    EMS: ["A44", "A54", "A63", "A66"],
    NURSING_HOME: ["A44", "A48", "A51", "A54", "A60", "A66"],
    PHARMACY: ["A54", "A66"],
    AMBULATORY: ["A44", "A48", "A54", "A63", "A66"],
}


@dataclass
class BuiltNetwork:
    pso: Organization
    systems: dict[str, Organization] = field(default_factory=dict)
    providers: dict[str, Organization] = field(default_factory=dict)  # by slug
    units: dict[str, dict[str, Unit]] = field(default_factory=dict)  # slug -> name -> unit


def build_network(*, today: dt.date) -> BuiltNetwork:
    """Create the PSO, systems, providers, units and agreements; call inside a transaction."""
    pso = Organization.objects.create(slug=PSO_SLUG, name=PSO_NAME, kind=OrgKind.PSO, state="PA")
    built = BuiltNetwork(pso=pso)
    for name, state in HEALTH_SYSTEMS.items():
        built.systems[name] = Organization.objects.create(
            slug=slugify(name),
            name=name,
            kind=OrgKind.HEALTH_SYSTEM,
            network=pso,
            state=state,
        )
    for spec in PROVIDERS:
        org = Organization.objects.create(
            slug=spec.slug,
            name=spec.name,
            kind=OrgKind.PROVIDER,
            network=pso,
            parent=built.systems[spec.system] if spec.system else None,
            provider_type=spec.provider_type,
            bed_size_band=spec.bed_size_band,
            ems_volume_band=spec.ems_volume_band,
            state=spec.state,
            urbanicity=spec.urbanicity,
        )
        org.full_clean()  # the demo must obey the same rules as real data
        built.providers[spec.slug] = org
        units = Unit.objects.bulk_create(
            [Unit(provider=org, name=name, unit_type=kind) for name, kind in units_for(spec)]
        )
        built.units[spec.slug] = {unit.name: unit for unit in units}
    MemberAgreement.objects.bulk_create(
        [
            MemberAgreement(
                pso=pso,
                provider=built.providers[spec.slug],
                effective_from=_years_before(today, 3),
                categories=_AGREEMENT_CATEGORIES[spec.provider_type],
                feedback_products=_feedback_products(spec),
                system_may_view=bool(spec.system) and spec.system_may_view,
            )
            for spec in PROVIDERS
        ]
    )
    return built


def _feedback_products(spec: ProviderSpec) -> list[str]:
    products = [
        FeedbackProduct.MONTHLY_PROVIDER_REPORT,
        FeedbackProduct.SAFETY_ALERTS,
        FeedbackProduct.REPORTER_DIGEST,
        FeedbackProduct.LEARNING_REPORT,
    ]
    if spec.system:
        products.insert(1, FeedbackProduct.SYSTEM_REPORT)
    return [str(p.value) for p in products]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
