"""Non-identification profiles: what each use of pooled data may keep, as versioned data.

42 CFR 3.212(a) offers two ways to make provider and reporter information non-identifiable:
removal of the listed identifiers (the safe-harbor-like method of 3.212(a)(2): no date
element but the year, no geography below a State), or a documented statistical / expert
determination that the risk of identifying a provider or reporter is very small
(3.212(a)(1)). Patients are de-identified per HIPAA Safe Harbor under both (3.212(b)).

A profile is one such decision written down. Its id is recorded on every pooled row, so a
row always says which rules made it; a profile is never edited in place — a change is a
new version (`pso-pool/2`), and the lake rebuilds when the profile it was made with is not
the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DatePrecision = Literal["month", "year"]
PEER_ATTRIBUTES = ("provider_type", "size_band", "region")


@dataclass(frozen=True)
class Profile:
    id: str  # "<name>/<version>", recorded on every pooled row
    title: str
    recipients: str  # who may receive data made under this profile
    basis: str  # the rule or determination that allows what it keeps
    date_precision: DatePrecision  # the finest date element kept (event month or year)
    peer_attributes: tuple[str, ...]  # provider peer-group attributes kept beside the pseudonym
    exact_age: bool  # ages 0–89 kept in years; otherwise only the age band (90+ either way)
    zip3: bool  # a patient's three-digit ZIP kept where Safe Harbor allows it

    def keeps(self, attribute: str) -> bool:
        return attribute in self.peer_attributes


PSO_POOL = Profile(
    id="pso-pool/1",
    title="The PSO's own pool",
    recipients="the PSO's own analysts, inside the PSO (not a disclosure)",
    basis=(
        # Not a non-identified data set: the pool is PSWP the PSO holds for its own patient
        # safety activities, pseudonymised to limit what its analysts see (docs/decisions/0017).
        # It claims neither Safe Harbor nor an expert determination; nothing made under this
        # profile leaves the PSO (RELEASE does).
        "Protected, pseudonymised PSWP held by the PSO for its own patient safety activities "
        "(42 CFR Part 3); not non-identified under 3.212 and no Safe Harbor or expert "
        "determination is claimed. It keeps the event month and the peer-group attributes "
        "(provider type, size band, Census region) under a random pool code per provider; no "
        "provider, unit or person names, no geography below the State, no day or time; ages "
        "over 89 as 90+, ZIP3 only where the area has more than 20,000 people."
    ),
    date_precision="month",
    peer_attributes=PEER_ATTRIBUTES,
    exact_age=True,
    zip3=True,
)

RELEASE = Profile(
    id="release/1",
    title="Anything released outside the PSO",
    recipients="anyone outside the PSO: the NPSD, researchers, members' peer reports",
    basis=(
        "42 CFR 3.212(a)(2) removal: year as the only date element, no geography below the "
        "State (Census region at most), peer attributes coarsened until every combination holds "
        "at least k providers (openpso.nonid.release). Patients per HIPAA Safe Harbor: ages in "
        "bands, 90+ for ages over 89, no ZIP code."
    ),
    date_precision="year",
    peer_attributes=("provider_type", "region"),
    exact_age=False,
    zip3=False,
)

# The month is finer than 3.212(a)(2) allows: this profile may be used only while a recorded,
# unexpired expert determination (3.212(a)(1); nonid.models.ExpertDetermination) authorises it.
# `release.release_profile` picks it; nothing else may.
RELEASE_ED = Profile(
    id="release-ed/1",
    title="Released outside the PSO under an expert determination",
    recipients="anyone outside the PSO the determination names",
    basis=(
        "A recorded expert determination (42 CFR 3.212(a)(1) for providers and reporters, "
        "45 CFR 164.514(b)(1) for patients, as 3.212(b) requires) that the risk of identifying "
        "anyone is very small allows the event month; every other element as release/1, peer "
        "attributes coarsened until every combination holds at least k providers."
    ),
    date_precision="month",
    peer_attributes=("provider_type", "region"),
    exact_age=False,
    zip3=False,
)

PROFILES: dict[str, Profile] = {p.id: p for p in (PSO_POOL, RELEASE, RELEASE_ED)}
LAKE_PROFILE = PSO_POOL  # the lake is the PSO's own pool


def period_of_month(month: str, profile: Profile) -> str:
    """The date a release may carry for an event month "YYYY-MM": the month itself, or its year."""
    return month if profile.date_precision == "month" else month[:4]


def profile(profile_id: str) -> Profile:
    try:
        return PROFILES[profile_id]
    except KeyError:
        raise KeyError(f"no non-identification profile {profile_id!r}; known: {', '.join(PROFILES)}") from None
