"""Release profiles in use: what may leave the PSO analyst's screen, and the record that it did.

The PSO's pool (`profiles.PSO_POOL`) is protected, pseudonymised PSWP the PSO holds: it keeps the
event month and every peer attribute, and it is not non-identified. Anything a member, a health
system or anyone else outside the PSO reads — benchmarks, learning reports, alert evidence,
exports — is a release and goes through here (docs/decisions/0017):

- its profile is `release/1` (the year is the only date element, 42 CFR 3.212(a)(2)(C)), or
  `release-ed/1` (the month) while a recorded, unexpired expert determination authorises it
  (`release_profile`);
- its provider peer attributes are coarsened (size band dropped, region dropped, provider type
  grouped, then suppressed) until every combination of them holds at least k distinct providers
  (`release_peers`; k = `K_DEFAULT` unless set), and the k measured on what is released is
  recorded on a `Release` row (`record_release`) and printed beside it (`release_line`).

k is measured here with pandas rather than with pycanon: pycanon 1.3.6 pins numpy 2.0.2, pandas
2.3.3 and scipy 1.15.3 exactly, which would downgrade the whole project (docs/decisions/
0017-release-profiles.md). Its k-anonymity is the smallest equivalence class over the
quasi-identifiers; `measure_k` is that, counted in distinct providers rather than rows, because a
provider with many rows is still one provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd  # type: ignore[import-untyped]
from django.conf import settings
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.nonid.profiles import PEER_ATTRIBUTES, PSO_POOL, RELEASE, RELEASE_ED, Profile
from openpso.nonid.profiles import period_of_month as period_of_month  # re-exported: the rule sits with the profiles

if TYPE_CHECKING:
    from openpso.nonid.models import ExpertDetermination, Release
    from openpso.organizations.models import Organization

# Five providers per combination of peer attributes: a common floor for provider-level k in health
# data releases (docs/nonid.md says why); OPENPSO_RELEASE_MIN_PROVIDERS in settings overrides it.
K_DEFAULT = 5
SUPPRESSED = "*"  # a suppressed peer attribute, as pycanon and ARX write it
# Provider types grouped by the volume their rates are per (analytics.measures.RATE_MEASURE), so a
# grouped peer rate never mixes patient-days with encounters.
TYPE_GROUPS = {
    "hospital": "inpatient",
    "nursing_home": "inpatient",
    "community_pharmacy": "outpatient",
    "ambulatory": "outpatient",
    "other": "outpatient",
    "ems_agency": "ems",
}
GROUP_WORDS = {
    "inpatient": "hospitals and nursing homes",
    "outpatient": "ambulatory practices, pharmacies and other providers",
    "ems": "EMS agencies",
    SUPPRESSED: "providers of every type",
}
POOL_LINE = (
    "Protected, pseudonymised PSWP — PSO internal (pso-pool/1): dates to the month and every peer "
    "attribute, under random provider codes. Not a release: nothing on this page leaves the PSO as it is."
)


class ReleaseRefused(Exception):
    """Too few providers for any release to hold k of them together."""


def k_required() -> int:
    return int(getattr(settings, "OPENPSO_RELEASE_MIN_PROVIDERS", K_DEFAULT))


# --- k ---------------------------------------------------------------------------------------------


def measure_k(frame: pd.DataFrame, qis: Sequence[str]) -> int | None:
    """The smallest number of distinct providers sharing one combination of `qis` (None: no rows).

    With no quasi-identifier every provider is in one class, so k is the number of providers.
    A missing value is a value of its own (an unknown size band still sets a provider apart).
    """
    if frame.empty:
        return None
    if not qis:
        return int(frame["provider"].nunique())
    keyed = frame[["provider", *qis]].copy()
    for q in qis:
        keyed[q] = keyed[q].astype(object).where(keyed[q].notna(), "<none>")
    return int(keyed.groupby(list(qis), dropna=False)["provider"].nunique().min())


@dataclass(frozen=True)
class PeerRelease:
    """Provider rows with their peer attributes as they may be released."""

    frame: pd.DataFrame  # provider + `qis`, one row per provider
    qis: tuple[str, ...]
    k_required: int
    k_measured: int
    steps: tuple[str, ...]  # what was coarsened, in words, in order

    def peers_of(self, provider: str) -> frozenset[str]:
        """The providers sharing `provider`'s released attributes (itself included)."""
        row = self.frame[self.frame["provider"] == provider]
        if row.empty:
            return frozenset()
        same = pd.Series(True, index=self.frame.index)
        for q in self.qis:
            same &= self.frame[q].astype(object).fillna("<none>") == _first(row[q])
        return frozenset(str(p) for p in self.frame[same]["provider"])

    def label_of(self, provider: str, attribute: str) -> str | None:
        """`provider`'s released value of `attribute` (None where the attribute was dropped)."""
        if attribute not in self.qis:
            return None
        row = self.frame[self.frame["provider"] == provider]
        return None if row.empty else str(_first(row[attribute]))


def _first(column: pd.Series) -> Any:
    value = column.iloc[0]
    return "<none>" if pd.isna(value) else value


def release_peers(frame: pd.DataFrame, *, profile: Profile, k: int | None = None) -> PeerRelease:
    """`frame`'s provider rows (provider + any of PEER_ATTRIBUTES) coarsened until every combination
    of the peer attributes kept holds at least `k` distinct providers.

    The ladder, each step taken only while some combination is still under k: attributes the
    profile does not keep are dropped; the size band is dropped; the region is dropped; provider
    types under k providers become their group (`TYPE_GROUPS`); classes still under k are
    suppressed together, and while the suppressed class is itself under k the smallest remaining
    class joins it. Refused when the table has fewer than k providers.
    """
    k = k_required() if k is None else k
    present = [a for a in PEER_ATTRIBUTES if a in frame.columns]
    rows = frame[["provider", *present]].drop_duplicates("provider").reset_index(drop=True)
    if len(rows) < k:
        raise ReleaseRefused(f"{len(rows)} provider(s): fewer than the {k} any release must hold together")
    qis = [a for a in present if profile.keeps(a)]
    steps = [f"{a.replace('_', ' ')} not released under {profile.id}" for a in present if a not in qis]
    for attribute in ("size_band", "region"):
        if attribute in qis and (measure_k(rows, qis) or 0) < k:
            qis.remove(attribute)
            steps.append(f"{attribute.replace('_', ' ')} dropped")
    if "provider_type" in qis and (measure_k(rows, qis) or 0) < k:
        rows, more = _coarsen_types(rows, k)
        steps += more
    rows = rows[["provider", *qis]]
    measured = measure_k(rows, qis)
    # The ladder ends, at worst, in one class of every provider (≥ k, checked above).
    assert measured is not None
    assert measured >= k, (measured, k)
    return PeerRelease(rows, tuple(qis), k, measured, tuple(steps))


def _coarsen_types(rows: pd.DataFrame, k: int) -> tuple[pd.DataFrame, list[str]]:
    rows = rows.copy()
    types = rows["provider_type"].astype(object).fillna("other")
    sizes = types.map(types.value_counts())
    small = sizes < k
    steps = []
    if small.any():
        rows["provider_type"] = types.where(~small, types.map(lambda t: TYPE_GROUPS.get(t, "outpatient")))
        steps.append("provider types with fewer than k providers grouped")
    counts = rows["provider_type"].value_counts()
    under = set(counts[counts < k].index)
    if under:
        steps.append("provider type suppressed where still fewer than k")
        while True:
            rows["provider_type"] = rows["provider_type"].where(~rows["provider_type"].isin(under), SUPPRESSED)
            counts = rows["provider_type"].value_counts()
            if counts.get(SUPPRESSED, 0) >= k:
                break
            # The suppressed class is too small on its own: the smallest other class joins it.
            others = counts.drop(SUPPRESSED, errors="ignore")
            under = {others.idxmin()}
    return rows, steps


def type_group_words(label: str) -> str | None:
    """Words for a grouped or suppressed provider type; None for a plain provider type."""
    return GROUP_WORDS.get(label)


# --- profiles and determinations --------------------------------------------------------------------


def authorising_determination(pso: Organization, *, on: dt.date | None = None) -> ExpertDetermination | None:
    """The unexpired, unwithdrawn expert determination of `pso` that authorises release-ed/1 on `on`."""
    from openpso.nonid.models import ExpertDetermination

    on = on or timezone.localdate()
    return (
        ExpertDetermination.objects.filter(
            pso=pso, scope=RELEASE_ED.id, withdrawn_at__isnull=True, determined_on__lte=on, expires_on__gt=on
        )
        .order_by("-expires_on", "-id")
        .first()
    )


def release_profile(
    pso: Organization | None, *, on: dt.date | None = None
) -> tuple[Profile, ExpertDetermination | None]:
    """release-ed/1 with its determination while one authorises it, otherwise release/1 (year)."""
    determination = authorising_determination(pso, on=on) if pso is not None else None
    return (RELEASE_ED, determination) if determination is not None else (RELEASE, None)


def release_line(profile: Profile, peers: PeerRelease | None, determination: ExpertDetermination | None = None) -> str:
    """One honest line naming what a release was made under: its profile, its dates, and k."""
    if profile.id == PSO_POOL.id:
        return POOL_LINE
    if profile.date_precision == "month":
        if determination is None:
            raise ValueError(f"{profile.id} needs an expert determination to authorise it")
        dates = (
            f"dates to the month, as expert determination {determination.pk} ({determination.expert}, "
            f"{determination.determined_on:%Y-%m-%d}, until {determination.expires_on:%Y-%m-%d}) authorises"
        )
    else:
        dates = "dates to the year"
    if peers is None:
        groups = f"no peer group released (fewer than {k_required()} providers)"
    else:
        groups = f"peer groups of at least {peers.k_required} providers (measured k = {peers.k_measured})"
    return f"Released under {profile.id}: {dates}, {groups}."


def record_release(
    *,
    pso: Organization,
    what: str,
    profile: Profile,
    peers: PeerRelease | None,
    determination: ExpertDetermination | None = None,
    recipient: Organization | None = None,
    object_id: str = "",
    actor: Actor | None = None,
) -> Release:
    """A Release row and its audit event: what left the PSO, to whom, under which profile, with what k."""
    from openpso.audit.events import object_type_of
    from openpso.audit.trail import record
    from openpso.nonid.events import NonidAction
    from openpso.nonid.models import Release

    if profile.id == PSO_POOL.id:
        raise ValueError("the PSO's own pool is not released")
    if profile.date_precision == "month" and determination is None:
        raise ValueError(f"{profile.id} needs an expert determination to authorise it")
    release = Release.objects.create(
        pso=pso,
        what=what[:80],
        object_id=object_id[:64],
        recipient=recipient,
        profile=profile.id,
        k_required=peers.k_required if peers else k_required(),
        k_measured=peers.k_measured if peers else None,
        determination=determination,
        rows=len(peers.frame) if peers else 0,
    )
    record(
        actor=actor,
        action=NonidAction.RELEASED,
        object_type=object_type_of(release),
        object_id=str(release.pk),
        organization_id=pso.pk,
        purpose="release",
        detail={
            "what": release.what,
            "profile": release.profile,
            "k_required": release.k_required,
            "k_measured": release.k_measured,
            "determination": determination.pk if determination else None,
            "recipient": recipient.pk if recipient else None,
        },
    )
    return release
