"""De-identification: `openpso deid --jsonl` against Microsoft Presidio on the same notes, same run.

Both tools see the same notes, every note of each corpus by default (Presidio, the slow one,
takes about a minute and a half for all three on two cores; `--limit` takes an evenly spread
sample instead), and are timed as whole commands, start-up included. Prints headline recall and precision, recall per
gold type, the false-positive load on MAUDE, speed ratios and the targets; writes the figures to
var/bench/deid.json. Exits 1 only when a tool failed to run or broke the line contract.
See benchmarks/deid/README.md for the scoring rules.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

# Run as a script by `openpso bench`: make `benchmarks.deid` importable from the repo root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.deid import corpora
from benchmarks.deid.evaluate import evaluate, figure

ROOT = Path(__file__).resolve().parents[1]

TOOLS = {
    "openpso": [str(Path(sys.executable).with_name("openpso")), "deid", "--jsonl"],
    "presidio": [sys.executable, str(ROOT / "benchmarks" / "deid" / "presidio_baseline.py"), "--jsonl"],
}
CLINICAL = "openpso-demo"  # the corpus the recall and precision targets are judged on
# The speed target is about clinical narratives: our safety-report narratives and FDA's device
# narratives. presidio-synth (one-line general PII sentences) is reported, not judged.
SPEED_CORPORA = ("openpso-demo", "maude")
TARGET_SPAN_RECALL = 0.985
TARGET_CHAR_PRECISION = 0.85
TARGET_SPEEDUP = 10.0


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def measure(corpus_names: list[str], tools: list[str], limit: int | None, timeout: float) -> list[dict[str, Any]]:
    results = []
    for corpus in corpus_names:
        notes = corpora.load(corpus, limit=limit)
        for tool in tools:
            results.append(evaluate(tool=tool, command=TOOLS[tool], corpus=corpus, notes=notes, timeout=timeout))
    return results


def headline_table(results: list[dict[str, Any]]) -> None:
    out(f"{'corpus':<15} {'tool':<9} {'notes':>5} {'span rec':>8} {'char rec':>8} {'char prec':>9} {'notes/s':>8}")
    for r in results:
        if "error" in r:
            out(f"{r['corpus']:<15} {r['tool']:<9} FAILED: {r['error']}")
            continue
        out(
            f"{r['corpus']:<15} {r['tool']:<9} {r['notes']:>5} {figure(r['span_recall']):>8}"
            f" {figure(r['char_recall']):>8} {figure(r['char_precision']):>9} {r['notes_per_s']:>8.1f}"
            + (f"  ({r['errors']} error lines)" if r["errors"] else "")
        )


def per_type_tables(results: list[dict[str, Any]]) -> None:
    for corpus in dict.fromkeys(r["corpus"] for r in results):
        runs = [r for r in results if r["corpus"] == corpus and r.get("per_type")]
        if not runs:
            continue
        out()
        out(f"{corpus}: recall per gold type (a gold span is found when any predicted span overlaps it)")
        out(f"  {'type':<26} {'gold':>5}" + "".join(f" {r['tool']:>9}" for r in runs))
        labels = runs[0]["per_type"]
        for label, row in labels.items():
            cells = "".join(f" {r['per_type'][label]['recall']:>9.3f}" for r in runs)
            remark = row["remark"] or ("" if row["headline"] else "out of headline")
            out(f"  {label:<26} {row['total']:>5}{cells}  {remark}".rstrip())


def maude_lines(results: list[dict[str, Any]]) -> None:
    runs = [r for r in results if r["corpus"] == "maude" and "error" not in r]
    if runs:
        out()
        out("maude (FDA already redacted; every predicted character is a false positive):")
    for r in runs:
        markers = ", ".join(f"{m['damaged']} of {m['total']} {name}" for name, m in r["markers"].items())
        load = figure(r["predicted_chars_per_1k"], 1)
        out(f"  {r['tool']:<9} predicted chars per 1,000: {load}; damaged markers: {markers}")


def verdicts(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Speed ratios per corpus and the targets, judged only on what was measured."""
    ok = {(r["corpus"], r["tool"]): r for r in results if "error" not in r}
    speedups = {
        corpus: ok[corpus, "openpso"]["notes_per_s"] / ok[corpus, "presidio"]["notes_per_s"]
        for corpus in dict.fromkeys(r["corpus"] for r in results)
        if (corpus, "openpso") in ok and (corpus, "presidio") in ok
    }
    clinical = ok.get((CLINICAL, "openpso"))
    targets: dict[str, bool | None] = {
        f"span recall >= {TARGET_SPAN_RECALL} on {CLINICAL}": None,
        f"char precision >= {TARGET_CHAR_PRECISION} on {CLINICAL}": None,
        f"notes/s >= {TARGET_SPEEDUP:g}x Presidio's on {' and '.join(SPEED_CORPORA)}": None,
    }
    if clinical and clinical["span_recall"] is not None:
        targets[f"span recall >= {TARGET_SPAN_RECALL} on {CLINICAL}"] = clinical["span_recall"] >= TARGET_SPAN_RECALL
    if clinical and clinical["char_precision"] is not None:
        key = f"char precision >= {TARGET_CHAR_PRECISION} on {CLINICAL}"
        targets[key] = clinical["char_precision"] >= TARGET_CHAR_PRECISION
    if all(corpus in speedups for corpus in SPEED_CORPORA):
        targets[f"notes/s >= {TARGET_SPEEDUP:g}x Presidio's on {' and '.join(SPEED_CORPORA)}"] = all(
            speedups[corpus] >= TARGET_SPEEDUP for corpus in SPEED_CORPORA
        )
    return {"speedups": speedups, "targets": targets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="notes per corpus, the same for both tools (default: all)")
    parser.add_argument("--corpus", action="append", choices=corpora.CORPORA, help="repeat to choose (default: all)")
    parser.add_argument("--tool", action="append", choices=list(TOOLS), help="repeat to choose (default: both)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per tool per corpus")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "deid.json")
    args = parser.parse_args(argv)
    results = measure(args.corpus or list(corpora.CORPORA), args.tool or list(TOOLS), args.limit, args.timeout)
    judged = verdicts(results)
    sample = "all notes of each corpus" if args.limit is None else f"at most {args.limit} notes per corpus"
    out(f"de-identification, {sample}, {os.cpu_count()} CPUs, {platform.machine()}")
    headline_table(results)
    per_type_tables(results)
    maude_lines(results)
    out()
    for corpus, ratio in judged["speedups"].items():
        out(f"speed {corpus}: openpso {ratio:.1f}x Presidio's notes/s")
    for target, met in judged["targets"].items():
        out(f"target {target}: {'not measured' if met is None else 'met' if met else 'NOT met'}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    report = {"limit": args.limit, "machine": machine, "results": results, **judged}
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out(f"figures written to {args.json}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
