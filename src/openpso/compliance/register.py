"""The register's rules: which 24-month period the PSO is in, what is due, and each flag.

Every function takes `today` explicitly, so the command, the page and the tests agree on it.
Red means the PSO is out of compliance or cannot show that it is; amber that something falls
due soon; green that the item is in order.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q

from openpso.compliance.models import (
    BusinessAssociateAgreement,
    DelistingRunbook,
    Listing,
    RelationshipDisclosure,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.lib.months import add_months
from openpso.organizations.models import MemberAgreement, Organization

CONTRACT_PERIOD_MONTHS = 24  # 3.102(b)(1)(i)(C): contracts with 2+ providers in each 24 months
MIN_CONTRACTING_PROVIDERS = 2
LISTING_YEARS = 3  # 3.104(d): a listing lasts three years
RENEWAL_WARNING_DAYS = 90
# 3.102(d)(2) disclosure statement: the NPRM proposed 45 days after the end of the month the
# relationship began (regulatory-notes §4.2, [verify] against the final rule).
DISCLOSURE_DAYS_AFTER_MONTH_END = 45
ASSESSMENT_WARNING_DAYS = 30
REVIEW_WARNING_DAYS = 30  # BAAs, training and policies: amber this long before they fall due


class Level(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "Action needed", "amber": "Due soon", "green": "In order"}[self.value]


@dataclass(frozen=True)
class Flag:
    code: str  # listing, contracts, disclosures, security, baas, training, policies, delisting
    level: Level
    title: str
    text: str


@dataclass(frozen=True)
class ContractPeriod:
    number: int  # 1 for the 24 months from the initial listing
    start: dt.date
    end: dt.date  # inclusive
    providers: tuple[Organization, ...] = field(default=())  # with an agreement in force in it so far
    in_force_today: int = 0


@dataclass(frozen=True)
class Register:
    pso: Organization
    today: dt.date
    listing: Listing | None
    period: ContractPeriod | None
    flags: tuple[Flag, ...]

    @property
    def worst(self) -> Level:
        levels = {f.level for f in self.flags}
        return next((level for level in (Level.RED, Level.AMBER) if level in levels), Level.GREEN)


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def contract_period(*, listed_on: dt.date, today: dt.date) -> tuple[int, dt.date, dt.date]:
    """(number, first day, last day) of the 24-month period since `listed_on` that holds `today`."""
    number = 0
    while add_months(listed_on, CONTRACT_PERIOD_MONTHS * (number + 1)) <= today:
        number += 1
    start = add_months(listed_on, CONTRACT_PERIOD_MONTHS * number)
    return number + 1, start, add_months(listed_on, CONTRACT_PERIOD_MONTHS * (number + 1)) - dt.timedelta(days=1)


def agreements_overlapping(*, pso: Organization, start: dt.date, end: dt.date) -> list[MemberAgreement]:
    """Agreements of the PSO in force on at least one day from `start` to `end`."""
    overlapping = Q(effective_from__lte=end) & (Q(effective_to__isnull=True) | Q(effective_to__gte=start))
    return list(MemberAgreement.objects.filter(overlapping, pso=pso).select_related("provider"))


def current_period(*, pso: Organization, listing: Listing, today: dt.date) -> ContractPeriod:
    number, start, end = contract_period(listed_on=listing.initial_listing_date, today=today)
    # Only agreements in force by today count: one signed for later meets the rule when it starts.
    counted = agreements_overlapping(pso=pso, start=start, end=max(start, min(today, end)))
    providers = {a.provider_id: a.provider for a in counted}
    in_force = {a.provider_id for a in counted if a.in_force(today)}
    ordered = tuple(sorted(providers.values(), key=lambda p: p.name))
    return ContractPeriod(number, start, end, ordered, len(in_force))


def disclosure_due(began_on: dt.date) -> dt.date:
    month_end = began_on.replace(day=calendar.monthrange(began_on.year, began_on.month)[1])
    return month_end + dt.timedelta(days=DISCLOSURE_DAYS_AFTER_MONTH_END)


def register_for(*, pso: Organization, today: dt.date) -> Register:
    listing = Listing.objects.filter(pso=pso).first()
    period = current_period(pso=pso, listing=listing, today=today) if listing else None
    flags = (
        _listing_flag(listing, today),
        _contracts_flag(period, today),
        _disclosures_flag(pso, today),
        _security_flag(pso, today),
        _baa_flag(pso, today),
        _training_flag(pso, today),
        _policies_flag(pso, today),
        _delisting_flag(pso, today),
    )
    return Register(pso=pso, today=today, listing=listing, period=period, flags=flags)


def _listing_flag(listing: Listing | None, today: dt.date) -> Flag:
    title = "Listing"
    if listing is None:
        return Flag("listing", Level.RED, title, "No listing recorded: enter the initial listing date and expiry.")
    days = (listing.expires_on - today).days
    if days < 0:
        return Flag("listing", Level.RED, title, f"The listing expired on {listing.expires_on} ({-days} days ago).")
    if days <= RENEWAL_WARNING_DAYS:
        text = f"The listing expires on {listing.expires_on}, in {days} days: submit the renewal (continued listing)."
        return Flag("listing", Level.AMBER, title, text)
    return Flag("listing", Level.GREEN, title, f"Listed until {listing.expires_on}.")


def _contracts_flag(period: ContractPeriod | None, today: dt.date) -> Flag:
    title = "Bona fide contracts (two providers per 24 months)"
    if period is None:
        return Flag("contracts", Level.RED, title, "No listing date recorded, so the 24-month period is unknown.")
    count = len(period.providers)
    span = f"period {period.number}, {period.start} to {period.end}"
    if count < MIN_CONTRACTING_PROVIDERS:
        days = (period.end - today).days
        text = (
            f"Only {count} provider{'s' if count != 1 else ''} had a contract in force in {span}; "
            f"at least {MIN_CONTRACTING_PROVIDERS} are needed within {days} days."
        )
        return Flag("contracts", Level.RED, title, text)
    if period.in_force_today < MIN_CONTRACTING_PROVIDERS:
        text = (
            f"{count} providers in {span}, but {period.in_force_today} in force today: the next period may fall short."
        )
        return Flag("contracts", Level.AMBER, title, text)
    return Flag("contracts", Level.GREEN, title, f"{count} providers had a contract in force in {span}.")


def _disclosures_flag(pso: Organization, today: dt.date) -> Flag:
    title = "Relationship disclosures to AHRQ"
    pending = list(RelationshipDisclosure.objects.filter(pso=pso, submitted_on__isnull=True).order_by("began_on"))
    overdue = [d for d in pending if disclosure_due(d.began_on) < today]
    if overdue:
        first = disclosure_due(overdue[0].began_on)
        text = f"{_statements(len(overdue))} overdue to AHRQ (the first was due on {first})."
        return Flag("disclosures", Level.RED, title, text)
    if pending:
        due = disclosure_due(pending[0].began_on)
        text = f"{_statements(len(pending))} not yet submitted; the next is due on {due}."
        return Flag("disclosures", Level.AMBER, title, text)
    return Flag("disclosures", Level.GREEN, title, "Every recorded relationship has been disclosed.")


def _statements(n: int) -> str:
    return f"{n} disclosure statement{'s' if n != 1 else ''}"


def _security_flag(pso: Organization, today: dt.date) -> Flag:
    title = "Security risk assessment (42 CFR 3.106)"
    latest = SecurityAssessment.objects.filter(pso=pso, performed_on__lte=today).first()
    if latest is None:
        return Flag("security", Level.RED, title, "No security risk assessment recorded.")
    days = (latest.next_due - today).days
    if days < 0:
        text = (
            f"The next assessment was due on {latest.next_due} ({-days} days ago); the last was {latest.performed_on}."
        )
        return Flag("security", Level.RED, title, text)
    if days <= ASSESSMENT_WARNING_DAYS:
        return Flag("security", Level.AMBER, title, f"The next assessment is due on {latest.next_due}, in {days} days.")
    return Flag("security", Level.GREEN, title, f"Last assessed on {latest.performed_on}; next due {latest.next_due}.")


def current_baas(pso: Organization) -> dict[str, BusinessAssociateAgreement]:
    """The latest agreement with each counterparty (by name, case ignored): a renewal replaces it."""
    latest: dict[str, BusinessAssociateAgreement] = {}
    for baa in BusinessAssociateAgreement.objects.filter(pso=pso).order_by("signed_on", "pk"):
        latest[baa.counterparty.strip().casefold()] = baa
    return latest


def _baa_flag(pso: Organization, today: dt.date) -> Flag:
    title = "Business associate agreements (HIPAA, with 42 CFR 3.106)"
    latest = current_baas(pso)
    if not latest:
        return Flag("baas", Level.RED, title, "No business associate agreement recorded.")
    expired = sorted((b for b in latest.values() if b.review_on < today), key=lambda b: b.review_on)
    covered = {b.provider_id for b in latest.values() if b.provider_id and b.review_on >= today}
    in_force = {a.provider_id: a.provider for a in agreements_overlapping(pso=pso, start=today, end=today)}
    missing = sorted((p.name for pid, p in in_force.items() if pid not in covered))
    problems = []
    if expired:
        names = ", ".join(f"{b.counterparty} ({b.review_on})" for b in expired)
        problems.append(f"{len(expired)} expired or past review: {names}.")
    if missing:
        problems.append(f"No current agreement with member{'s' if len(missing) != 1 else ''}: {', '.join(missing)}.")
    if problems:
        return Flag("baas", Level.RED, title, " ".join(problems))
    soon = sorted(
        (b for b in latest.values() if (b.review_on - today).days <= REVIEW_WARNING_DAYS), key=lambda b: b.review_on
    )
    if soon:
        return Flag(
            "baas",
            Level.AMBER,
            title,
            f"The agreement with {soon[0].counterparty} is due for review on {soon[0].review_on}.",
        )
    return Flag("baas", Level.GREEN, title, f"{len(latest)} agreement{'s' if len(latest) != 1 else ''} current.")


def _training_flag(pso: Organization, today: dt.date) -> Flag:
    title = "Workforce security training (42 CFR 3.106(b)(1))"
    latest: dict[tuple[str, str], TrainingRecord] = {}
    for t in TrainingRecord.objects.filter(pso=pso, completed_on__lte=today).order_by("completed_on", "pk"):
        latest[(t.person.strip().casefold(), t.course.strip().casefold())] = t
    if not latest:
        return Flag("training", Level.RED, title, "No training record.")
    overdue = sorted((t for t in latest.values() if t.due_again < today), key=lambda t: t.due_again)
    if overdue:
        first = overdue[0]
        text = f"{len(overdue)} overdue; the first, {first.person}'s {first.course}, was due on {first.due_again}."
        return Flag("training", Level.RED, title, text)
    soon = sorted(
        (t for t in latest.values() if (t.due_again - today).days <= REVIEW_WARNING_DAYS), key=lambda t: t.due_again
    )
    if soon:
        return Flag(
            "training",
            Level.AMBER,
            title,
            f"{len(soon)} due within {REVIEW_WARNING_DAYS} days; the first on {soon[0].due_again}.",
        )
    return Flag(
        "training", Level.GREEN, title, f"{len(latest)} training record{'s' if len(latest) != 1 else ''} current."
    )


def current_policies(pso: Organization, today: dt.date) -> dict[str, SecurityPolicy]:
    """The version in force of each policy (by title, case ignored): the latest adopted by today."""
    latest: dict[str, SecurityPolicy] = {}
    for p in SecurityPolicy.objects.filter(pso=pso, adopted_on__lte=today).order_by("adopted_on", "pk"):
        latest[p.title.strip().casefold()] = p
    return latest


def _policies_flag(pso: Organization, today: dt.date) -> Flag:
    title = "Written security policies (42 CFR 3.106(b)(1))"
    latest = current_policies(pso, today)
    if not latest:
        return Flag("policies", Level.RED, title, "No written security policy recorded.")
    late = sorted((p for p in latest.values() if p.next_review < today), key=lambda p: p.next_review)
    if late:
        names = ", ".join(f"{p.title} v{p.version} (due {p.next_review})" for p in late)
        return Flag("policies", Level.RED, title, f"{len(late)} past review: {names}.")
    soon = sorted(
        (p for p in latest.values() if (p.next_review - today).days <= REVIEW_WARNING_DAYS), key=lambda p: p.next_review
    )
    if soon:
        return Flag("policies", Level.AMBER, title, f"{soon[0].title} is due for review on {soon[0].next_review}.")
    return Flag(
        "policies", Level.GREEN, title, f"{len(latest)} polic{'ies' if len(latest) != 1 else 'y'} within review."
    )


def _delisting_flag(pso: Organization, today: dt.date) -> Flag:
    title = "Delisting runbook (42 CFR 3.108(b))"
    runbook = DelistingRunbook.objects.filter(pso=pso, closed_on__isnull=True).first()
    if runbook is None:
        return Flag("delisting", Level.GREEN, title, "No delisting under way.")
    members = list(runbook.members.all())
    unnotified = sum(m.notified_on is None for m in members)
    open_ = sum(not m.is_done for m in members)
    if open_ == 0:
        text = f"Delisted on {runbook.triggered_on}: every member notified and its PSWP disposed of; close the runbook."
        return Flag("delisting", Level.GREEN, title, text)
    days = (runbook.deadline - today).days
    left = (
        f"{unnotified} member{'s' if unnotified != 1 else ''} not yet notified, {open_} without a recorded disposition"
    )
    if days < 0:
        text = f"The 90-day deadline passed on {runbook.deadline} ({-days} days ago): {left}."
        return Flag("delisting", Level.RED, title, text)
    return Flag(
        "delisting",
        Level.AMBER,
        title,
        f"Delisted on {runbook.triggered_on}; deadline {runbook.deadline}, in {days} days: {left}.",
    )
