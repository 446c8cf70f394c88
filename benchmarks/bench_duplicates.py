"""Likely duplicates: precision and recall of the triage queue's score on the demo's planted set.

Issue 18 item 4: "duplicate detection precision and recall on a planted set in the demo (several
reports of one event written differently)". The demo generator (openpso.demo.reports) plants,
from the seed, events told by two or three staff (another reporter, discovered minutes to hours
apart, the same unit, patient and codes; half the time the first teller's story re-told, half
another story of the same kind) and near misses that are another event (the same unit and
category: another patient within hours, or the same patient a day or two later). The demo's
other reports are independent events.

openpso.demo.duplicates scores every pair the queue would consider (one provider, discovered
within 48 h) with pses.safety_events.duplicates and counts, at the shown threshold and around it,
the planted pairs shown (recall) and the shown pairs that are planted (precision). The baseline,
in the same run: the rule a safety manager might apply by eye — same unit, a category in common,
discovered within 12 hours. `--seed` (repeatable; default 2026, the demo's, and 2027, never used
to set the weights), `--total` (default 6,000, the demo's size). Writes var/bench/duplicates.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpso.settings")

import django  # noqa: E402

django.setup()

from openpso.demo.duplicates import Pair, demo_drafts, planted, score  # noqa: E402
from openpso.demo.reports import ReportDraft  # noqa: E402
from openpso.pses.safety_events.duplicates import THRESHOLD, WINDOW  # noqa: E402


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def rule_pairs(drafts: list[ReportDraft]) -> set[Pair]:
    """Same provider and unit, a category in common, discovered within 12 hours."""
    by_unit: dict[tuple[str, str], list[ReportDraft]] = {}
    for draft in drafts:
        by_unit.setdefault((draft.provider_slug, draft.unit_name), []).append(draft)
    shown: set[Pair] = set()
    for group in by_unit.values():
        group.sort(key=lambda d: d.discovered_at)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b.discovered_at - a.discovered_at > min(WINDOW, dt.timedelta(hours=12)):
                    break
                if set(a.categories) & set(b.categories):
                    shown.add(frozenset((a.id, b.id)))
    return shown


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--total", type=int, default=6000)
    args = parser.parse_args()
    seeds = args.seed or [2026, 2027]
    out(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    results = {}
    for seed in seeds:
        started = time.monotonic()
        drafts = demo_drafts(seed=seed, total=args.total)
        scored = score(drafts)
        duplicates, _, near = planted(drafts)
        out(
            f"seed {seed}: {len(drafts)} reports, {len(duplicates)} planted duplicate pairs "
            f"({len(scored.same_story)} re-told from one story), {len(near)} planted near misses, "
            f"{len(scored.scores)} pairs scored ({time.monotonic() - started:.0f} s)"
        )
        rows = {}
        for threshold in (0.5, THRESHOLD, 0.9):
            f = scored.at(threshold)
            rows[str(threshold)] = {
                "precision": f.precision,
                "recall": f.recall,
                "shown": f.shown,
                "found": f.found,
                "near_misses_shown": f.near_misses_shown,
                "recall_same_story": f.found_same_story / f.planted_same_story if f.planted_same_story else 0.0,
                "recall_other_story": (f.found - f.found_same_story) / (f.planted - f.planted_same_story)
                if f.planted > f.planted_same_story
                else 0.0,
            }
            r = rows[str(threshold)]
            mark = " (shown on the queue)" if threshold == THRESHOLD else ""
            out(
                f"  score >= {threshold}{mark}: precision {r['precision']:.3f} ({f.found}/{f.shown}), "
                f"recall {r['recall']:.3f} ({f.found}/{f.planted}; same story {r['recall_same_story']:.3f}, "
                f"other story {r['recall_other_story']:.3f}), near misses shown {f.near_misses_shown}/{f.near_misses}"
            )
        rule = rule_pairs(drafts)
        found = len(rule & duplicates)
        base = {
            "precision": found / len(rule) if rule else 0.0,
            "recall": found / len(duplicates) if duplicates else 0.0,
            "shown": len(rule),
            "near_misses_shown": len(rule & near),
        }
        out(
            f"  baseline (same unit, a category in common, within 12 h): precision {base['precision']:.3f} "
            f"({found}/{len(rule)}), recall {base['recall']:.3f}, "
            f"near misses shown {base['near_misses_shown']}/{len(near)}"
        )
        results[str(seed)] = {"score": rows, "baseline": base}
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "duplicates.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
