"""The synthetic lake: the lake's own schemas and layout, exact counts, planted signals, by seed."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from django.core.management import CommandError, call_command

from openpso.lake import schema, synth_events
from openpso.lake import synth_mix as mix
from openpso.lake.aggregates import AGGREGATES, month_aggregates
from openpso.lake.synth import PLANTED, PLANTED_HOSPITAL, write_lake

EVENTS, PROVIDERS, MONTHS = 120_000, 80, 18


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth")
    write_lake(root, events=EVENTS, providers=PROVIDERS, months=MONTHS, seed=3)
    return root


def read(root: Path, name: str, columns: list[str] | None = None) -> Any:
    return pa.concat_tables(pq.read_table(p, columns=columns) for p in sorted(root.glob(f"{name}/**/part.parquet")))


def rate_ratio(root: Path, *, category: str, last: int, where: Any, measure: str | None) -> float:
    """The rate of `category` among the events `where` selects, last `last` months against the months before.

    Per unit of `measure` summed over the providers with such events; per month when None."""
    events = read(root, "events")
    events = events.filter(where(events))
    has = np.array([category in codes for codes in events["categories"].to_pylist()])
    months = np.array(events["event_month"].to_pylist())[has]
    labels = sorted(set(read(root, "denominators", ["month"])["month"].to_pylist()))
    recent = np.isin(months, labels[-last:])
    exposure = {True: float(last), False: float(len(labels) - last)}
    if measure is not None:
        providers = set(events["provider"].to_pylist())
        exposure = {True: 0.0, False: 0.0}
        for row in read(root, "denominators").to_pylist():
            if row["measure"] == measure and row["provider"] in providers:
                exposure[row["month"] in labels[-last:]] += row["value"]
    return float((recent.sum() / exposure[True]) / ((~recent).sum() / exposure[False]))


def test_every_file_has_the_lake_schema_and_layout(lake):
    expected = {**schema.PARTITIONED, **AGGREGATES}
    for name, table_schema in expected.items():
        paths = sorted(lake.glob(f"{name}/month=*/part.parquet"))
        assert len(paths) == MONTHS, name
        for path in paths:
            assert pq.read_schema(path).remove_metadata().equals(table_schema.remove_metadata()), path
    for name, table_schema in {"providers": schema.PROVIDERS, "denominators": schema.DENOMINATORS}.items():
        found = pq.read_schema(lake / name / "part.parquet")
        assert found.remove_metadata().equals(table_schema.remove_metadata()), name
        assert found.field("provider").metadata == table_schema.field("provider").metadata


def test_counts_are_exact_and_rows_are_consistent(lake):
    events = read(lake, "events")
    assert events.num_rows == EVENTS
    assert pc.count_distinct(events["event_key"]).as_py() == EVENTS
    assert pc.all(pc.match_substring_regex(events["event_key"], r"^E-[A-Z2-7]{16}$")).as_py()
    providers = read(lake, "providers")
    assert providers.num_rows == PROVIDERS
    assert pc.all(pc.match_substring_regex(providers["provider"], r"^P-[A-Z2-7]{12}$")).as_py()
    assert set(events["provider"].to_pylist()) <= set(providers["provider"].to_pylist())
    assert set(providers["provider_type"].to_pylist()) == set(mix.PROVIDER_TYPES)
    denominators = read(lake, "denominators")
    hospitals = providers.filter(pc.equal(providers["provider_type"], "hospital")).num_rows
    assert denominators.num_rows == (PROVIDERS + hospitals) * MONTHS  # hospitals have admissions too
    keys = set(events["event_key"].to_pylist())
    assert set(read(lake, "contributing_factors")["event_key"].to_pylist()) <= keys
    assert set(read(lake, "actions")["event_key"].to_pylist()) <= keys
    assert pc.sum(read(lake, "agg_monthly")["n"]).as_py() == EVENTS
    incidents = pc.equal(events["event_type"], "A3")
    assert pc.all(pc.is_valid(events.filter(incidents)["harm"])).as_py()
    assert pc.all(pc.is_null(events.filter(pc.invert(incidents))["harm"])).as_py()


def test_each_month_partition_holds_its_month_and_its_aggregates(lake):
    for path in sorted(lake.glob("events/month=*/part.parquet")):
        month = path.parent.name
        events = pq.read_table(path)
        assert set(events["event_month"].to_pylist()) == {month.removeprefix("month=")}
        assert events["event_key"].to_pylist() == sorted(events["event_key"].to_pylist())
        factors = pq.read_table(lake / "contributing_factors" / month / "part.parquet")
        for name, table in month_aggregates(events, factors).items():
            assert pq.read_table(lake / name / month / "part.parquet").equals(table), (name, month)


def test_the_planted_signals_are_in_the_files(lake):
    nursing_homes = lambda t: pc.equal(t["provider_type"], "nursing_home")  # noqa: E731
    falls = rate_ratio(lake, category="A48", last=6, where=nursing_homes, measure="patient_days")
    assert 1.3 < falls < 1.7  # the ramp averages 1.47 over its six months
    one_hospital = lambda t: pc.equal(t["provider"], PLANTED_HOSPITAL)  # noqa: E731
    assert rate_ratio(lake, category="A54", last=4, where=one_hospital, measure="patient_days") > 2.0
    icu = lambda t: pc.equal(t["unit_type"], "icu")  # noqa: E731
    assert rate_ratio(lake, category="A44", last=5, where=icu, measure=None) > 1.6
    others = lambda t: pc.equal(t["provider_type"], "hospital")  # noqa: E731
    assert 0.85 < rate_ratio(lake, category="A48", last=6, where=others, measure="patient_days") < 1.15
    assert {p.key for p in PLANTED} == {"falls_nursing_home", "medication_one_hospital", "device_icu"}
    assert PLANTED[0].start_month("2026-10") == "2026-05"


def test_the_same_seed_writes_the_same_lake(tmp_path):
    write_lake(tmp_path / "a", events=3000, providers=20, months=4, seed=5)
    write_lake(tmp_path / "b", events=3000, providers=20, months=4, seed=5)
    write_lake(tmp_path / "c", events=3000, providers=20, months=4, seed=6)
    for path in sorted((tmp_path / "a").rglob("part.parquet")):
        relative = path.relative_to(tmp_path / "a")
        assert pq.read_table(path).equals(pq.read_table(tmp_path / "b" / relative)), relative
    assert not read(tmp_path / "a", "events").equals(read(tmp_path / "c", "events"))


def test_it_writes_month_by_month_and_reports_progress(tmp_path):
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total, len(list(tmp_path.glob("events/month=*/part.parquet")))))

    summary = write_lake(tmp_path, events=5000, providers=20, months=6, seed=1, progress=progress)
    assert [months for _, _, months in seen] == [1, 2, 3, 4, 5, 6]  # each month on disk before the next is drawn
    assert seen[-1][:2] == (5000, 5000)
    assert summary.events == 5000
    assert summary.months == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def test_codes_are_the_lakes_own():
    from openpso.commonformats.rca2 import ACTION_STRENGTH
    from openpso.nonid.deid.engine import VERSION
    from openpso.nonid.pipeline_answers import code_lists, factor_codes
    from openpso.nonid.profiles import LAKE_PROFILE

    assert {code: strength for code, strength, _ in mix.ACTIONS} == ACTION_STRENGTH
    assert set(mix.FACTORS) <= factor_codes()
    assert set(mix.CATEGORIES) <= code_lists()["categories"]
    assert set(mix.HARMS) <= code_lists()["harm"]
    assert (LAKE_PROFILE.id, VERSION) == (synth_events.PROFILE, synth_events.ENGINE)


def test_the_command_writes_a_lake_and_refuses_a_folder_in_use(tmp_path):
    out, err = StringIO(), StringIO()
    call_command(
        "lake",
        "synth",
        "--events",
        "2000",
        "--providers",
        "12",
        "--months",
        "3",
        "--out",
        str(tmp_path / "l"),
        stdout=out,
        stderr=err,
    )
    assert "wrote 2,000 events" in out.getvalue()
    assert "2,000/2,000 events" in err.getvalue()
    with pytest.raises(CommandError, match="not empty"):
        call_command("lake", "synth", "--events", "10", "--out", str(tmp_path / "l"), stdout=out, stderr=err)
