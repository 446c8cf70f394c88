"""Synthetic event reports as plain drafts, streamed month by month (no database here).

Each (provider, month) cell draws from its own `random.Random`, seeded from the run seed,
the provider and the month, so output never depends on wall-clock time or global random
state, and a cell can be regenerated alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from openpso.commonformats.definitions import INCIDENT, UNSAFE_CONDITION
from openpso.demo import mix, module_answers, signals
from openpso.demo.narratives import Facts, Narrative, Told, scenarios_for, write_narrative
from openpso.demo.network import EMS, HOSPITAL, PROVIDERS, ProviderSpec, units_for
from openpso.demo.volumes import Cell, plan, window
from openpso.lib.anonymity import anonymous_time

DEFAULT_EVENTS = 6000
_SEX_MIX = {"F": 51, "M": 47, "UNK": 2}


@dataclass(frozen=True)
class ReportDraft:
    id: uuid.UUID
    provider_slug: str
    unit_name: str
    event_type: str  # DE3
    categories: tuple[str, ...]  # DE21
    category_other: str
    discovered_at: dt.datetime  # DE9, UTC
    reported_at: dt.datetime  # DE30, UTC; to the hour when anonymous
    narrative: Narrative  # DE15 with gold spans
    location_detail: str  # DE18
    patient_age: int | None
    patient_sex: str
    harm: str
    anonymous: bool
    author_pick: int | None  # picks one of the provider's demo reporters; None when anonymous
    reporter_role: str
    modules: tuple[str, ...] = ()  # the modules its categories call for (`modules_for`)
    answers: dict[str, Any] = field(default_factory=dict)  # coded module answers, by linkId
    # Planted to measure duplicate detection (`_plan_plants`): drafts with one `same_event` tell one
    # event (the first one's id); `near_miss_of` is another event made to look like that report.
    same_event: uuid.UUID | None = None
    near_miss_of: uuid.UUID | None = None
    told: Told | None = field(default=None, compare=False, repr=False)  # what its narrative fixed


def iter_drafts(*, seed: int, total: int, today: dt.date, tz: dt.tzinfo) -> Iterator[ReportDraft]:
    """Yield `total` drafts over the 24 months before `today`, oldest month first."""
    cutoff = dt.datetime.combine(today, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    months = window(today)
    for cell in plan(seed=seed, total=total, months=months):
        yield from _cell_drafts(cell, seed=seed, tz=tz, cutoff=cutoff, last=months[-1])


def _cell_drafts(cell: Cell, *, seed: int, tz: dt.tzinfo, cutoff: dt.datetime, last: dt.date) -> Iterator[ReportDraft]:
    spec = cell.provider
    rng = random.Random(f"{seed}:{spec.slug}:{cell.month:%Y-%m}")
    categories = signals.category_weights(mix.category_mix(spec), signals.boosts(spec, cell.month, last))
    facilities = tuple(p.name for p in PROVIDERS if p.provider_type == HOSPITAL and p.state == spec.state)
    # Its own generator: the month's first drafts stay as they were; the plants take the last places.
    planter = random.Random(f"{seed}:{spec.slug}:{cell.month:%Y-%m}:plants")
    kinds = _plan_plants(planter, cell.reports)
    drafts = [
        _draft(rng, spec, cell.month, categories=categories, facilities=facilities, tz=tz, cutoff=cutoff)
        for _ in range(cell.reports - len(kinds))
    ]
    bases = [i for i, d in enumerate(drafts) if d.patient_age is not None and d.patient_sex]
    planted: list[ReportDraft] = []
    for kind in kinds:
        if not bases:  # nothing to plant beside: an ordinary report in its place, the total stays exact
            planted.append(
                _draft(rng, spec, cell.month, categories=categories, facilities=facilities, tz=tz, cutoff=cutoff)
            )
            continue
        at = planter.choice(bases)
        base = drafts[at]
        if kind == DUPLICATE:
            drafts[at] = base = replace(base, same_event=base.id)  # the group is known by its first report
        planted.append(_retell(planter, spec, base, kind=kind, facilities=facilities, tz=tz, cutoff=cutoff))
    yield from drafts
    yield from planted


def _draft(
    rng: random.Random,
    spec: ProviderSpec,
    month: dt.date,
    *,
    categories: dict[str, float],
    facilities: tuple[str, ...],
    tz: dt.tzinfo,
    cutoff: dt.datetime,
) -> ReportDraft:
    ptype = spec.provider_type
    category = mix.weighted(rng, categories)
    event_type = mix.weighted(rng, mix.event_type_mix(category, ptype))
    candidates = scenarios_for(setting=ptype, category=category, event_type=event_type)
    if not candidates:
        raise LookupError(f"no narrative scenario for {ptype} {category} {event_type}")
    scenario = rng.choice(candidates)
    codes = [category]
    if rng.random() < mix.SECONDARY_SHARE:
        extra = [c for c in mix.SECONDARY.get(category, ()) if c in categories and mix.allowed(c, event_type)]
        if extra:
            codes.append(rng.choice(extra))
    unit_name, unit_type = _unit(rng, spec, category, event_type)

    day = rng.randint(1, calendar.monthrange(month.year, month.month)[1])
    hour = rng.choices(range(24), weights=mix.HOUR_WEIGHTS)[0]
    local = dt.datetime(month.year, month.month, day, hour, rng.randrange(60), tzinfo=tz)
    discovered = local.astimezone(dt.UTC)
    reported = min(discovered + _reporting_delay(rng), cutoff)  # never after the anchor day
    anonymous = rng.random() < mix.ANONYMOUS_SHARE[ptype]
    if anonymous:
        # Invariant 2: an exact submission time can identify an anonymous reporter.
        reported = anonymous_time(reported)
        if reported < discovered:
            reported += dt.timedelta(hours=1)

    age: int | None = None
    sex = harm = ""
    if event_type != UNSAFE_CONDITION:  # an unsafe condition reached no patient
        age = mix.patient_age(rng, ptype, category)
        sex = "F" if category == "A57" else mix.weighted(rng, _SEX_MIX)
    if event_type == INCIDENT:  # AHRQ harm scale applies to incidents only (DE3 = A3)
        harm = mix.weighted(rng, mix.harm_mix(category))
    facts = Facts(
        when=local,
        setting=ptype,
        unit=unit_name,
        unit_type=unit_type,
        age=age,
        sex=sex or "UNK",
        harm=harm,
        state=spec.state,
        facilities=facilities,
    )
    told = Told()
    narrative = write_narrative(rng, scenario=scenario, facts=facts, told=told)
    role = mix.weighted(rng, mix.REPORTER_ROLES[ptype])
    # Drawn in the order they always were, so a seed gives the same reports as before.
    report_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    location_detail = f"{unit_name}, {rng.choice(mix.PLACES[ptype])}"
    # Reporters leave the patient fields blank now and then, as in real intake.
    age_given = age if age is not None and rng.random() < 0.92 else None
    sex_given = sex if sex and rng.random() < 0.95 else ""
    recent = reported >= cutoff - dt.timedelta(days=module_answers.INCOMPLETE_DAYS)
    modules, answers = _answers(
        report_id, ptype, event_type, tuple(codes), anonymous=anonymous, sex=sex_given, harm=harm, recent=recent
    )
    return ReportDraft(
        id=report_id,
        provider_slug=spec.slug,
        unit_name=unit_name,
        event_type=event_type,
        categories=tuple(codes),
        category_other=scenario.other if category == "A66" else "",
        discovered_at=discovered,
        reported_at=reported,
        narrative=narrative,
        location_detail=location_detail,
        patient_age=age_given,
        patient_sex=sex_given,
        harm=harm,
        anonymous=anonymous,
        author_pick=None if anonymous else rng.randrange(1 << 16),
        reporter_role="" if anonymous and rng.random() < 0.5 else role,
        modules=modules,
        answers=answers,
        told=told,
    )


def _answers(
    report_id: uuid.UUID,
    ptype: str,
    event_type: str,
    codes: tuple[str, ...],
    *,
    anonymous: bool,
    sex: str,
    harm: str,
    recent: bool,
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The modules the categories call for and their coded answers, from the report's id alone."""
    definitions = module_answers.modules(codes, ptype)
    # Its own generator, from its id: the month's draws stay as they were.
    answers_rng = random.Random(f"{report_id}:answers")
    leave_open = 0
    if recent and answers_rng.random() < module_answers.INCOMPLETE_SHARE:
        leave_open = answers_rng.choice((1, 1, 2))
    core = module_answers.context(event_type=event_type, categories=codes, anonymous=anonymous, sex=sex)
    answers = module_answers.answer_modules(answers_rng, definitions, core=core, harm=harm, leave_open=leave_open)
    return tuple(d.key for d in definitions), answers


# Planted duplicates (issue 18 item 4): some events are told by two or three staff (another
# reporter, other words, discovered minutes to hours apart, the same unit, patient and codes), and
# some near misses look alike but are another event (the same unit and category: another patient
# within hours, or the same patient a day or two later). `demo.duplicates` measures the triage
# queue's duplicate score on them.
DUPLICATE, OTHER_PATIENT, OTHER_DAY = "duplicate", "other patient", "other day"
PLANTS_PER_REPORT = 0.012  # planted groups per report in a month of at least PLANT_FROM reports
NEAR_MISSES_PER_REPORT = 0.006
PLANT_FROM = 12


def _plan_plants(rng: random.Random, reports: int) -> list[str]:
    """The planted reports of one provider's month, by kind: one per extra teller, one per near miss."""
    if reports < PLANT_FROM:
        return []

    def draws(rate: float) -> int:  # a count with mean reports * rate
        whole, part = divmod(reports * rate, 1)
        return int(whole) + (rng.random() < part)

    kinds = [DUPLICATE] * sum(rng.choice((1, 1, 2)) for _ in range(draws(PLANTS_PER_REPORT)))
    kinds += [rng.choice((OTHER_PATIENT, OTHER_DAY)) for _ in range(draws(NEAR_MISSES_PER_REPORT))]
    return kinds


def _retell(
    rng: random.Random,
    spec: ProviderSpec,
    base: ReportDraft,
    *,
    kind: str,
    facilities: tuple[str, ...],
    tz: dt.tzinfo,
    cutoff: dt.datetime,
) -> ReportDraft:
    """Another report beside `base`: the same event told again (DUPLICATE) or a look-alike other event."""
    ptype = spec.provider_type
    assert base.patient_age is not None
    age, sex = base.patient_age, base.patient_sex
    if kind == OTHER_PATIENT:
        while abs(age - base.patient_age) <= 1 and sex == base.patient_sex:
            age = mix.patient_age(rng, ptype, base.categories[0])
            sex = "F" if base.categories[0] == "A57" else mix.weighted(rng, _SEX_MIX)
    if kind == OTHER_DAY:
        gap = dt.timedelta(minutes=rng.randint(20 * 60, 46 * 60))  # the next day or the one after
    elif kind == OTHER_PATIENT:
        gap = dt.timedelta(minutes=rng.randint(30, 8 * 60))
    else:
        gap = dt.timedelta(minutes=rng.randint(5, 4 * 60))
    discovered = base.discovered_at + gap
    if discovered >= cutoff:
        discovered = base.discovered_at - gap
    local = discovered.astimezone(tz)
    reported = min(discovered + _reporting_delay(rng), cutoff)
    anonymous = rng.random() < mix.ANONYMOUS_SHARE[ptype]
    if anonymous:
        reported = anonymous_time(reported)
        if reported < discovered:
            reported += dt.timedelta(hours=1)
    # Another teller of the same event: half the time the first teller's story in other words (its
    # own times, rooms, colleagues' names and phrasing), half another story of the same kind, both
    # with the same patient and clinical details. A look-alike other event: any story of the kind.
    kinds = scenarios_for(setting=ptype, category=base.categories[0], event_type=base.event_type)
    first = base.told or Told()
    same = [s for s in kinds if s.key == first.scenario]
    scenario = same[0] if same and rng.random() < 0.5 else rng.choice(kinds)
    told = Told(patient=first.patient, fill=dict(first.fill)) if kind == DUPLICATE else Told()
    unit_type = dict(units_for(spec)).get(base.unit_name, "")
    facts = Facts(
        when=local,
        setting=ptype,
        unit=base.unit_name,
        unit_type=unit_type,
        age=age,
        sex=sex or "UNK",
        harm=base.harm,
        state=spec.state,
        facilities=facilities,
    )
    narrative = write_narrative(rng, scenario=scenario, facts=facts, told=told)
    report_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    modules, answers = _answers(
        report_id,
        ptype,
        base.event_type,
        base.categories,
        anonymous=anonymous,
        sex=sex,
        harm=base.harm,
        recent=reported >= cutoff - dt.timedelta(days=module_answers.INCOMPLETE_DAYS),
    )
    # A duplicate's teller is another of the provider's reporters than the first one's.
    author = None if anonymous else (base.author_pick + 1 if base.author_pick is not None else rng.randrange(1 << 16))
    return replace(
        base,
        id=report_id,
        discovered_at=discovered,
        reported_at=reported,
        narrative=narrative,
        location_detail=f"{base.unit_name}, {rng.choice(mix.PLACES[ptype])}",
        category_other=scenario.other if base.categories[0] == "A66" else "",
        patient_age=age if rng.random() < 0.92 else None,
        patient_sex=sex if rng.random() < 0.95 else "",
        anonymous=anonymous,
        author_pick=author,
        reporter_role="" if anonymous and rng.random() < 0.5 else mix.weighted(rng, mix.REPORTER_ROLES[ptype]),
        modules=modules,
        answers=answers,
        same_event=base.id if kind == DUPLICATE else None,
        near_miss_of=base.id if kind != DUPLICATE else None,
        told=told,
    )


def _unit(rng: random.Random, spec: ProviderSpec, category: str, event_type: str) -> tuple[str, str]:
    # EMS stories name the vehicle ("Medic 12 was struck…"); only an unsafe condition
    # (a drug box, a suction unit) may also be found at a station.
    kinds = {"medic_unit", "station"} if event_type == UNSAFE_CONDITION else {"medic_unit"}
    units = [u for u in units_for(spec) if spec.provider_type != EMS or u[1] in kinds]
    preferred = [u for u in units if u[1] in mix.UNIT_TYPES.get(category, ())]
    return rng.choice(preferred or units)


def _reporting_delay(rng: random.Random) -> dt.timedelta:
    """0–72 hours: half within four hours, most within a day."""
    draw = rng.random()
    if draw < 0.5:
        minutes = rng.randint(5, 240)
    elif draw < 0.8:
        minutes = rng.randint(240, 1440)
    else:
        minutes = rng.randint(1440, 4320)
    return dt.timedelta(minutes=minutes)
