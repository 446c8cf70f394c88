"""`refresh_lake()`: bring the lake up to date with the PSO's current submissions, incrementally.

A refresh looks only at what changed since the last one: current submissions that no lake
entry was made from (new events and new versions), and lake entries whose event has no
current submission any more (withdrawn). Only the month partitions those touch are
rewritten: the month's existing rows are read back (they are already non-identified),
the replaced and withdrawn rows dropped, the new rows added, and the file replaced
atomically; the month's aggregates (`lake.aggregates`) are recomputed from its new files.
The database entries of a month are updated after its files, in one transaction, so a
refresh stopped half-way leaves every finished month done and redoes the rest next time
(event keys are keyed hashes, so redoing a month cannot duplicate a row).

Non-identification runs on every core (`OPENPSO_LAKE_WORKERS`, one worker per core by default):
this process reads each chunk of submissions and what non-identification needs to know of
them (provider facts, version numbers: everything that touches the database), worker processes
non-identify the chunk (`nonid.pipeline.nonidentify_many` over plain data: the documents and
those facts), and this process writes each month as soon as its last chunk is back
(`openpso.lib.pool`: results in order, at most 2 × workers chunks out). The rows are the same
whatever the number of workers.

When the profile, the narrative engine, the pseudonym scheme or the event-key key differs from
the one the lake was made with, every partition is rebuilt from the submissions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from openpso.lake import files, schema
from openpso.lake.aggregates import AGGREGATES, month_aggregates
from openpso.lake.models import LakeEntry, LakeState
from openpso.lib.months import add_months
from openpso.lib.pool import default_workers, ordered_map
from openpso.lib.test_pause import pause_for_crash_test
from openpso.nonid.deid import VERSION, lexicon, ner
from openpso.nonid.geography import census_region
from openpso.nonid.pipeline import NonidStats, PooledEvent, ProviderFacts, nonidentify_many, provider_facts
from openpso.nonid.profiles import LAKE_PROFILE, Profile
from openpso.nonid.pseudonyms import pool_keys_fingerprint, provider_pseudonyms
from openpso.organizations.models import Denominator, Organization, OrgKind
from openpso.submissions.models import Submission

# Test-only (openpso.lib.test_pause): seconds to wait after each month, so the crash test can
# kill a refresh between months (lake/tests/test_refresh_crash.py).
MONTH_PAUSE_ENV = "OPENPSO_TEST_LAKE_MONTH_PAUSE_S"
BATCH = 64  # events per chunk: the engine's model reads a chunk at once; a worker takes one at a time
Progress = Callable[[int, int], None]


@dataclass
class RefreshSummary:
    added: int = 0  # events new to the lake
    changed: int = 0  # events whose newer version replaced the old row
    removed: int = 0  # events withdrawn (no current version any more)
    events_in_lake: int = 0
    partitions_written: int = 0  # month partitions rewritten
    partitions_removed: int = 0  # month partitions emptied and removed
    tables_written: list[str] = field(default_factory=list)  # unpartitioned tables rewritten
    rebuilt: bool = False  # every partition was rebuilt (profile, engine or key changed, or --full)
    seconds: float = 0.0
    nonid_seconds: float = 0.0  # in the non-identification pipeline, the engine included
    deid_seconds: float = 0.0  # in the narrative de-identification engine alone
    workers: int = 1  # processes that scrubbed free text (the largest PSO's refresh)

    @property
    def events(self) -> int:
        return self.added + self.changed

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"events_per_s": round(self.events_per_s, 1)}


def refresh_lake(
    *,
    progress: Progress | None = None,
    full: bool = False,
    pso: Organization | None = None,
    workers: int | None = None,
) -> RefreshSummary:
    """Refresh the lake of every PSO with submissions (or of `pso` only) and say what it did.

    `progress(done, total)` is called as events go through non-identification; `full`
    rebuilds every partition; `workers` processes scrub free text (default
    `settings.LAKE_WORKERS`, 0 meaning one per core).
    """
    started = time.perf_counter()
    summary = RefreshSummary()
    workers = workers if workers is not None else settings.LAKE_WORKERS
    with files.refresh_lock():
        files.sweep(files.lake_root())  # what a refresh killed mid-file left
        for one in [pso] if pso is not None else _psos():
            _Refresh(one, summary=summary, progress=progress, full=full, workers=workers or default_workers()).run()
    summary.seconds = time.perf_counter() - started
    return summary


def _psos() -> list[Organization]:
    has_lake = Exists(LakeState.objects.filter(pso_id=OuterRef("pk")))
    has_submissions = Exists(Submission.objects.filter(pso_id=OuterRef("pk")))
    return list(Organization.objects.filter(has_lake | has_submissions, kind=OrgKind.PSO).order_by("pk"))


@dataclass
class _Plan:
    months: set[dt.date] = field(default_factory=set)
    moved_out: dict[dt.date, set[str]] = field(default_factory=lambda: defaultdict(set))
    withdrawn: dict[dt.date, list[int]] = field(default_factory=lambda: defaultdict(list))
    total: int = 0


class _Row(NamedTuple):
    """A new lake row and what its entry needs (not the submission: a month's rows stay in memory)."""

    event: PooledEvent
    record: dict[str, Any]
    submission_id: uuid.UUID
    provider_id: int
    event_id: uuid.UUID


@dataclass(frozen=True)
class _Doc:
    """What non-identification reads of a submission: plain data, so a worker can take it."""

    pk: uuid.UUID
    provider_id: int
    event_id: uuid.UUID
    event_month: dt.date
    method: str
    document: dict[str, Any]


@dataclass(frozen=True)
class _Chunk:
    """One chunk of work for a worker: its documents and all the database had to say of them."""

    docs: list[_Doc]
    facts: dict[int, ProviderFacts]
    versions: dict[uuid.UUID, int]
    profile: Profile


def _nonidentify(chunk: _Chunk) -> tuple[list[tuple[PooledEvent, dict[str, Any]]], NonidStats]:
    """In a worker: the chunk's pooled rows and removal records. Touches no database (every
    provider's facts are given, so `provider_facts` is never called)."""
    stats = NonidStats()
    results = nonidentify_many(
        chunk.docs, profile=chunk.profile, facts=chunk.facts, stats=stats, version_numbers=chunk.versions
    )
    return results, stats


class _Refresh:
    def __init__(
        self, pso: Organization, *, summary: RefreshSummary, progress: Progress | None, full: bool, workers: int
    ) -> None:
        self.pso, self.summary, self.progress, self.full = pso, summary, progress, full
        self.workers = workers
        self.profile: Profile = LAKE_PROFILE
        self.root = files.lake_dir(pso.slug)
        self.facts: dict[int, ProviderFacts] = {}
        self.stats = NonidStats()
        self.done = 0

    def run(self) -> None:
        state, _ = LakeState.objects.get_or_create(pso=self.pso)
        made_with = (schema.LAYOUT, self.profile.id, VERSION, pool_keys_fingerprint())
        was = (state.layout, state.profile, state.engine_version, state.key_fingerprint)
        self.rebuild = self.full or was != made_with
        self.summary.rebuilt = self.summary.rebuilt or (self.rebuild and state.refreshed_at is not None)
        plan = self._plan()
        if self.progress:
            self.progress(0, plan.total)
        self._months(sorted(plan.months), plan)
        self._small_tables(state)
        state.layout, state.profile, state.engine_version, state.key_fingerprint = made_with
        state.refreshed_at = timezone.now()
        self.summary.events_in_lake += LakeEntry.objects.filter(pso=self.pso).count()
        self.summary.deid_seconds += self.stats.deid_seconds
        self.summary.nonid_seconds += self.stats.total_seconds
        state.last_summary = self.summary.as_dict()
        state.save()

    # What to do -------------------------------------------------------------------------

    def _current(self) -> QuerySet[Submission]:
        return Submission.objects.filter(pso=self.pso, current=True)

    def _to_add(self) -> QuerySet[Submission]:
        """Current submissions the lake was not made from: every one when rebuilding."""
        if self.rebuild:
            return self._current()
        return self._current().exclude(Exists(LakeEntry.objects.filter(submission_id=OuterRef("pk"))))

    def _plan(self) -> _Plan:
        plan = _Plan()
        entries = LakeEntry.objects.filter(pso=self.pso)
        adds = list(self._to_add().values_list("provider_id", "event_id", "event_month"))
        plan.total = len(adds)
        plan.months = {month.replace(day=1) for _, _, month in adds}
        if self.rebuild:
            plan.months |= {m.replace(day=1) for m in entries.values_list("month", flat=True).distinct()}
            for name in ["events", *AGGREGATES]:
                plan.months |= files.months_on_disk(self.root, name)
        else:
            # A new version discovered in another month moves its event out of the old partition.
            new_month = {(provider, event): month.replace(day=1) for provider, event, month in adds}
            for chunk in _chunks(list(new_month), 500):
                old = entries.filter(event_id__in=[event for _, event in chunk])
                for provider, event, month, key in old.values_list("provider_id", "event_id", "month", "event_key"):
                    moved_to = new_month.get((provider, event))
                    if moved_to is not None and moved_to != month:
                        plan.moved_out[month].add(key)
                        plan.months.add(month)
        still_current = Submission.objects.filter(
            provider_id=OuterRef("provider_id"), event_id=OuterRef("event_id"), current=True
        )
        for pk, month in entries.exclude(Exists(still_current)).values_list("pk", "month"):
            plan.withdrawn[month].append(pk)
            plan.months.add(month)
        return plan

    # Month partitions --------------------------------------------------------------------

    def _months(self, months: list[dt.date], plan: _Plan) -> None:
        """Every month in order, each written as soon as its last new event is non-identified.

        The chunks of the months ahead are read here and non-identified by the workers while a
        finished month is written, so neither side waits for the other.
        """
        # One chunk or less: a pool would have nothing to share out, and forking costs.
        workers = self.workers if plan.total > BATCH else 1
        if workers > 1:
            lexicon.warm()  # before the pool forks, so every worker shares the lists and model
            ner.warm()
        self.summary.workers = max(self.summary.workers, workers)
        sent: deque[tuple[dt.date, list[_Doc]]] = deque()  # the chunks with the workers, in order

        def chunks() -> Iterator[_Chunk]:
            for month in months:
                for subs in self._chunks(month):
                    docs = [
                        _Doc(s.pk, s.provider_id, s.event_id, s.event_month, str(s.method), s.document or {})
                        for s in subs
                    ]
                    facts = self._facts(subs)
                    sent.append((month, docs))
                    yield _Chunk(
                        docs, {p: facts[p] for p in {d.provider_id for d in docs}}, _versions(subs), self.profile
                    )

        ahead = iter(months)
        month: dt.date | None = None
        pooled: list[_Row] = []
        # closing(): an error here stops the pool at once, not when the generator is collected.
        with contextlib.closing(ordered_map(_nonidentify, chunks(), workers=workers)) as done_chunks:
            for results, stats in done_chunks:
                chunk_month, docs = sent.popleft()
                while month != chunk_month:  # the months before this chunk's are complete
                    if month is not None:
                        self._month(month, pooled, plan)
                    month, pooled = next(ahead), []
                pooled += [
                    _Row(event, record, doc.pk, doc.provider_id, doc.event_id)
                    for (event, record), doc in zip(results, docs, strict=True)
                ]
                self._add_stats(stats)
                self.done += len(results)
                if self.progress:
                    self.progress(self.done, plan.total)
        if month is not None:
            self._month(month, pooled, plan)
        for rest in ahead:  # months with nothing new: rows withdrawn or moved out
            self._month(rest, [], plan)

    def _add_stats(self, stats: NonidStats) -> None:
        self.stats.events += stats.events
        self.stats.deid_seconds += stats.deid_seconds
        self.stats.total_seconds += stats.total_seconds
        self.stats.spans.update(stats.spans)

    def _chunks(self, month: dt.date) -> Iterator[list[Submission]]:
        """The month's submissions to add, BATCH at a time, each chunk read whole: no cursor
        stays open while a finished month is written."""
        rows = self._to_add().filter(event_month__gte=month, event_month__lt=add_months(month, 1))
        pks = list(rows.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            # No select_related("provider"): a provider is read once, for its facts (_facts).
            yield list(Submission.objects.filter(pk__in=pks[start : start + BATCH]).order_by("pk"))

    def _month(self, month: dt.date, pooled: list[_Row], plan: _Plan) -> None:
        withdrawn = plan.withdrawn.get(month, [])
        new_keys = {row.event.event_key for row in pooled}
        keep: set[str] = set()
        if not self.rebuild:
            in_month = LakeEntry.objects.filter(pso=self.pso, month=month).exclude(pk__in=withdrawn)
            keep = set(in_month.values_list("event_key", flat=True)) - new_keys - plan.moved_out.get(month, set())
        fresh = schema.event_tables([row.event for row in pooled])
        final: dict[str, Any] = {}
        for name, new in fresh.items():
            path = files.partition_path(self.root, name, month)
            old = None if self.rebuild else files.read(path)
            if old is not None and old.num_rows:
                old = old.filter(pc.is_in(old["event_key"], value_set=pa.array(sorted(keep), pa.string())))
                new = pa.concat_tables([old.select(new.schema.names).cast(new.schema), new])
            final[name] = new.sort_by("event_key")
            files.write(final[name], path)
        # The month's aggregates come from its final files alone, so an incremental refresh
        # writes what a rebuild would; an emptied month loses them (files.write of no rows).
        for name, counted in month_aggregates(final["events"], final["contributing_factors"]).items():
            files.write(counted, files.partition_path(self.root, name, month))
        written = final["events"].num_rows > 0
        if written:
            self.summary.partitions_written += 1
        else:
            self.summary.partitions_removed += 1
        self._record(month, pooled, withdrawn)
        pause_for_crash_test(MONTH_PAUSE_ENV)  # test-only: a month done, the next not begun

    def _record(self, month: dt.date, pooled: Sequence[_Row], withdrawn: list[int]) -> None:
        now = timezone.now()
        with transaction.atomic():
            existing: dict[str, int] = {
                key: pk
                for chunk in _chunks([row.event.event_key for row in pooled], 500)
                for key, pk in LakeEntry.objects.filter(event_key__in=chunk).values_list("event_key", "pk")
            }
            entries = [
                # An event key is a keyed hash of provider and event id: an existing entry is of
                # the same provider and event.
                LakeEntry(
                    pk=existing.get(row.event.event_key),
                    pso=self.pso,
                    provider_id=row.provider_id,
                    event_id=row.event_id,
                    event_key=row.event.event_key,
                    submission_id=row.submission_id,
                    month=month,
                    removal_record=row.record,
                    refreshed_at=now,
                )
                for row in pooled
            ]
            # Not bulk_update, which writes a CASE per field and row (a rebuild spent a quarter of
            # its time there): nothing refers to an entry, so a changed one is deleted and created
            # again under its id, in this transaction.
            updated = [entry.pk for entry in entries if entry.pk is not None]
            for chunk in _chunks(updated, 500):
                LakeEntry.objects.filter(pk__in=chunk).delete()
            LakeEntry.objects.bulk_create(entries, batch_size=500)
            removed, _ = LakeEntry.objects.filter(pk__in=withdrawn).delete()
        self.summary.added += len(entries) - len(updated)
        self.summary.changed += len(updated)
        self.summary.removed += removed

    def _facts(self, chunk: Sequence[Submission]) -> dict[int, ProviderFacts]:
        for sub in chunk:
            if sub.provider_id not in self.facts:
                self.facts[sub.provider_id] = provider_facts(sub.provider)
        return self.facts

    # Unpartitioned tables ---------------------------------------------------------------

    def _small_tables(self, state: LakeState) -> None:
        providers = Organization.objects.filter(kind=OrgKind.PROVIDER, network=self.pso).order_by("pk")
        pseudonyms = provider_pseudonyms(self.pso.pk, [p.pk for p in providers])
        keeps = self.profile.keeps
        provider_rows = sorted(
            (
                {
                    "provider": pseudonyms[p.pk],
                    "provider_type": (p.provider_type or None) if keeps("provider_type") else None,
                    "size_band": (p.bed_size_band or p.ems_volume_band or None) if keeps("size_band") else None,
                    "region": census_region(p.state) if keeps("region") else None,
                    "profile": self.profile.id,
                }
                for p in providers
            ),
            key=lambda row: str(row["provider"]),
        )
        tables = {
            "providers": schema.table(provider_rows, schema.PROVIDERS),
            "denominators": schema.table(self._denominator_rows(pseudonyms), schema.DENOMINATORS),
        }
        digests = dict(state.table_digests or {})
        for name, table in tables.items():
            digest = files.digest(table)
            path = files.table_path(self.root, name)
            if digests.get(name) != digest or not (path.exists() or table.num_rows == 0):
                files.write(table, path)
                digests[name] = digest
                self.summary.tables_written.append(name)
        state.table_digests = digests

    def _denominator_rows(self, pseudonyms: dict[int, str]) -> list[dict[str, Any]]:
        # Under a profile that keeps the year only, a month's volume is summed into its year.
        by_month = self.profile.date_precision == "month"
        totals: dict[tuple[str, int, str, str], int] = defaultdict(int)
        query = Denominator.objects.filter(provider_id__in=list(pseudonyms)).values_list(
            "provider_id", "month", "measure", "value"
        )
        for provider_id, month, measure, value in query:
            totals[(pseudonyms[provider_id], month.year, f"{month:%Y-%m}" if by_month else "", measure)] += value
        return [
            {"provider": p, "month": m or None, "year": y, "measure": measure, "value": v, "profile": self.profile.id}
            for (p, y, m, measure), v in sorted(totals.items())
        ]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _versions(chunk: Sequence[Submission]) -> dict[uuid.UUID, int]:
    """Which version each submission is: the count of versions of its event received so far."""
    counts = {
        (row["provider_id"], row["event_id"]): row["n"]
        for row in Submission.objects.filter(
            provider_id__in={s.provider_id for s in chunk}, event_id__in=[s.event_id for s in chunk]
        )
        .values("provider_id", "event_id")
        .annotate(n=Count("pk"))
    }
    return {s.pk: counts.get((s.provider_id, s.event_id), 1) for s in chunk}
