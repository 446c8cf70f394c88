"""Themes over time (issue 18 item 5): the pool's scrubbed narratives clustered, named and counted per month."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from openpso.analytics import themes
from openpso.analytics.dashboards.pso import themes_panel
from openpso.analytics.engine import Lake
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.lake import files

FALLS = [
    "Patient found on the floor beside the bed after trying to walk to the bathroom; bed alarm was off.",
    "Resident slipped and fell in the bathroom at night, hip pain, x-ray ordered.",
    "Patient fell while getting out of bed unassisted, bed alarm not set, no injury.",
    "Unwitnessed fall in the hallway, resident found on the floor, walker out of reach.",
    "Patient slid from the chair to the floor during transfer, fall with a bruise on the arm.",
    "Resident fell on the way to the bathroom, floor was wet, skin tear to the elbow.",
    "Fall from bed overnight, bed rails down, patient found on the floor by [STAFF].",
    "Patient tripped on the walker and fell in the room, hip x-ray negative.",
]
MEDICATION = [
    "Wrong dose of insulin given, pharmacy label misread, glucose checked hourly.",
    "Heparin infusion pump programmed at ten times the ordered dose, caught by pharmacy.",
    "Patient received the wrong medication, dose meant for the next room, pharmacy notified.",
    "Insulin dose omitted before breakfast, glucose high, order clarified with pharmacy.",
    "Warfarin dose doubled after a transcription error in the medication record.",
    "Morphine dose given twice, second dose not charted, naloxone at the bedside.",
    "Pharmacy dispensed the wrong strength tablets, medication dose checked by nurse.",
    "Antibiotic dose missed because the medication was not delivered from pharmacy.",
]
PRESSURE = [
    "Stage two pressure injury found on the sacrum, repositioning schedule not followed.",
    "Pressure ulcer on the heel discovered at skin check, offloading boots applied.",
    "Sacral pressure injury worsened to stage three, turning every two hours missed.",
    "New pressure injury under the oxygen tubing on the ear, skin assessment done.",
    "Skin breakdown on the coccyx, pressure relieving mattress was not in place.",
    "Deep tissue pressure injury on the heel, skin check on admission was incomplete.",
    "Pressure ulcer on the hip, repositioning not documented for the whole shift.",
    "Stage two pressure injury on the buttock, skin care plan updated, mattress changed.",
]
PROVIDERS = ("PA", "PB", "PC", "PD")
MONTHS = ("2026-01", "2026-02", "2026-03")


def pool(extra: list[tuple[str, str, str]] = ()) -> pd.DataFrame:  # type: ignore[assignment]
    """Scrubbed narratives as the lake holds them: each topic written by all four providers over three months."""
    rows = []
    for texts in (FALLS, MEDICATION, PRESSURE):
        for i, text in enumerate(texts):
            rows.append({"event_month": MONTHS[i % 3], "provider": PROVIDERS[i % 4], "narrative": text})
    rows += [{"event_month": m, "provider": p, "narrative": t} for m, p, t in extra]
    return pd.DataFrame(rows)


def theme_of(found: themes.Themes, frame: pd.DataFrame, text: str) -> int:
    return found.labels[list(frame["narrative"]).index(text)]


def test_themes_are_the_same_for_the_same_seed():
    frame = pool()
    first = themes.compute_themes(frame, seed=3, min_providers=3)
    second = themes.compute_themes(frame, seed=3, min_providers=3)
    assert first.labels == second.labels
    assert first.terms.equals(second.terms)
    assert first.counts.equals(second.counts)
    assert first.k == themes.choose_k(24) == 3  # round(sqrt(24 / 2))


def test_the_number_of_themes_follows_the_documented_rule():
    assert [themes.choose_k(n) for n in (0, 1, 2, 8, 24, 200, 10_000)] == [0, 1, 2, 2, 3, 10, 12]


def test_narratives_of_one_topic_mostly_share_a_theme():
    frame = pool()
    found = themes.compute_themes(frame, seed=0, min_providers=3)
    for texts in (FALLS, MEDICATION, PRESSURE):
        labels = [theme_of(found, frame, t) for t in texts]
        assert max(labels.count(x) for x in set(labels)) >= 6, labels


def test_top_terms_come_from_the_themes_own_narratives():
    frame = pool()
    found = themes.compute_themes(frame, seed=0, min_providers=3)
    assert not found.terms.empty
    for theme, group in found.terms.groupby("theme"):
        own = [t for t, label in zip(frame["narrative"], found.labels, strict=True) if label == theme]
        own_words = {w for t in own for w in themes.words(t)}
        assert set(group["term"]) <= own_words
        assert list(group["rank"]) == list(range(1, len(group) + 1))
        assert len(group) <= themes.TOP_TERMS


def test_a_word_fewer_than_three_providers_write_never_names_a_theme():
    # One provider writes its own unit's name into many falls: frequent, but one provider's word.
    extra = [
        (MONTHS[i % 3], "PA", f"Patient fell in Riverbend wing near the Riverbend station, case {i}.") for i in range(6)
    ]
    frame = pool(extra)
    found = themes.compute_themes(frame, seed=0, min_providers=3)
    assert "riverbend" not in set(found.terms["term"])
    assert "riverbend" in {w for t in frame["narrative"] for w in themes.words(t)}


def test_placeholders_and_stop_words_are_not_terms():
    assert themes.words("The [STAFF] found [NAME] on the floor at [DATE 2026]") == ["floor"]


def test_counts_are_narratives_per_theme_month_and_provider():
    frame = pool()
    found = themes.compute_themes(frame, seed=0, min_providers=3)
    assert int(found.counts["n"].sum()) == len(frame)
    assert set(found.counts.columns) == {"theme", "event_month", "provider", "n"}


def write_theme_tables(root: Path, counts: list[dict[str, Any]], terms: list[dict[str, Any]]) -> Lake:
    files.write(pa.Table.from_pylist(counts, schema=themes.THEME_COUNTS), files.table_path(root, "theme_counts"))
    files.write(pa.Table.from_pylist(terms, schema=themes.THEME_TERMS), files.table_path(root, "theme_terms"))
    return Lake(root)


def many(theme: int, month: str, providers: int, each: int) -> list[dict[str, Any]]:
    return [{"theme": theme, "event_month": month, "provider": f"P{i}", "n": each} for i in range(providers)]


def test_a_small_theme_month_cell_is_hidden_like_every_other_count(tmp_path, settings):
    settings.SMALL_CELL_MIN_COUNT, settings.SMALL_CELL_MIN_PROVIDERS = 11, 3
    counts = many(1, "2026-01", 5, 4) + many(1, "2026-02", 5, 4) + many(2, "2026-01", 5, 4)
    counts += many(2, "2026-02", 2, 2)  # 4 narratives from 2 providers: below both thresholds
    terms = [{"theme": 1, "rank": 1, "term": "fall"}, {"theme": 2, "rank": 1, "term": "insulin"}]
    lake = write_theme_tables(tmp_path, counts, terms)
    panel = themes_panel(lake, ("2026-01", "2026-02"))
    table = panel.table.set_index(["theme", "month"])["narratives"]
    assert pd.isna(table[("2. insulin", "2026-02")])
    assert table[("1. fall", "2026-01")] == 20
    assert panel.suppressed
    assert "4" not in panel.table["narratives"].dropna().astype(int).astype(str).tolist()
    assert panel.svg.startswith("<svg")


def test_a_theme_without_a_word_enough_providers_share_says_so(tmp_path, settings):
    counts = many(1, "2026-01", 5, 4)
    lake = write_theme_tables(tmp_path, counts, [])
    panel = themes_panel(lake, ("2026-01", "2026-01"))
    assert panel.table["theme"].tolist() == ["1. no word shared by enough providers"]


def test_without_computed_themes_the_panel_says_so(tmp_path):
    panel = themes_panel(Lake(tmp_path), ("2026-01", "2026-02"))
    assert panel.svg == ""
    assert "No themes computed" in panel.caption


def test_only_the_lakes_scrubbed_narrative_column_is_read(tmp_path, monkeypatch):
    from openpso.lake.synth import write_lake

    write_lake(tmp_path, events=400, providers=8, seed=5)
    lake = Lake(tmp_path)
    asked: list[str] = []
    real_table = lake.table

    def table(name: str) -> Any:
        asked.append(name)
        return real_table(name)

    monkeypatch.setattr(lake, "table", table)
    seen: list[list[str]] = []
    real_compute = themes.compute_themes

    def compute(rows, **kwargs):
        seen.append(list(rows.columns))
        return real_compute(rows, min_providers=3, **kwargs)

    monkeypatch.setattr(themes, "compute_themes", compute)
    found = themes.refresh_themes(lake)
    assert asked == ["events"]  # the pooled, scrubbed events table: no identified source exists here
    assert seen == [["event_month", "provider", "narrative"]]
    assert found is not None
    assert found.k >= themes.MIN_THEMES
    assert files.table_path(tmp_path, "theme_counts").exists()
    assert not themes.themes_stale(Lake(tmp_path))


@pytest.mark.django_db
def test_the_themes_panel_is_refused_to_providers(cast, client_for, cast_lake):  # noqa: F811
    themes.refresh_themes(Lake(cast_lake))
    analyst = client_for("pso_analyst")
    assert "Themes over time" in analyst.get("/analytics/pso/").content.decode()
    assert analyst.get("/analytics/pso/themes.csv").status_code == 200
    for who in ("safety_manager", "pses_committee", "system_safety_officer"):
        client = client_for(who)
        assert client.get("/analytics/pso/themes.csv").status_code == 404
        assert client.get(f"/analytics/pso/themes.csv?pso={cast.orgs['pso1'].slug}").status_code == 404
    own = client_for("safety_manager").get(f"/analytics/provider/{cast.orgs['p1'].slug}/").content.decode()
    assert "Themes over time" not in own


def test_themes_are_drawn_in_their_number_order(tmp_path):
    counts = [row for theme in range(1, 12) for row in many(theme, "2026-01", 5, 4)]
    terms = [{"theme": theme, "rank": 1, "term": f"word{theme:02d}"} for theme in range(1, 12)]
    panel = themes_panel(write_theme_tables(tmp_path, counts, terms), ("2026-01", "2026-01"))
    drawn = re.findall(r"<text[^>]*>(\d+)\. word\d+</text>", panel.svg)  # the facets' headers, as drawn
    assert drawn == [str(theme) for theme in range(1, 12)]  # 2 before 10, not as text sorts


def test_themes_older_than_the_pooled_events_say_so(tmp_path):
    lake = write_theme_tables(tmp_path, many(1, "2026-01", 5, 4), [{"theme": 1, "rank": 1, "term": "fall"}])
    assert "Computed before" not in themes_panel(lake, ("2026-01", "2026-01")).caption  # no events: nothing newer
    events = files.partition_path(tmp_path, "events", dt.date(2026, 1, 1))
    events.parent.mkdir(parents=True)
    events.write_bytes(b"newer than the themes")
    written = files.table_path(tmp_path, "theme_counts").stat().st_mtime_ns
    os.utime(events, ns=(written + 10**9, written + 10**9))  # a second later, whatever the clock's grain
    assert themes.themes_stale(Lake(tmp_path))
    assert "Computed before" in themes_panel(Lake(tmp_path), ("2026-01", "2026-01")).caption
